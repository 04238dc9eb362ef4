"""Writes of livelihood plans and reintegration assessments on a case.

The caller has opened the case through `donghanh.cases.services.case_access_audited` with the
right to edit it; these services refuse writes on a closed case, and write one audit row each,
naming records by type and id and support by its kind and amount, never her words.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.cases.duedates import cases_next_due_refresh
from donghanh.cases.models import Case
from donghanh.cases.services import ensure_case_not_closed
from donghanh.core.actor import Actor
from donghanh.core.editing import EditSpec
from donghanh.core.idempotency import once
from donghanh.core.records import records_changed
from donghanh.core.text import nfc
from donghanh.livelihood.events import LivelihoodEvent
from donghanh.livelihood.savings.selectors import programme_choices

from .items import ITEM_CODES, dimension_scores
from .models import (
    AssessmentPoint,
    LivelihoodPlan,
    LivelihoodReview,
    LivelihoodSupport,
    ReintegrationAssessment,
    SupportKind,
)
from .selectors import reviews_due

PLAN_FIELDS = (
    "goals",
    "skills",
    "assets",
    "livelihood",
    "livelihood_detail",
    "income_at_start",
    "household_at_start",
    "project",
)
PLAN_EDITS = EditSpec.for_model(LivelihoodPlan, fields=PLAN_FIELDS, purpose="livelihood-plan-edit")


def _text(value: str | None) -> str:
    return nfc(value or "").strip()


def _audit(
    event: LivelihoodEvent, *, actor: Actor, case: Case, target: Any, **details: Any
) -> None:
    changed = details.pop("changed", ())
    audit_record(
        event=event,
        actor=actor,
        target=target,
        organisation=case.organisation,
        changed_fields=changed,
        details=details,
    )


def _figures_changed(*project_ids: int | None) -> None:
    """Tell the programme figures that plans or assessments counted under these projects
    changed (none: nothing is counted)."""
    wanted = {pk for pk in project_ids if pk is not None}
    if wanted:
        records_changed(project_ids=wanted)


def _plan_project(case: Case) -> int | None:
    return LivelihoodPlan.objects.filter(case=case).values_list("project_id", flat=True).first()


def _next_review_refresh(case: Case) -> None:
    """Write on her intake assessment when her next 6- or 12-month review falls due, then the
    case's next due date (the caseload shows the review as due, then overdue)."""
    assessments = list(ReintegrationAssessment.objects.filter(case=case))
    intake = next((a for a in assessments if a.point == AssessmentPoint.INTAKE), None)
    if intake is None:
        return
    due = [review.due_on for review in reviews_due(assessments)]
    ReintegrationAssessment.objects.filter(pk=intake.pk).update(
        next_review_on=min(due) if due else None
    )
    cases_next_due_refresh(case_ids=[case.pk])


def _not_in_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})


@transaction.atomic
def plan_start(*, actor: Actor, case: Case) -> LivelihoodPlan:
    """The case's livelihood plan, started empty if it has none (starting twice is one plan)."""
    ensure_case_not_closed(case)
    plan, created = LivelihoodPlan.objects.get_or_create(
        case=case, defaults={"created_by_id": actor.user_id}
    )
    if created:
        _audit(LivelihoodEvent.PLAN_STARTED, actor=actor, case=case, target=plan)
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Actor,
    plan: LivelihoodPlan,
    expected_version: int,
    baseline: Mapping[str, str],
    **changes: Any,
) -> LivelihoodPlan:
    current = (
        LivelihoodPlan.objects.select_for_update()
        .select_related("case__organisation")
        .get(pk=plan.pk)
    )
    ensure_case_not_closed(current.case)
    PLAN_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    if set(changes) - set(PLAN_FIELDS):
        raise TypeError(f"not editable: {sorted(set(changes) - set(PLAN_FIELDS))}")
    project = changes.get("project")
    if project is not None and not (
        programme_choices(current.case.organisation_id).filter(pk=project.pk).exists()
    ):
        raise ValidationError({"project": _("Choose a programme your organisation works on.")})
    was_under = current.project_id
    changed = []
    for name, value in changes.items():
        value = _text(value) if isinstance(value, str) else value
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed.append(name)
    if changed:
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        if "project" in changed:
            _figures_changed(was_under, current.project_id)
        _audit(
            LivelihoodEvent.PLAN_UPDATED,
            actor=actor,
            case=current.case,
            target=current,
            changed=changed,
        )
    return current


