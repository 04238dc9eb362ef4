"""Rules a service or a shelter stay is checked against before it is written: the support
regime the person is entitled to, the project it may be counted under, and the service's date.
They read and refuse (`ValidationError`), and write nothing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.cases.models import Case, SupportRegime
from donghanh.cases.selectors import regimes_entitled
from donghanh.programmes.projects.models import Project

from .selectors import projects_for_case


def day_shown(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def check_service_date(case: Case, delivered_on: datetime.date) -> None:
    """A service is recorded once it was delivered, within the case: never dated in the future
    (a service still to come is a plan action) nor before the case's intake."""
    if delivered_on > timezone.localdate():
        raise ValidationError(
            {
                "delivered_on": _(
                    "A service is recorded once it has been delivered: this date is in the "
                    "future. Plan it as an action of the case plan instead."
                )
            },
            code="future",
        )
    if delivered_on < case.intake_date:
        raise ValidationError(
            {
                "delivered_on": _(
                    "This date is before the case's intake on %(day)s: a service belongs to "
                    "the case from its intake on. Check the date."
                )
                % {"day": day_shown(case.intake_date)}
            },
            code="before_intake",
        )


def check_entitlement(case: Case, regime: str, on: datetime.date) -> None:
    """Refuse a regime the person is not entitled to on that day (Art. 37, configured rules)."""
    if not regime:
        return
    entitled = {item.code for item in regimes_entitled(case, on=on)}
    if regime not in entitled:
        raise ValidationError(
            _(
                "On %(day)s the person is not entitled to support regime %(regime)s under "
                "their identification status, group and the law in force. Record the service "
                "without a regime, or correct the identification first."
            )
            % {"day": day_shown(on), "regime": SupportRegime(regime).label},
            code="not_entitled",
        )


def _project_period(project: Project) -> str:
    """When the project runs, as a refusal names it (a project open at both ends is never
    refused for its dates)."""
    start, end = project.start_on, project.end_on
    if start is not None and end is not None:
        return _("from %(start)s to %(end)s") % {"start": day_shown(start), "end": day_shown(end)}
    if start is not None:
        return _("from %(start)s") % {"start": day_shown(start)}
    return _("until %(end)s") % {"end": day_shown(end)} if end is not None else ""


# The codes of check_project's refusals.
PROJECT_REFUSALS = frozenset({"project_not_linked", "project_not_running"})


def check_project(case: Case, project: Project | int | None, on: datetime.date) -> Project | None:
    """The project (given or by id) a record of the case on `on` is counted under, if the
    case's organisation implements it or is a partner of it and its dates cover that day
    (`selectors.projects_for_case`); otherwise refused. None stays None."""
    if project is None:
        return None
    project_id = project.pk if isinstance(project, Project) else project
    eligible = projects_for_case(case, on).filter(pk=project_id).first()
    if eligible is not None:
        return eligible
    linked = projects_for_case(case).filter(pk=project_id).first()
    if linked is None:
        # The same answer for a project of another organisation and for no project at all.
        raise ValidationError(
            _(
                "Choose a project that the organisation of this case implements or is a "
                "partner of, or none."
            ),
            code="project_not_linked",
        )
    raise ValidationError(
        _(
            "Project %(code)s runs %(period)s: %(day)s is outside it. Choose another project, "
            "or none."
        )
        % {"code": linked.code, "period": _project_period(linked), "day": day_shown(on)},
        code="project_not_running",
    )


def refusal_about_project(error: ValidationError) -> ValidationError:
    """A refusal of `check_project` as an error on the `project` field; others unchanged."""
    if getattr(error, "code", None) in PROJECT_REFUSALS:
        return ValidationError({"project": error})
    return error
