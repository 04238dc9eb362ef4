"""Writes of case work. Each runs in one transaction with its audit row, which names records by
type and id and changed fields by name, never a value. The caller has opened the case through
`donghanh.cases.services.case_access_audited` with the right permission; rules about the records
themselves (closed case, entitlement, shelter beds, who approves a plan) are checked here and
refused with a `ValidationError` for the user.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from donghanh.audit.services import audit_record
from donghanh.cases.models import Case
from donghanh.cases.services import ensure_case_not_closed
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.core.idempotency import once
from donghanh.core.records import records_changed
from donghanh.core.text import nfc
from donghanh.organisations.models import Organisation
from donghanh.programmes.projects.models import Project

from .checks import check_entitlement, check_project, check_service_date, day_shown
from .duedates import cases_next_due_refresh
from .edits import ACTION_EDITS, FOLLOW_UP_EDITS, GOAL_EDITS, NEEDS_EDITS, SERVICE_EDITS
from .events import CaseworkEvent
from .models import (
    ASSESSED_DOMAINS,
    ActionStatus,
    AssessedNeed,
    CasePlan,
    DischargeReason,
    FollowUp,
    NeedLevel,
    NeedsAssessment,
    PlanAction,
    PlanGoal,
    PlanStatus,
    ServiceDelivery,
    ShelterCapacity,
    ShelterStay,
)
from .selectors import (
    needs_picture,
    shelter_beds_on,
    shelter_occupancy_on,
    shelter_peak_occupancy,
)


def _text(value: str | None) -> str:
    return nfc(value or "").strip()


# --- Needs ---------------------------------------------------------------------------------


@transaction.atomic
def needs_assess(
    *,
    case: Case,
    assessed_on: datetime.date,
    levels: Mapping[str, str],
    notes: Mapping[str, str],
    actor: Actor,
    expected_version: int | None = None,
    baseline: Mapping[str, str] | None = None,
) -> NeedsAssessment:
    """Record a needs assessment: a level for each of the ten domains, with notes.

    A form starts from the case's current needs (`selectors.needs_picture`) and sends the
    picture's `expected_version` and `baseline`: if someone recorded an assessment since, the
    new one is refused with StaleEditError naming what they changed, so that it does not undo
    their assessment unseen. Without them (a loader), the assessment is simply recorded."""
    ensure_case_not_closed(case)
    if assessed_on > timezone.localdate():
        raise ValidationError(_("The assessment date cannot be in the future."))
    # Lock the case: two assessments recorded at once are numbered one after the other.
    Case.objects.select_for_update().only("pk").get(pk=case.pk)
    picture = needs_picture(case)
    if expected_version is not None:
        NEEDS_EDITS.check(picture, expected_version=expected_version, baseline=baseline or {})
    assessment = NeedsAssessment.objects.create(
        case=case, assessed_on=assessed_on, version=picture.version, created_by_id=actor.user_id
    )
    AssessedNeed.objects.bulk_create(
        AssessedNeed(
            assessment=assessment,
            domain=domain.value,
            level=levels.get(domain.value) or NeedLevel.NONE,
            note=_text(notes.get(domain.value)),
        )
        for domain in ASSESSED_DOMAINS
    )
    audit_record(
        event=CaseworkEvent.NEEDS_ASSESSED,
        actor=actor,
        organisation=case.organisation,
        target=assessment,
        details={"case": case.pk},
    )
    return assessment


# --- Case plan -----------------------------------------------------------------------------


def _plan_for_change(case: Case, expected_version: int | None) -> CasePlan:
    """The case's plan, locked, checked against the version the user edited."""
    plan, _created = CasePlan.objects.get_or_create(case=case)
    plan = CasePlan.objects.select_for_update().get(pk=plan.pk)
    if expected_version is not None and plan.version != expected_version:
        raise StaleEditError(
            changed_fields=["status"] if plan.status else [],
            current_version=plan.version,
            labels={"status": _("the case plan")},
        )
    if plan.status == PlanStatus.SUBMITTED:
        raise ValidationError(
            _("The plan waits for a supervisor's decision: it cannot be changed meanwhile."),
            code="plan_submitted",
        )
    return plan


def _plan_touched(plan: CasePlan, *, reopen: bool) -> None:
    """Count a change to the plan; a change to the goals of an approved plan needs a new
    approval."""
    plan.version += 1
    fields = ["version", "updated_at"]
    if reopen and plan.status == PlanStatus.APPROVED:
        plan.status = PlanStatus.DRAFT
        fields.append("status")
    plan.save(update_fields=fields)