@transaction.atomic
def support_add(
    *,
    actor: Actor,
    plan: LivelihoodPlan,
    kind: str,
    amount: int,
    given_on: datetime.date,
    given_by: Any = None,
    given_by_other: str = "",
    note: str = "",
    idempotency_key: str = "",
) -> LivelihoodSupport:
    """Support given to her livelihood: what, worth how much, when and by whom."""
    case = plan.case

    def create() -> LivelihoodSupport:
        ensure_case_not_closed(case)
        if kind not in SupportKind.values:
            raise ValidationError({"kind": _("Choose the kind of support.")})
        _not_in_future(given_on, "given_on")
        if given_by is None and not _text(given_by_other):
            raise ValidationError(
                {"given_by_other": _("Say who gave it: an organisation, or name another.")}
            )
        support = LivelihoodSupport(
            plan=plan,
            kind=kind,
            amount=amount,
            given_on=given_on,
            given_by=given_by,
            given_by_other=_text(given_by_other) if given_by is None else "",
            note=_text(note),
        )
        support.save(force_insert=True)
        _audit(
            LivelihoodEvent.SUPPORT_ADDED,
            actor=actor,
            case=case,
            target=support,
            kind=kind,
            amount=amount,
        )
        return support

    support, _created = once(
        actor=actor, scope=f"livelihood-support:{plan.pk}", key=idempotency_key, create=create
    )
    return support


@transaction.atomic
def review_add(
    *,
    actor: Actor,
    plan: LivelihoodPlan,
    reviewed_on: datetime.date,
    income: int | None = None,
    household: str = "",
    progress: str = "",
    idempotency_key: str = "",
) -> LivelihoodReview:
    case = plan.case

    def create() -> LivelihoodReview:
        ensure_case_not_closed(case)
        _not_in_future(reviewed_on, "reviewed_on")
        review = LivelihoodReview(
            plan=plan,
            reviewed_on=reviewed_on,
            income=income,
            household=_text(household),
            progress=_text(progress),
        )
        review.save(force_insert=True)
        _audit(LivelihoodEvent.REVIEW_ADDED, actor=actor, case=case, target=review)
        return review

    review, _created = once(
        actor=actor, scope=f"livelihood-review:{plan.pk}", key=idempotency_key, create=create
    )
    return review


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    case: Case,
    point: str,
    assessed_on: datetime.date,
    answers: Mapping[str, int | None],
    note: str = "",
    idempotency_key: str = "",
) -> ReintegrationAssessment:
    """Her reintegration assessment at a point (intake, 6 or 12 months, or another review),
    scored by dimension (`items.dimension_scores`)."""

    def create() -> ReintegrationAssessment:
        ensure_case_not_closed(case)
        if point not in AssessmentPoint.values:
            raise ValidationError({"point": _("Choose when this assessment is.")})
        _not_in_future(assessed_on, "assessed_on")
        unknown = set(answers) - ITEM_CODES
        if unknown or any(value not in (None, 1, 2, 3, 4, 5) for value in answers.values()):
            raise ValueError("answers are item codes with 1 to 5 or None")
        if all(answers.get(code) is None for code in ITEM_CODES):
            raise ValidationError(_("Answer at least one question."), code="no_answers")
        if (
            point != AssessmentPoint.REVIEW
            and ReintegrationAssessment.objects.filter(case=case, point=point).exists()
        ):
            raise ValidationError(
                {
                    "point": ValidationError(
                        _("This assessment has been recorded already: record another review."),
                        code="point_done",
                    )
                }
            )
        stored = {code: answers.get(code) for code in sorted(ITEM_CODES)}
        assessment = ReintegrationAssessment(
            case=case,
            point=point,
            assessed_on=assessed_on,
            answers=stored,
            note=_text(note),
            created_by_id=actor.user_id,
            **dimension_scores(stored),
        )
        assessment.save(force_insert=True)
        _audit(
            LivelihoodEvent.ASSESSMENT_RECORDED,
            actor=actor,
            case=case,
            target=assessment,
            point=point,
        )
        _figures_changed(_plan_project(case))
        _next_review_refresh(case)
        return assessment

    assessment, _created = once(
        actor=actor, scope=f"reintegration:{case.pk}", key=idempotency_key, create=create
    )
    return assessment
