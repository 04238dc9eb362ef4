"""Plain forms for case work; the services check the rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from donghanh.cases.models import SupportRegime
from donghanh.core.dates import DateField
from donghanh.core.editing import VersionedFormMixin
from donghanh.core.idempotency import IdempotencyField
from donghanh.core.money import MoneyField
from donghanh.directory.models import Provider
from donghanh.programmes.projects.models import Project
from donghanh.reference.domains import ServiceDomain

from .models import (
    ASSESSED_DOMAIN_CHOICES,
    ASSESSED_DOMAINS,
    ActionStatus,
    DischargeReason,
    FollowUpMethod,
    NeedLevel,
)
from .selectors import shelters


class NeedsForm(forms.Form):
    assessed_on = DateField(label=_("Assessment date"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in ASSESSED_DOMAINS:
            self.fields[f"level_{domain.value}"] = forms.ChoiceField(
                label=domain.label, choices=NeedLevel.choices, initial=NeedLevel.NONE
            )
            self.fields[f"note_{domain.value}"] = forms.CharField(
                label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def domain_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"level_{d.value}"], self[f"note_{d.value}"]) for d in ASSESSED_DOMAINS]


class NeedsAssessForm(VersionedFormMixin, NeedsForm):
    """A new assessment, opened on the case's current needs (their version and baseline)."""


class GoalForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=ASSESSED_DOMAIN_CHOICES)
    text = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}))


class GoalEditForm(VersionedFormMixin, GoalForm):
    pass


class ActionForm(forms.Form):
    description = forms.CharField(
        label=pgettext_lazy("plan", "Action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    due_on = DateField(label=_("Due date"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.OPEN, required=False
    )

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Nobody yet")), *owners]  # type: ignore[attr-defined]


class ActionEditForm(VersionedFormMixin, ActionForm):
    pass


class PlanSubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the plan")), ("return", _("Return it for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the case worker"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def project_field() -> forms.TypedChoiceField:
    """The programme a record is counted under: a project's id, or None."""
    return forms.TypedChoiceField(
        label=_("Project"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "The programme's indicators count the person under this project. Only the projects "
            "running on the date of the record are listed."
        ),
    )


class ProjectChoiceForm(forms.Form):
    """A form whose optional `project` field (declared where it goes, with `project_field`)
    lists, by code and name after "Not under any project", those of the given projects (the
    ones the case may use) that run on the record's date, the field named `date_field`: the
    date sent, else the date the form opened with, else today. `keep` (the project an edited
    record is counted under now) stays listed whatever its dates, and a project sent that the
    case may use is taken so that the service says why it does not fit. Left out when there is
    no project to choose: `cleaned_data` then has no "project"."""

    date_field = ""

    def __init__(
        self,
        *args: Any,
        projects: Iterable[Project] | None = None,
        keep: Project | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        usable = list(projects or ())
        day = self.record_day()
        sent = self.data.get(self.add_prefix("project")) if self.is_bound else None
        offered = [
            project
            for project in usable
            if project.runs_on(day) or project == keep or str(project.pk) == sent
        ]
        if keep is not None and keep not in offered:
            offered.append(keep)
        choices = [(project.pk, f"{project.code} — {project.local_name}") for project in offered]
        if choices:
            self.fields["project"].choices = [  # type: ignore[attr-defined]
                ("", _("Not under any project")),
                *choices,
            ]
        else:
            del self.fields["project"]

    def record_day(self) -> datetime.date:
        """The date of the record the form is for, as far as it is known yet."""
        field = self.fields.get(self.date_field)
        if field is not None:
            given = (
                self.data.get(self.add_prefix(self.date_field))
                if self.is_bound
                else self.initial.get(self.date_field)
            )
            try:
                day = given if isinstance(given, datetime.date) else field.clean(given)
            except forms.ValidationError:
                day = None
            if isinstance(day, datetime.date):
                return day
        return timezone.localdate()


class ServiceFields(ProjectChoiceForm):
    """What a service records, as its forms (new and edit) and the API take it."""

    date_field = "delivered_on"

    domain = forms.ChoiceField(label=_("Domain"), choices=ServiceDomain.choices)
    provider = forms.ModelChoiceField(
        label=_("Provider in the directory"),
        queryset=Provider.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    provider_name = forms.CharField(label=_("Provider (other)"), max_length=200, required=False)
    delivered_on = DateField(label=_("Date"))
    cost_vnd = MoneyField(label=_("Cost (VND)"), initial=0)
    regime = forms.ChoiceField(
        label=_("Support regime (Art. 37)"),
        choices=[("", _("None")), *SupportRegime.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    project = project_field()


class ServiceForm(ServiceFields):
    """A new service; sent twice, it records one."""

    idempotency_key = IdempotencyField()


class ServiceEditForm(VersionedFormMixin, ServiceFields):
    pass


class FollowUpFields(forms.Form):
    planned_on = DateField(label=_("Planned date"))
    method = forms.ChoiceField(label=_("Method"), choices=FollowUpMethod.choices)
    done_on = DateField(label=_("Done on"), required=False)
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_on = DateField(label=_("Next follow-up"), required=False)


class FollowUpForm(FollowUpFields):
    """A new follow-up; sent twice, it makes one."""

    idempotency_key = IdempotencyField()


class FollowUpEditForm(VersionedFormMixin, FollowUpFields):
    pass


class AdmissionForm(ProjectChoiceForm):
    date_field = "admitted_on"
    shelter = forms.ModelChoiceField(label=_("Shelter"), queryset=shelters())
    admitted_on = DateField(label=_("Admission date"))
    project = project_field()


class DischargeForm(forms.Form):
    discharged_on = DateField(label=_("Discharge date"))
    reason = forms.ChoiceField(label=_("Discharge reason"), choices=DischargeReason.choices)


class CapacityForm(forms.Form):
    beds = forms.IntegerField(label=_("Beds"), min_value=0, max_value=10000)
    effective_from = DateField(label=pgettext_lazy("date", "From"))