@transaction.atomic
def goal_add(
    *,
    case: Case,
    domain: str,
    text: str,
    actor: Actor,
) -> PlanGoal:
    ensure_case_not_closed(case)
    plan = _plan_for_change(case, None)
    goal = PlanGoal.objects.create(plan=plan, domain=domain, text=_text(text))
    _plan_touched(plan, reopen=True)
    audit_record(
        event=CaseworkEvent.GOAL_ADDED,
        actor=actor,
        organisation=case.organisation,
        target=goal,
        details={"case": case.pk},
    )
    return goal


def _apply(record: Any, changes: Mapping[str, Any]) -> list[str]:
    changed = []
    for name, value in changes.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def goal_update(
    *,
    goal: PlanGoal,
    expected_version: int,
    baseline: Mapping[str, str],
    domain: str,
    text: str,
    actor: Actor,
) -> PlanGoal:
    """Change a goal unless someone saved it since `expected_version` (then StaleEditError
    names what they changed)."""
    case = goal.plan.case
    ensure_case_not_closed(case)
    current = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    GOAL_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    plan = _plan_for_change(case, None)
    changed = _apply(current, {"domain": domain, "text": _text(text)})
    if not changed:
        return current
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    _plan_touched(plan, reopen=True)
    audit_record(
        event=CaseworkEvent.GOAL_CHANGED,
        actor=actor,
        organisation=case.organisation,
        target=current,
        changed_fields=changed,
        details={"case": case.pk},
    )
    return current


def _check_owner(case: Case, owner: Any) -> None:
    from donghanh.cases.selectors import assignable_members

    if (
        owner is not None
        and not assignable_members(case.organisation_id).filter(user=owner).exists()
    ):
        raise ValidationError(
            _("The owner must be a member of the organisation who works on cases.")
        )


@transaction.atomic
def action_add(
    *,
    goal: PlanGoal,
    description: str,
    owner: Any,
    due_on: datetime.date | None,
    actor: Actor,
) -> PlanAction:
    case = goal.plan.case
    ensure_case_not_closed(case)
    _check_owner(case, owner)
    plan = _plan_for_change(case, None)
    action = PlanAction.objects.create(
        goal=goal, description=_text(description), owner=owner, due_on=due_on
    )
    cases_next_due_refresh(case_ids=[case.pk])
    _plan_touched(plan, reopen=False)
    audit_record(
        event=CaseworkEvent.ACTION_ADDED,
        actor=actor,
        organisation=case.organisation,
        target=action,
        details={"case": case.pk},
    )
    return action


@transaction.atomic
def action_update(
    *,
    action: PlanAction,
    expected_version: int,
    baseline: Mapping[str, str],
    description: str,
    owner: Any,
    due_on: datetime.date | None,
    status: str,
    actor: Actor,
) -> PlanAction:
    case = action.goal.plan.case
    ensure_case_not_closed(case)
    current = PlanAction.objects.select_for_update().get(pk=action.pk)
    ACTION_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    _check_owner(case, owner)
    if status not in ActionStatus.values:
        raise ValidationError(_("Choose a valid status."))
    plan = _plan_for_change(case, None)
    changed = _apply(
        current,
        {
            "description": _text(description),
            "owner_id": owner.pk if owner is not None else None,
            "due_on": due_on,
            "status": status,
        },
    )
    changed = [name.removesuffix("_id") for name in changed]
    if not changed:
        return current
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    if {"due_on", "status"} & set(changed):
        cases_next_due_refresh(case_ids=[case.pk])
    _plan_touched(plan, reopen=False)
    audit_record(
        event=CaseworkEvent.ACTION_CHANGED,
        actor=actor,
        organisation=case.organisation,
        target=current,
        changed_fields=changed,
        details={"case": case.pk},
    )
    return current


@transaction.atomic
def plan_submit(
    *,
    case: Case,
    expected_version: int,
    actor: Actor,
) -> CasePlan:
    """Send the plan to a supervisor. A plan with no goal is not submitted."""
    ensure_case_not_closed(case)
    plan = _plan_for_change(case, expected_version)
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError(_("The plan is approved already."), code="plan_approved")
    if not plan.goals.exists():
        raise ValidationError(_("Add at least one goal before submitting the plan."))
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_by_id = actor.user_id
    plan.submitted_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["status", "submitted_by", "submitted_at", "version", "updated_at"])
    audit_record(
        event=CaseworkEvent.PLAN_SUBMITTED,
        actor=actor,
        organisation=case.organisation,
        target=plan,
        changed_fields=["status"],
        details={"case": case.pk},
    )
    return plan


