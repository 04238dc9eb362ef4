"""Reads of case work. Call them only with a case the user was allowed to open
(`donghanh.cases.services.case_access_audited`), except `overdue_for`, which starts from the
member's visible cases itself."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from donghanh.cases.models import ACTIVE_STATUSES, Case, CaseStatus
from donghanh.cases.selectors import cases_visible_to
from donghanh.core.queries import CompiledRead, every_field
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.programmes.projects.models import Project

from .models import (
    ASSESSED_DOMAINS,
    ActionStatus,
    AssessedNeed,
    CasePlan,
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


def plan_of(case: Case) -> CasePlan | None:
    """The case plan with its goals, their actions and owners (three queries)."""
    plan = (
        CasePlan.objects.filter(case=case)
        .select_related("submitted_by", "decided_by")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=PlanGoal.objects.prefetch_related(
                    Prefetch("actions", queryset=PlanAction.objects.select_related("owner"))
                ),
            )
        )
        .first()
    )
    return plan


def assessments_of(case: Case) -> list[NeedsAssessment]:
    """The case's needs assessments, the current one first, each with its `need_list` in
    domain order (two queries)."""
    return list(
        NeedsAssessment.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("needs", queryset=AssessedNeed.objects.order_by("id"), to_attr="need_list")
        )
    )


@dataclass(frozen=True)
class NeedsPicture:
    """The case's needs as its current assessment has them (no need anywhere before the
    first), which a new assessment starts from. `version` is the number the next assessment
    takes: it moves on with every assessment recorded, so a new assessment made on a picture
    someone has changed since is refused, naming what they changed."""

    version: int
    levels: dict[str, str]
    notes: dict[str, str]
    current: NeedsAssessment | None = None


def needs_picture(case: Case) -> NeedsPicture:
    """The case's needs now (three queries)."""
    recorded = NeedsAssessment.objects.filter(case=case).aggregate(last=Max("version"))["last"]
    current = NeedsAssessment.objects.filter(case=case).first()
    needs = {need.domain: need for need in AssessedNeed.objects.filter(assessment=current)}
    levels, notes = {}, {}
    for domain in ASSESSED_DOMAINS:
        need = needs.get(domain.value)
        levels[domain.value] = need.level if need is not None else NeedLevel.NONE
        notes[domain.value] = need.note if need is not None else ""
    return NeedsPicture(version=(recorded or 0) + 1, levels=levels, notes=notes, current=current)


def goal_of(case: Case, goal_id: int) -> PlanGoal:
    return PlanGoal.objects.select_related("plan__case").get(pk=goal_id, plan__case=case)


def action_of(case: Case, action_id: int) -> PlanAction:
    return PlanAction.objects.select_related("goal__plan__case", "owner").get(
        pk=action_id, goal__plan__case=case
    )


def service_of(case: Case, service_id: int) -> ServiceDelivery:
    return ServiceDelivery.objects.select_related("case", "provider", "project").get(
        pk=service_id, case=case
    )


def services_of(case: Case) -> QuerySet[ServiceDelivery]:
    """The services delivered on an accessed case, latest first, with their providers."""
    return (
        ServiceDelivery.objects.filter(case=case)
        .select_related("provider")
        .order_by("-delivered_on", "-id")
    )


def projects_for_case(case: Case, on: datetime.date | None = None) -> QuerySet[Project]:
    """The projects a service or a shelter stay of the case may be counted under: those the
    case's organisation implements or is a partner of, by code. With `on`, only those whose
    dates (either may be open) cover that day; without it, whatever their dates."""
    linked = Project.objects.filter(
        Q(implementing_organisation_id=case.organisation_id)
        | Q(partner_organisations=case.organisation_id)
    ).values("pk")
    projects = Project.objects.filter(pk__in=linked)
    if on is not None:
        projects = projects.filter(
            Q(start_on__isnull=True) | Q(start_on__lte=on),
            Q(end_on__isnull=True) | Q(end_on__gte=on),
        )
    return projects.order_by("code", "pk")


def follow_up_of(case: Case, follow_up_id: int) -> FollowUp:
    return FollowUp.objects.select_related("case").get(pk=follow_up_id, case=case)


