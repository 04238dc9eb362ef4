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
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.cases.models import Case, SupportRegime
from donghanh.cases.selectors import regimes_entitled
from donghanh.cases.services import ensure_case_not_closed
from donghanh.core.editing import StaleEditError
from donghanh.core.records import records_changed
from donghanh.core.text import nfc
from donghanh.organisations.models import Organisation
from donghanh.programmes.projects.models import Project

from .duedates import cases_next_due_refresh
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
from .selectors import fingerprints, projects_for_case, shelter_beds_on, shelter_occupancy_on


def _text(value: str | None) -> str:
    return nfc(value or "").strip()


def _audit(
    *,
    action: AuditAction,
    case: Case,
    target: Any,
    summary: str,
    acting_user: Any,
    request: HttpRequest | None,
    changed: list[str] | None = None,
) -> None:
    audit_record(
        action=action,
        actor=acting_user,
        request=request,
        organisation=case.organisation,
        target=target,
        summary=summary,
        changed_fields=changed or [],
    )


def _field_label(model: Any) -> Any:
    return lambda name: str(model._meta.get_field(name).verbose_name)


# --- Needs ---------------------------------------------------------------------------------


@transaction.atomic
def needs_assess(
    *,
    case: Case,
    assessed_on: datetime.date,
    levels: Mapping[str, str],
    notes: Mapping[str, str],
    acting_user: Any,
    request: HttpRequest | None = None,
) -> NeedsAssessment:
    """Record a needs assessment: a level for each of the ten domains, with notes."""
    ensure_case_not_closed(case)
    if assessed_on > timezone.localdate():
        raise ValidationError(_("The assessment date cannot be in the future."))
    assessment = NeedsAssessment.objects.create(
        case=case, assessed_on=assessed_on, created_by=acting_user
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
    _audit(
        action=AuditAction.CREATE,
        case=case,
        target=assessment,
        summary=f"needs assessment added to case {case.pk}",
        acting_user=acting_user,
        request=request,
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
    acting_user: Any,
    request: HttpRequest | None = None,
) -> PlanGoal:
    ensure_case_not_closed(case)
    plan = _plan_for_change(case, None)
    goal = PlanGoal.objects.create(plan=plan, domain=domain, text=_text(text))
    _plan_touched(plan, reopen=True)
    _audit(
        action=AuditAction.CREATE,
        case=case,
        target=goal,
        summary=f"goal added to the plan of case {case.pk}",
        acting_user=acting_user,
        request=request,
    )
    return goal


def _refuse_if_stale(record: Any, expected_version: int, baseline: Mapping[str, str]) -> None:
    if record.version != expected_version:
        now = fingerprints(record)
        changed = [name for name in now if now[name] != baseline.get(name)]
        raise StaleEditError(
            changed_fields=changed,
            current_version=record.version,
            labels={name: _field_label(type(record))(name) for name in changed},
        )


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
    acting_user: Any,
    request: HttpRequest | None = None,
) -> PlanGoal:
    """Change a goal unless someone saved it since `expected_version` (then StaleEditError
    names what they changed)."""
    case = goal.plan.case
    ensure_case_not_closed(case)
    current = PlanGoal.objects.select_for_update().get(pk=goal.pk)
    _refuse_if_stale(current, expected_version, baseline)
    plan = _plan_for_change(case, None)
    changed = _apply(current, {"domain": domain, "text": _text(text)})
    if not changed:
        return current
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    _plan_touched(plan, reopen=True)
    _audit(
        action=AuditAction.UPDATE,
        case=case,
        target=current,
        summary=f"goal of the plan of case {case.pk} changed",
        acting_user=acting_user,
        request=request,
        changed=changed,
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
    acting_user: Any,
    request: HttpRequest | None = None,
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
    _audit(
        action=AuditAction.CREATE,
        case=case,
        target=action,
        summary=f"action added to the plan of case {case.pk}",
        acting_user=acting_user,
        request=request,
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
    acting_user: Any,
    request: HttpRequest | None = None,
) -> PlanAction:
    case = action.goal.plan.case
    ensure_case_not_closed(case)
    current = PlanAction.objects.select_for_update().get(pk=action.pk)
    _refuse_if_stale(current, expected_version, baseline)
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
    _audit(
        action=AuditAction.UPDATE,
        case=case,
        target=current,
        summary=f"action of the plan of case {case.pk} changed",
        acting_user=acting_user,
        request=request,
        changed=changed,
    )
    return current


@transaction.atomic
def plan_submit(
    *,
    case: Case,
    expected_version: int,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> CasePlan:
    """Send the plan to a supervisor. A plan with no goal is not submitted."""
    ensure_case_not_closed(case)
    plan = _plan_for_change(case, expected_version)
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError(_("The plan is approved already."), code="plan_approved")
    if not plan.goals.exists():
        raise ValidationError(_("Add at least one goal before submitting the plan."))
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_by = acting_user
    plan.submitted_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["status", "submitted_by", "submitted_at", "version", "updated_at"])
    _audit(
        action=AuditAction.UPDATE,
        case=case,
        target=plan,
        summary=f"plan of case {case.pk} submitted for approval",
        acting_user=acting_user,
        request=request,
        changed=["status"],
    )
    return plan


@transaction.atomic
def plan_decide(
    *,
    case: Case,
    expected_version: int,
    approve: bool,
    note: str,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> CasePlan:
    """Approve or return a submitted plan. The caller holds Perm.APPROVE_CASES; whoever
    submitted the plan does not decide on it."""
    ensure_case_not_closed(case)
    plan = CasePlan.objects.select_for_update().filter(case=case).first()
    if plan is None or plan.status != PlanStatus.SUBMITTED:
        raise ValidationError(_("The plan has not been submitted for approval."))
    if plan.version != expected_version:
        raise StaleEditError(changed_fields=[], current_version=plan.version, labels={})
    if acting_user is not None and plan.submitted_by_id == acting_user.pk:
        raise ValidationError(
            _("You submitted this plan: another supervisor must approve or return it."),
            code="own_plan",
        )
    if not approve and not _text(note):
        raise ValidationError(_("Say what needs to change when you return a plan."))
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.decided_by = acting_user
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
    _audit(
        action=AuditAction.UPDATE,
        case=case,
        target=plan,
        summary=f"plan of case {case.pk} {'approved' if approve else 'returned'}",
        acting_user=acting_user,
        request=request,
        changed=["status"],
    )
    return plan


# --- Services delivered --------------------------------------------------------------------


def _day(value: datetime.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


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
            % {"day": _day(on), "regime": SupportRegime(regime).label},
            code="not_entitled",
        )


def _project_period(project: Project) -> str:
    """When the project runs, as a refusal names it (a project open at both ends is never
    refused for its dates)."""
    start, end = project.start_on, project.end_on
    if start is not None and end is not None:
        return _("from %(start)s to %(end)s") % {"start": _day(start), "end": _day(end)}
    if start is not None:
        return _("from %(start)s") % {"start": _day(start)}
    return _("until %(end)s") % {"end": _day(end)} if end is not None else ""


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
        % {"code": linked.code, "period": _project_period(linked), "day": _day(on)},
        code="project_not_running",
    )


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
    acting_user: Any,
    request: HttpRequest | None = None,
) -> ServiceDelivery:
    """Record a service; `project` (or its id) counts it for that programme's indicators."""
    ensure_case_not_closed(case)
    if provider is None and not _text(provider_name):
        raise ValidationError(_("Choose a provider from the directory or write its name."))
    if cost_vnd < 0:
        raise ValidationError(_("The cost cannot be negative."))
    check_entitlement(case, regime, delivered_on)
    counted_under = check_project(case, project, delivered_on)
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
        created_by=acting_user,
    )
    records_changed(project_ids=[service.project_id], person_ids=[case.person_id])
    _audit(
        action=AuditAction.CREATE,
        case=case,
        target=service,
        summary=f"service recorded on case {case.pk}",
        acting_user=acting_user,
        request=request,
    )
    return service