@transaction.atomic
def plan_decide(
    *,
    case: Case,
    expected_version: int,
    approve: bool,
    note: str,
    actor: Actor,
) -> CasePlan:
    """Approve or return a submitted plan. The caller holds Perm.APPROVE_CASES; whoever
    submitted the plan does not decide on it."""
    ensure_case_not_closed(case)
    plan = CasePlan.objects.select_for_update().filter(case=case).first()
    if plan is None or plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("The plan has not been submitted for approval."))
    if plan.version != expected_version:
        raise StaleEditError(changed_fields=[], current_version=plan.version)
    if actor.user_id is not None and plan.submitted_by_id == actor.user_id:
        raise ValidationError(
            _("You submitted this plan: another supervisor must approve or return it."),
            code="own_plan",
        )
    if not approve and not _text(note):
        raise ValidationError(_("Say what needs to change when you return a plan."))
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.decided_by_id = actor.user_id
    plan.decided_at = timezone.now()
    plan.decision_note = _text(note)
    plan.version += 1
    plan.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "version",
            "updated_at",
        ]
    )
    audit_record(
        event=CaseworkEvent.PLAN_APPROVED if approve else CaseworkEvent.PLAN_RETURNED,
        actor=actor,
        organisation=case.organisation,
        target=plan,
        changed_fields=["status"],
        details={"case": case.pk},
    )
    return plan


# --- Services delivered --------------------------------------------------------------------


@transaction.atomic
def service_record(
    *,
    case: Case,
    domain: str,
    provider: Any,
    provider_name: str,
    delivered_on: datetime.date,
    cost_vnd: int,
    regime: str,
    note: str,
    project: Project | int | None = None,
    actor: Actor,
    idempotency_key: str = "",
) -> ServiceDelivery:
    """Record a service; `project` (or its id) counts it for that programme's indicators.
    A form or request sent again with the same `idempotency_key` gets the service the first
    one recorded, and nothing is written again."""
    ensure_case_not_closed(case)
    if provider is None and not _text(provider_name):
        raise ValidationError(_("Choose a provider from the directory or write its name."))
    if cost_vnd < 0:
        raise ValidationError(_("The cost cannot be negative."))
    check_service_date(case, delivered_on)
    check_entitlement(case, regime, delivered_on)
    counted_under = check_project(case, project, delivered_on)

    def create() -> ServiceDelivery:
        service = ServiceDelivery.objects.create(
            case=case,
            domain=domain,
            provider=provider,
            provider_name=_text(provider_name),
            delivered_on=delivered_on,
            cost_vnd=cost_vnd,
            regime=regime,
            note=_text(note),
            project=counted_under,
            created_by_id=actor.user_id,
        )
        records_changed(project_ids=[service.project_id], person_ids=[case.person_id])
        audit_record(
            event=CaseworkEvent.SERVICE_RECORDED,
            actor=actor,
            organisation=case.organisation,
            target=service,
            details={"case": case.pk},
        )
        return service

    service, _created = once(
        actor=actor, scope=f"casework.service:{case.pk}", key=idempotency_key, create=create
    )
    return service


@transaction.atomic
def service_update(
    *,
    service: ServiceDelivery,
    expected_version: int,
    baseline: Mapping[str, str],
    domain: str,
    provider: Any,
    provider_name: str,
    delivered_on: datetime.date,
    cost_vnd: int,
    regime: str,
    note: str,
    project: Project | int | None,
    actor: Actor,
) -> ServiceDelivery:
    """Correct a recorded service unless someone saved it since `expected_version` (then
    StaleEditError names what they changed); the regime is checked again against its (new)
    date, and the project when it or the date changes (a project the service was counted
    under stays as it was). Moving the service to another project changes the figures of
    both."""
    case = service.case
    ensure_case_not_closed(case)
    if provider is None and not _text(provider_name):
        raise ValidationError(_("Choose a provider from the directory or write its name."))
    check_entitlement(case, regime, delivered_on)
    current = ServiceDelivery.objects.select_for_update().get(pk=service.pk)
    SERVICE_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    if delivered_on != current.delivered_on:  # an older record keeps the date it has
        check_service_date(case, delivered_on)
    project_id = project.pk if isinstance(project, Project) else project
    if project_id is not None and (
        project_id != current.project_id or delivered_on != current.delivered_on
    ):
        check_project(case, project_id, delivered_on)
    counted_before = current.project_id
    changed = _apply(
        current,
        {
            "domain": domain,
            "provider_id": provider.pk if provider is not None else None,
            "provider_name": _text(provider_name),
            "delivered_on": delivered_on,
            "cost_vnd": cost_vnd,
            "regime": regime,
            "note": _text(note),
            "project_id": project_id,
        },
    )
    changed = [name.removesuffix("_id") for name in changed]
    if not changed:
        return current
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    records_changed(project_ids=[counted_before, current.project_id], person_ids=[case.person_id])
    audit_record(
        event=CaseworkEvent.SERVICE_CHANGED,
        actor=actor,
        organisation=case.organisation,
        target=current,
        changed_fields=changed,
        details={"case": case.pk},
    )
    return current