def stay_of(case: Case, stay_id: int) -> ShelterStay:
    return ShelterStay.objects.select_related("case", "shelter").get(pk=stay_id, case=case)


def shelters() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.SHELTER).order_by("name")


def shelter_capacities(shelter: Organisation) -> list[ShelterCapacity]:
    return list(ShelterCapacity.objects.filter(shelter=shelter).order_by("-effective_from"))


def shelter_beds_on(shelter: Organisation, day: datetime.date) -> int | None:
    """The shelter's beds on `day`: the capacity row with the latest start on or before it."""
    capacity = (
        ShelterCapacity.objects.filter(shelter=shelter, effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )
    return capacity.beds if capacity is not None else None


def shelter_occupancy_on(
    shelter: Organisation, day: datetime.date, *, leaving_out: int | None = None
) -> int:
    """Stays that hold a bed on `day`: admitted on or before it, not discharged by then (the
    discharge day frees the bed)."""
    stays = ShelterStay.objects.filter(shelter=shelter, admitted_on__lte=day).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gt=day)
    )
    if leaving_out is not None:
        stays = stays.exclude(pk=leaving_out)
    return stays.count()


def unfinished_case_work(case: Case) -> list[str]:
    """What of the case's work must be finished before it closes (the cases app's closure
    check): a shelter stay not yet discharged, follow-ups not yet done."""
    unfinished: list[str] = []
    for stay in ShelterStay.objects.filter(case=case, discharged_on__isnull=True).select_related(
        "shelter"
    ):
        unfinished.append(
            _(
                "The person is still staying at %(shelter)s (since %(day)s): record their "
                "discharge from the shelter."
            )
            % {
                "shelter": stay.shelter.local_name,
                "day": date_format(stay.admitted_on, "SHORT_DATE_FORMAT"),
            }
        )
    pending = list(
        FollowUp.objects.filter(case=case, done_on__isnull=True)
        .order_by("planned_on")
        .values_list("planned_on", flat=True)
    )
    if pending:
        unfinished.append(
            ngettext(
                "%(count)s follow-up is still pending (the first planned for %(day)s): record "
                "it as done.",
                "%(count)s follow-ups are still pending (the first planned for %(day)s): record "
                "them as done.",
                len(pending),
            )
            % {"count": len(pending), "day": date_format(pending[0], "SHORT_DATE_FORMAT")}
        )
    return unfinished


def shelter_peak_occupancy(
    shelter: Organisation, start: datetime.date, until: datetime.date | None = None
) -> tuple[int, datetime.date]:
    """The most beds taken on one day from `start` to the day before `until` (to the end of
    the recorded stays without it), and the first day they were: a bed is taken from the
    admission day up to, not including, the discharge day."""
    stays = ShelterStay.objects.filter(shelter=shelter).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gt=start)
    )
    if until is not None:
        stays = stays.filter(admitted_on__lt=until)
    periods = list(stays.values_list("admitted_on", "discharged_on"))
    # The count only grows on an admission day, so the peak is on `start` or on one of them.
    days = sorted({start} | {admitted for admitted, _discharged in periods if admitted > start})
    peak, peak_day = 0, start
    for day in days:
        taken = sum(
            1
            for admitted, discharged in periods
            if admitted <= day and (discharged is None or discharged > day)
        )
        if taken > peak:
            peak, peak_day = taken, day
    return peak, peak_day


@dataclass
class BedsToday:
    """A shelter's beds on a day: how many there are (None: not recorded) and how many are
    taken."""

    day: datetime.date
    beds: int | None
    taken: int

    @property
    def free(self) -> int | None:
        return None if self.beds is None else max(self.beds - self.taken, 0)


def shelter_beds_today(shelter: Organisation, day: datetime.date | None = None) -> BedsToday:
    day = day or timezone.localdate()
    return BedsToday(
        day=day, beds=shelter_beds_on(shelter, day), taken=shelter_occupancy_on(shelter, day)
    )


@dataclass
class CaseWork:
    """Everything the case page shows of case work. `goals` are the plan's, each with its
    `action_list`."""

    assessment: NeedsAssessment | None
    earlier_assessments: list[NeedsAssessment]
    plan: CasePlan | None
    services: list[ServiceDelivery]
    follow_ups: list[FollowUp]
    stays: list[ShelterStay]
    total_cost_vnd: int = 0
    today: datetime.date = field(default_factory=timezone.localdate)
    goals: list[PlanGoal] = field(default_factory=list)