@transaction.atomic
def service_update(
    *,
    service: ServiceDelivery,
    domain: str,
    provider: Any,
    provider_name: str,
    delivered_on: datetime.date,
    cost_vnd: int,
    regime: str,
    note: str,
    project: Project | int | None,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> ServiceDelivery:
    """Correct a recorded service; the regime is checked again against its (new) date, and
    the project when it or the date changes (a project the service was counted under stays
    as it was). Moving the service to another project changes the figures of both."""
    case = service.case
    ensure_case_not_closed(case)
    if provider is None and not _text(provider_name):
        raise ValidationError(_("Choose a provider from the directory or write its name."))
    check_entitlement(case, regime, delivered_on)
    current = ServiceDelivery.objects.select_for_update().get(pk=service.pk)
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
    current.save(update_fields=changed)
    records_changed(project_ids=[counted_before, current.project_id], person_ids=[case.person_id])
    _audit(
        action=AuditAction.UPDATE,
        case=case,
        target=current,
        summary=f"service of case {case.pk} changed",
        acting_user=acting_user,
        request=request,
        changed=changed,
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
    acting_user: Any,
    request: HttpRequest | None = None,
) -> FollowUp:
    ensure_case_not_closed(case)
    _check_follow_up(planned_on, done_on, next_on)
    follow_up = FollowUp.objects.create(
        case=case,
        planned_on=planned_on,
        method=method,
        done_on=done_on,
        outcome=_text(outcome),
        next_on=next_on,
        created_by=acting_user,
    )
    cases_next_due_refresh(case_ids=[case.pk])
    _audit(
        action=AuditAction.CREATE,
        case=case,
        target=follow_up,
        summary=f"follow-up added to case {case.pk}",
        acting_user=acting_user,
        request=request,
    )
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    follow_up: FollowUp,
    planned_on: datetime.date,
    method: str,
    done_on: datetime.date | None,
    outcome: str,
    next_on: datetime.date | None,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> FollowUp:
    """Record what happened; a next follow-up date plans the next visit as a new row."""
    case = follow_up.case
    ensure_case_not_closed(case)
    _check_follow_up(planned_on, done_on, next_on)
    current = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
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
    current.save(update_fields=changed)
    if (
        "next_on" in changed
        and next_on is not None
        and not FollowUp.objects.filter(
            case=case, planned_on=next_on, done_on__isnull=True
        ).exists()
    ):
        FollowUp.objects.create(
            case=case, planned_on=next_on, method=method, created_by=acting_user
        )
    # A new next visit always comes with a changed `next_on`.
    if {"planned_on", "done_on", "next_on"} & set(changed):
        cases_next_due_refresh(case_ids=[case.pk])
    _audit(
        action=AuditAction.UPDATE,
        case=case,
        target=current,
        summary=f"follow-up of case {case.pk} changed",
        acting_user=acting_user,
        request=request,
        changed=changed,
    )
    return current


# --- Shelter stays -------------------------------------------------------------------------


@transaction.atomic
def shelter_capacity_set(
    *,
    shelter: Organisation,
    beds: int,
    effective_from: datetime.date,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> ShelterCapacity:
    if shelter.kind != Organisation.Kind.SHELTER:
        raise ValidationError(_("Only a shelter has beds."))
    capacity, _created = ShelterCapacity.objects.update_or_create(
        shelter=shelter, effective_from=effective_from, defaults={"beds": beds}
    )
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        request=request,
        organisation=shelter,
        target=capacity,
        summary=f"bed capacity of organisation {shelter.pk} set",
        changed_fields=["beds"],
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
            % {"shelter": shelter.name, "day": _day(day), "beds": beds},
            code="shelter_full",
        )


@transaction.atomic
def shelter_admit(
    *,
    case: Case,
    shelter: Organisation,
    admitted_on: datetime.date,
    project: Project | int | None = None,
    acting_user: Any,
    request: HttpRequest | None = None,
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
        created_by=acting_user,
    )
    records_changed(project_ids=[stay.project_id], person_ids=[case.person_id])
    _audit(
        action=AuditAction.CREATE,
        case=case,
        target=stay,
        summary=f"shelter admission on case {case.pk}",
        acting_user=acting_user,
        request=request,
    )
    return stay


@transaction.atomic
def shelter_discharge(
    *,
    stay: ShelterStay,
    discharged_on: datetime.date,
    reason: str,
    acting_user: Any,
    request: HttpRequest | None = None,
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
    _audit(
        action=AuditAction.UPDATE,
        case=case,
        target=current,
        summary=f"shelter discharge on case {case.pk}",
        acting_user=acting_user,
        request=request,
        changed=changed,
    )
    return current