# --- Follow-ups ----------------------------------------------------------------------------


def _check_follow_up(planned_on: datetime.date, done_on: Any, next_on: Any) -> None:
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError(_("A follow-up cannot be done in the future."))
    if next_on is not None and next_on < (done_on or planned_on):
        raise ValidationError(_("The next follow-up comes after this one."))


@transaction.atomic
def follow_up_plan(
    *,
    case: Case,
    planned_on: datetime.date,
    method: str,
    done_on: datetime.date | None = None,
    outcome: str = "",
    next_on: datetime.date | None = None,
    actor: Actor,
    idempotency_key: str = "",
) -> FollowUp:
    """Plan (or record) a follow-up. A form sent again with the same `idempotency_key` gets
    the follow-up the first one made, and nothing is written again."""
    ensure_case_not_closed(case)
    _check_follow_up(planned_on, done_on, next_on)

    def create() -> FollowUp:
        follow_up = FollowUp.objects.create(
            case=case,
            planned_on=planned_on,
            method=method,
            done_on=done_on,
            outcome=_text(outcome),
            next_on=next_on,
            created_by_id=actor.user_id,
        )
        cases_next_due_refresh(case_ids=[case.pk])
        audit_record(
            event=CaseworkEvent.FOLLOW_UP_ADDED,
            actor=actor,
            organisation=case.organisation,
            target=follow_up,
            details={"case": case.pk},
        )
        return follow_up

    follow_up, _created = once(
        actor=actor, scope=f"casework.follow_up:{case.pk}", key=idempotency_key, create=create
    )
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    expected_version: int,
    baseline: Mapping[str, str],
    planned_on: datetime.date,
    method: str,
    done_on: datetime.date | None,
    outcome: str,
    next_on: datetime.date | None,
    actor: Actor,
) -> FollowUp:
    """Record what happened, unless someone saved the follow-up since `expected_version`
    (then StaleEditError names what they changed); a next follow-up date plans the next
    visit as a new row."""
    case = follow_up.case
    ensure_case_not_closed(case)
    _check_follow_up(planned_on, done_on, next_on)
    current = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    FOLLOW_UP_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    changed = _apply(
        current,
        {
            "planned_on": planned_on,
            "method": method,
            "done_on": done_on,
            "outcome": _text(outcome),
            "next_on": next_on,
        },
    )
    if not changed:
        return current
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    if (
        "next_on" in changed
        and next_on is not None
        and not FollowUp.objects.filter(
            case=case, planned_on=next_on, done_on__isnull=True
        ).exists()
    ):
        FollowUp.objects.create(
            case=case, planned_on=next_on, method=method, created_by_id=actor.user_id
        )
    # A new next visit always comes with a changed `next_on`.
    if {"planned_on", "done_on", "next_on"} & set(changed):
        cases_next_due_refresh(case_ids=[case.pk])
    audit_record(
        event=CaseworkEvent.FOLLOW_UP_CHANGED,
        actor=actor,
        organisation=case.organisation,
        target=current,
        changed_fields=changed,
        details={"case": case.pk},
    )
    return current


# --- Shelter stays -------------------------------------------------------------------------