# The case page's reads of case work, by the case's id, each compiled once per process (the
# page makes them on every request; compiling them cost more than running them).
# Of users, their names only (`display_name`); of organisations, providers and projects the
# names the page shows (`local_name`) and a project's code.
_NAMES = ("full_name", "username")
_LOCAL_NAMES = ("name", "name_en")


def _names(relation: str, names: tuple[str, ...] = _NAMES) -> list[str]:
    return [f"{relation}__{name}" for name in names]


_assessments = CompiledRead(
    lambda case_id: (
        NeedsAssessment.objects.filter(case_id=case_id)
        .select_related("created_by")
        .only(*every_field(NeedsAssessment), *_names("created_by"))
    )
)
_needs = CompiledRead(
    lambda case_id: AssessedNeed.objects.filter(assessment__case_id=case_id).order_by(
        "assessment_id", "id"
    )
)
_plan = CompiledRead(
    lambda case_id: (
        CasePlan.objects.filter(case_id=case_id)
        .select_related("submitted_by", "decided_by")
        .only(*every_field(CasePlan), *_names("submitted_by"), *_names("decided_by"))
    )
)
_goals = CompiledRead(lambda case_id: PlanGoal.objects.filter(plan__case_id=case_id).order_by("id"))
_actions = CompiledRead(
    lambda case_id: (
        PlanAction.objects.filter(goal__plan__case_id=case_id)
        .select_related("owner")
        .only(*every_field(PlanAction), *_names("owner"))
        .order_by("goal_id", "due_on", "id")
    )
)
_services = CompiledRead(
    lambda case_id: (
        ServiceDelivery.objects.filter(case_id=case_id)
        .select_related("provider", "project")
        .only(
            *every_field(ServiceDelivery),
            *_names("provider", _LOCAL_NAMES),
            *_names("project", (*_LOCAL_NAMES, "code")),
        )
        .order_by("-delivered_on", "-id")
    )
)
_follow_ups = CompiledRead(
    lambda case_id: FollowUp.objects.filter(case_id=case_id).order_by("-planned_on", "-id")
)
_stays = CompiledRead(
    lambda case_id: (
        ShelterStay.objects.filter(case_id=case_id)
        .select_related("shelter", "project")
        .only(
            *every_field(ShelterStay),
            *_names("shelter", _LOCAL_NAMES),
            *_names("project", (*_LOCAL_NAMES, "code")),
        )
        .order_by("-admitted_on", "-id")
    )
)


# What the case page reads of case work, by name: run together with the page's other reads
# (`donghanh.core.sections`), or one by one by `case_work` alone.
CASE_WORK_READS: dict[str, CompiledRead[Any]] = {
    "assessments": _assessments,
    "needs": _needs,
    "plan": _plan,
    "goals": _goals,
    "actions": _actions,
    "services": _services,
    "follow_ups": _follow_ups,
    "stays": _stays,
}


def _read_alone(case: Case) -> dict[str, list[Any]]:
    """The case work's reads one by one, skipping the needs, goals and actions when there is
    no assessment, plan or goal to hold them (at most eight small reads)."""
    rows: dict[str, list[Any]] = {"assessments": _assessments(case.pk)}
    rows["needs"] = _needs(case.pk) if rows["assessments"] else []
    rows["plan"] = _plan(case.pk)
    rows["goals"] = _goals(case.pk) if rows["plan"] else []
    rows["actions"] = _actions(case.pk) if rows["goals"] else []
    for name in ("services", "follow_ups", "stays"):
        rows[name] = CASE_WORK_READS[name](case.pk)
    return rows