@transaction.atomic
def shelter_capacity_set(
    *,
    shelter: Organisation,
    beds: int,
    effective_from: datetime.date,
    actor: Actor,
) -> ShelterCapacity:
    if shelter.kind != Organisation.Kind.SHELTER:
        raise ValidationError(_("Only a shelter has beds."))
    # Lock the shelter so that an admission made meanwhile is counted (shelter_admit locks it).
    shelter = Organisation.objects.select_for_update().get(pk=shelter.pk)
    following = (
        ShelterCapacity.objects.filter(shelter=shelter, effective_from__gt=effective_from)
        .order_by("effective_from")
        .values_list("effective_from", flat=True)
        .first()
    )
    taken, day = shelter_peak_occupancy(shelter, effective_from, following)
    if beds < taken:
        message = ngettext(
            "%(taken)s bed is taken on %(day)s: the shelter cannot have fewer beds than that. "
            "Record the discharges first, or give at least %(taken)s bed.",
            "%(taken)s beds are taken on %(day)s: the shelter cannot have fewer beds than that. "
            "Record the discharges first, or give at least %(taken)s beds.",
            taken,
        ) % {"taken": taken, "day": day_shown(day)}
        raise ValidationError({"beds": ValidationError(message, code="below_occupancy")})
    capacity, _created = ShelterCapacity.objects.update_or_create(
        shelter=shelter, effective_from=effective_from, defaults={"beds": beds}
    )
    audit_record(
        event=CaseworkEvent.SHELTER_CAPACITY_SET,
        actor=actor,
        organisation=shelter,
        target=capacity,
        changed_fields=["beds"],
        details={"organisation": shelter.pk},
    )
    return capacity


def _check_beds(shelter: Organisation, day: datetime.date, *, leaving_out: int | None) -> None:
    beds = shelter_beds_on(shelter, day)
    if beds is None:
        return  # no capacity configured: nothing to check against
    taken = shelter_occupancy_on(shelter, day, leaving_out=leaving_out)
    if taken >= beds:
        raise ValidationError(
            _(
                "%(shelter)s is full on %(day)s: all %(beds)s beds are taken. Choose another "
                "shelter or another admission date."
            )
            % {"shelter": shelter.name, "day": day_shown(day), "beds": beds},
            code="shelter_full",
        )


@transaction.atomic
def shelter_admit(
    *,
    case: Case,
    shelter: Organisation,
    admitted_on: datetime.date,
    project: Project | int | None = None,
    actor: Actor,
) -> ShelterStay:
    """Admit the person to a shelter, unless its beds are all taken that day; `project` (or
    its id) counts the stay for that programme's indicators."""
    ensure_case_not_closed(case)
    # Lock the shelter so that two admissions on the same day count each other.
    shelter = Organisation.objects.select_for_update().get(pk=shelter.pk)
    if shelter.kind != Organisation.Kind.SHELTER:
        raise ValidationError(_("Choose a shelter."))
    if (
        ShelterStay.objects.filter(case=case)
        .filter(
            Q(discharged_on__isnull=True) | Q(discharged_on__gt=admitted_on),
            admitted_on__lte=admitted_on,
        )
        .exists()
    ):
        raise ValidationError(_("The person is already in a shelter on that day."))
    counted_under = check_project(case, project, admitted_on)
    _check_beds(shelter, admitted_on, leaving_out=None)
    stay = ShelterStay.objects.create(
        case=case,
        shelter=shelter,
        admitted_on=admitted_on,
        project=counted_under,
        created_by_id=actor.user_id,
    )
    records_changed(project_ids=[stay.project_id], person_ids=[case.person_id])
    audit_record(
        event=CaseworkEvent.SHELTER_ADMITTED,
        actor=actor,
        organisation=case.organisation,
        target=stay,
        details={"case": case.pk},
    )
    return stay


@transaction.atomic
def shelter_discharge(
    *,
    stay: ShelterStay,
    discharged_on: datetime.date,
    reason: str,
    actor: Actor,
) -> ShelterStay:
    case = stay.case
    ensure_case_not_closed(case)
    current = ShelterStay.objects.select_for_update().get(pk=stay.pk)
    if discharged_on < current.admitted_on:
        raise ValidationError(_("The discharge date cannot be before the admission date."))
    if reason not in DischargeReason.values:
        raise ValidationError(_("Choose a discharge reason."))
    changed = _apply(current, {"discharged_on": discharged_on, "discharge_reason": reason})
    if not changed:
        return current
    current.save(update_fields=changed)
    # The discharge date is not counted: the person's facts stay as they are.
    records_changed(project_ids=[current.project_id])
    audit_record(
        event=CaseworkEvent.SHELTER_DISCHARGED,
        actor=actor,
        organisation=case.organisation,
        target=current,
        changed_fields=changed,
        details={"case": case.pk},
    )
    return current