def case_work(case: Case, rows: Mapping[str, list[Any]] | None = None) -> CaseWork:
    """The case work of an accessed case from the rows of `CASE_WORK_READS` (assessments and
    their needs, the plan, its goals and their actions, services, follow-ups, stays), each
    compiled once per process; without `rows`, read here."""
    if rows is None:
        rows = _read_alone(case)
    assessments: list[NeedsAssessment] = rows["assessments"]
    needs: dict[int, list[AssessedNeed]] = {}
    for need in rows["needs"]:
        needs.setdefault(need.assessment_id, []).append(need)
    for assessment in assessments:
        assessment.need_list = needs.get(assessment.pk, [])  # type: ignore[attr-defined]
    plan: CasePlan | None = rows["plan"][0] if rows["plan"] else None
    goals: list[PlanGoal] = rows["goals"] if plan is not None else []
    actions: dict[int, list[PlanAction]] = {}
    for action in rows["actions"]:
        actions.setdefault(action.goal_id, []).append(action)
    for goal in goals:
        goal.plan = plan  # type: ignore[assignment]
        goal.action_list = actions.get(goal.pk, [])  # type: ignore[attr-defined]
    services: list[ServiceDelivery] = rows["services"]
    return CaseWork(
        assessment=assessments[0] if assessments else None,
        earlier_assessments=assessments[1:],
        plan=plan,
        goals=goals,
        services=services,
        follow_ups=rows["follow_ups"],
        stays=rows["stays"],
        total_cost_vnd=sum(service.cost_vnd for service in services),
    )


def case_section(
    membership: Membership, case: Case, rows: Mapping[str, list[Any]] | None = None
) -> dict[str, object]:
    """What the case page's case-work section shows (registered in `CaseworkConfig.ready()`
    with `CASE_WORK_READS`, whose rows the page gives)."""
    return {
        "work": case_work(case, rows),
        "can_approve": role_allows(membership.role, Perm.APPROVE_CASES),
    }


@dataclass
class Overdue:
    actions: list[PlanAction]
    follow_ups: list[FollowUp]

    @property
    def count(self) -> int:
        return len(self.actions) + len(self.follow_ups)


def _visible_active_cases(membership: Membership) -> QuerySet[Case, int]:
    return (
        cases_visible_to(membership).filter(status__in=ACTIVE_STATUSES).values_list("pk", flat=True)
    )


def overdue_for(membership: Membership, *, today: datetime.date | None = None) -> Overdue:
    """Open actions past their due date and follow-ups past their planned date without a done
    date, on the active cases the member may see (two queries)."""
    day = today or timezone.localdate()
    cases = _visible_active_cases(membership)
    actions = list(
        PlanAction.objects.filter(
            status=ActionStatus.OPEN, due_on__lt=day, goal__plan__case__in=cases
        )
        .select_related("owner", "goal__plan__case")
        .order_by("due_on", "id")
    )
    follow_ups = list(
        FollowUp.objects.filter(done_on__isnull=True, planned_on__lt=day, case__in=cases)
        .select_related("case")
        .order_by("planned_on", "id")
    )
    return Overdue(actions=actions, follow_ups=follow_ups)


def overdue_counts_for(
    membership: Membership, *, today: datetime.date | None = None
) -> dict[str, int]:
    """How many overdue actions and follow-ups the member has (two count queries), for the
    caseload page."""
    day = today or timezone.localdate()
    cases = _visible_active_cases(membership)
    return {
        "actions": PlanAction.objects.filter(
            status=ActionStatus.OPEN, due_on__lt=day, goal__plan__case__in=cases
        ).count(),
        "follow_ups": FollowUp.objects.filter(
            done_on__isnull=True, planned_on__lt=day, case__in=cases
        ).count(),
    }


@dataclass
class AwaitingApproval:
    plans: list[CasePlan]
    closures: list[Case]

    @property
    def count(self) -> int:
        return len(self.plans) + len(self.closures)


def awaiting_approval_for(membership: Membership) -> AwaitingApproval:
    """Plans submitted for approval and closures requested, on the active cases the member may
    see, oldest first (two queries): a supervisor's queue."""
    cases = _visible_active_cases(membership)
    plans = list(
        CasePlan.objects.filter(status=PlanStatus.SUBMITTED, case__in=cases)
        .select_related("case", "submitted_by")
        .order_by("submitted_at", "id")
    )
    closures = list(
        cases_visible_to(membership)
        .filter(status=CaseStatus.CLOSURE_REQUESTED)
        .order_by("updated_at", "id")
    )
    return AwaitingApproval(plans=plans, closures=closures)
