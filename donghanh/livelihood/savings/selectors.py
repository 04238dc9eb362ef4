"""Reads of savings and credit groups, and the access helpers every page goes through.

A group is its organisation's: anyone else gets 404 for it, its cycles and its members, as if
they did not exist; a member of the organisation whose role lacks the permission gets 403. A
member's link to a case is shown only to those who may open that case, and only while her
consent to the link is in force: to everyone else she is a member like any other.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from donghanh.cases.models import Case
from donghanh.cases.selectors import cases_visible_to
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, Role, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people.models import Consent
from donghanh.people.selectors import consents_active_filter
from donghanh.programmes.projects.models import Project

from . import rules
from .measures import CycleMeasures, Totals, cycle_measures
from .models import (
    CONSTITUTION_FIELDS_DISPLAY,
    MONEY_IN,
    Attendance,
    CommitteeSeat,
    Cycle,
    CycleStatus,
    EntryKind,
    Fund,
    GroupMember,
    LedgerEntry,
    Loan,
    LoanStatus,
    Meeting,
    SavingsGroup,
)


class GroupAccess(NamedTuple):
    membership: Membership
    group: SavingsGroup

    @property
    def may_record(self) -> bool:
        return role_allows(self.membership.role, Perm.RECORD_SAVINGS_GROUPS)


def access_groups(user: Any, org_slug: str, perm: Perm = Perm.VIEW_SAVINGS_GROUPS) -> Membership:
    """The user's membership of the organisation, if it allows `perm` on savings groups."""
    return access_membership(user, org_slug, perm)


def access_group(user: Any, org_slug: str, group_id: int, perm: Perm) -> GroupAccess:
    """The organisation's group, if the user's membership allows `perm`."""
    membership = access_membership(user, org_slug, perm)
    group = (
        SavingsGroup.objects.select_related(
            "organisation", "commune__province", "project", "facilitator"
        )
        .filter(organisation_id=membership.organisation_id, pk=group_id)
        .first()
    )
    if group is None:
        raise Http404
    return GroupAccess(membership, group)


def groups_of_every_organisation() -> QuerySet[SavingsGroup]:
    """Every group, only to find which of a user's organisations owns one (the API's
    `organisation_slug_of`) before `access_group` decides; never listed as such."""
    return SavingsGroup.objects.all()


def access_cycle(group: SavingsGroup, cycle_id: int) -> Cycle:
    cycle = Cycle.objects.filter(group=group, pk=cycle_id).first()
    if cycle is None:
        raise Http404
    cycle.group = group
    return cycle


def access_member(group: SavingsGroup, member_id: int) -> GroupMember:
    member = GroupMember.objects.filter(group=group, pk=member_id).first()
    if member is None:
        raise Http404
    member.group = group
    return member


def access_meeting(cycle: Cycle, meeting_id: int) -> Meeting:
    meeting = Meeting.objects.filter(cycle=cycle, pk=meeting_id).first()
    if meeting is None:
        raise Http404
    meeting.cycle = cycle
    return meeting


def groups_of(organisation_id: int) -> QuerySet[SavingsGroup]:
    """The organisation's groups with their members today and their running cycle's number,
    in one query."""
    return groups_of_organisations([organisation_id])


def groups_of_organisations(organisation_ids: Sequence[int]) -> QuerySet[SavingsGroup]:
    """`groups_of` for several organisations at once (the API's list), in one query."""
    return (
        SavingsGroup.objects.filter(organisation_id__in=organisation_ids)
        .select_related("commune", "project")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            open_cycle=Count("cycles", filter=Q(cycles__status=CycleStatus.OPEN), distinct=True),
        )
        .order_by("-is_active", "name", "pk")
    )


def open_cycle(group: SavingsGroup) -> Cycle | None:
    cycle = Cycle.objects.filter(group=group, status=CycleStatus.OPEN).first()
    if cycle is not None:
        cycle.group = group
    return cycle


def cycles_of(group: SavingsGroup) -> list[Cycle]:
    return list(
        Cycle.objects.filter(group=group)
        .annotate(meeting_count=Count("meetings"))
        .order_by("-number")
    )


def members_of(group: SavingsGroup) -> list[GroupMember]:
    """Every member, those who stayed first, by number."""
    return list(GroupMember.objects.filter(group=group).order_by("left_on", "number"))


def committee_of(cycle: Cycle) -> list[CommitteeSeat]:
    return list(
        CommitteeSeat.objects.filter(cycle=cycle)
        .select_related("member")
        .order_by("role", "member__number")
    )


def meetings_of(cycle: Cycle) -> list[Meeting]:
    return list(
        Meeting.objects.filter(cycle=cycle)
        .annotate(
            present=Count(
                "attendance",
                filter=Q(attendance__status__in=["present", "late", "represented"]),
            )
        )
        .order_by("number")
    )


def meeting_members(cycle: Cycle, held_on: datetime.date) -> list[GroupMember]:
    """The members a meeting on `held_on` is recorded for: those who had joined and not left."""
    return list(
        GroupMember.objects.filter(
            group_id=cycle.group_id, joined_on__lte=held_on, left_on__isnull=True
        ).order_by("number")
    )


def shares_in_cycle(cycle: Cycle) -> dict[int, int]:
    """Each member's shares bought in the cycle, by member id."""
    rows = (
        LedgerEntry.objects.filter(cycle=cycle, kind=EntryKind.SHARES)
        .values("member_id")
        .annotate(shares=Sum("shares"))
        .order_by()
    )
    return {row["member_id"]: row["shares"] for row in rows}


def share_out_preview(cycle: Cycle) -> rules.ShareOut:
    """What each member who stayed would receive if the cycle were shared out now."""
    stayed = set(
        GroupMember.objects.filter(group_id=cycle.group_id, left_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    shares = {member: count for member, count in shares_in_cycle(cycle).items() if member in stayed}
    fund = SavingsGroup.objects.values_list("loan_fund_cash", flat=True).get(pk=cycle.group_id)
    return rules.share_out(shares=shares, fund=fund)


def active_loans(cycle: Cycle) -> dict[int, Loan]:
    """The loans being repaid in the cycle, by member id, with their schedules."""
    return {
        loan.member_id: loan
        for loan in Loan.objects.filter(cycle=cycle, status=LoanStatus.ACTIVE).prefetch_related(
            "instalments"
        )
    }


def loans_of(cycle: Cycle) -> list[Loan]:
    return list(
        Loan.objects.filter(cycle=cycle)
        .select_related("member", "meeting")
        .prefetch_related("instalments")
        .order_by("disbursed_on", "pk")
    )


def due_by(loan: Loan, day: datetime.date) -> int:
    """What the loan's schedule asks to have been paid by `day`, less what was paid."""
    scheduled = sum(item.amount for item in loan.instalments.all() if item.due_on <= day)
    return max(0, scheduled - loan.paid)


def ledger_of(cycle: Cycle) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(cycle=cycle)
        .select_related("member", "meeting")
        .order_by("sequence")
    )


@dataclass(frozen=True)
class MeetingDetail:
    meeting: Meeting
    attendance: dict[int, str]
    entries: dict[int, list[LedgerEntry]]
    loans: dict[int, Loan]


def meeting_detail(meeting: Meeting) -> MeetingDetail:
    entries: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in meeting.entries.order_by("sequence"):
        if entry.member_id is not None:
            entries[entry.member_id].append(entry)
    return MeetingDetail(
        meeting=meeting,
        attendance=dict(meeting.attendance.values_list("member_id", "status")),
        entries=dict(entries),
        loans={loan.member_id: loan for loan in meeting.loans_made.all()},
    )


def cycle_totals(cycle: Cycle) -> dict[str, int]:
    """The cycle's money by kind of entry, for the ledger page's summary."""
    rows = (
        LedgerEntry.objects.filter(cycle=cycle)
        .values("kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals = dict.fromkeys(EntryKind.values, 0)
    totals.update({row["kind"]: row["total"] for row in rows})
    return totals


def visible_case_links(membership: Membership, members: list[GroupMember]) -> dict[int, Case]:
    """The cases of those members linked to one that the user may open, while her consent to
    the link is in force: member id -> case. Everyone else sees no link."""
    linked = {member.pk: member for member in members if member.case_id is not None}
    if not linked:
        return {}
    cases = {
        case.pk: case
        for case in cases_visible_to(membership).filter(
            pk__in=[member.case_id for member in linked.values()]
        )
    }
    consents = set(
        Consent.objects.filter(
            consents_active_filter(timezone.localdate()),
            pk__in=[member.case_consent_id for member in linked.values()],
        ).values_list("pk", flat=True)
    )
    return {
        member_id: cases[member.case_id]
        for member_id, member in linked.items()
        if member.case_id in cases and member.case_consent_id in consents
    }


def linkable_cases(membership: Membership) -> QuerySet[Case]:
    """The cases the user may edit, to link a member with."""
    if not role_allows(membership.role, Perm.EDIT_CASES):
        return Case.objects.none()
    return cases_visible_to(membership).order_by("-intake_date")


def programme_choices(
    organisation_id: int, *, open_on: datetime.date | None = None, keep: int | None = None
) -> QuerySet[Project]:
    """The programmes a group of the organisation can belong to: those it implements or is a
    partner of. With `open_on`, only those not ended by that day (the group forms, or carries
    on, under them), and the programme `keep` (the group's own) whatever its dates."""
    projects = Project.objects.filter(
        Q(implementing_organisation_id=organisation_id)
        | Q(partner_organisations__id=organisation_id)
    )
    if open_on is not None:
        projects = projects.filter(Q(end_on__isnull=True) | Q(end_on__gte=open_on) | Q(pk=keep))
    return projects.distinct().order_by("code")


def facilitator_choices(organisation_id: int) -> QuerySet[Any]:
    """The organisation's active members who may run a group's meetings."""
    roles = [role for role in Role.values if role_allows(role, Perm.RECORD_SAVINGS_GROUPS)]
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
            memberships__role__in=roles,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def loans_due(loans: dict[int, Loan], day: datetime.date) -> dict[int, int]:
    """For each member with a loan, what her schedule asks by `day` that she has not paid."""
    return {member_id: due_by(loan, day) for member_id, loan in loans.items()}


def may_record(membership: Membership) -> bool:
    return role_allows(membership.role, Perm.RECORD_SAVINGS_GROUPS)


def member_history(member: GroupMember) -> list[LedgerEntry]:
    """Her passbook: every movement of money she made or received, newest first."""
    return list(
        LedgerEntry.objects.filter(member=member)
        .select_related("meeting", "cycle")
        .order_by("-sequence")
    )


@dataclass(frozen=True)
class LedgerRow:
    entry: LedgerEntry
    loan_fund: int
    social_fund: int


@dataclass(frozen=True)
class LedgerBook:
    """A cycle's ledger from the balances it opened with: each entry with both funds' balances
    after it, what came in and went out of each fund, and the balances it closed with."""

    opening: dict[str, int]
    rows: list[LedgerRow]
    money_in: dict[str, int]
    money_out: dict[str, int]
    closing: dict[str, int]

    @property
    def reconciles(self) -> bool:
        return all(
            self.opening[fund] + self.money_in[fund] - self.money_out[fund] == self.closing[fund]
            for fund in Fund.values
        )

    @property
    def fund_lines(self) -> list[tuple[str, int, int, int, int]]:
        return [
            (
                str(fund.label),
                self.opening[fund],
                self.money_in[fund],
                self.money_out[fund],
                self.closing[fund],
            )
            for fund in Fund
        ]

    @property
    def cash_at_close(self) -> int:
        return sum(self.closing.values())


def ledger_book(cycle: Cycle) -> LedgerBook:
    entries = ledger_of(cycle)
    before = (
        LedgerEntry.objects.filter(group_id=cycle.group_id, cycle__number__lt=cycle.number)
        .values("fund", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    opening = dict.fromkeys(Fund.values, 0)
    for row in before:
        opening[row["fund"]] += row["total"] if row["kind"] in MONEY_IN else -row["total"]
    balance = dict(opening)
    money_in = dict.fromkeys(Fund.values, 0)
    money_out = dict.fromkeys(Fund.values, 0)
    rows = []
    for entry in entries:
        if entry.kind in MONEY_IN:
            money_in[entry.fund] += entry.amount
        else:
            money_out[entry.fund] += entry.amount
        balance[entry.fund] = entry.balance_after
        rows.append(LedgerRow(entry, balance[Fund.LOAN], balance[Fund.SOCIAL]))
    return LedgerBook(
        opening=opening, rows=rows, money_in=money_in, money_out=money_out, closing=balance
    )


def constitution_terms(cycle: Cycle) -> list[tuple[str, Any, str]]:
    """The cycle's constitution as (label, value, how to show it)."""
    terms = []
    for name, kind in CONSTITUTION_FIELDS_DISPLAY:
        label = str(Cycle._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
        value = (
            getattr(cycle, f"get_{name}_display")() if kind == "choice" else getattr(cycle, name)
        )
        terms.append((label, value, kind))
    return terms


# --- Measures -----------------------------------------------------------------------------


def measures_of_cycles(cycles: Sequence[Cycle], on: datetime.date) -> list[CycleMeasures]:
    """The measures of each cycle as of `on` (its share-out day, for a cycle shared out), in a
    fixed number of queries however many cycles and groups there are."""
    if not cycles:
        return []
    ids = [cycle.pk for cycle in cycles]
    group_ids = {cycle.group_id for cycle in cycles}
    entries: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in LedgerEntry.objects.filter(cycle_id__in=ids).order_by("sequence"):
        entries[entry.cycle_id].append(entry)
    loans: dict[int, list[Loan]] = defaultdict(list)
    for loan in Loan.objects.filter(cycle_id__in=ids).prefetch_related("instalments"):
        loans[loan.cycle_id].append(loan)
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(cycle_id__in=ids):
        meetings[meeting.cycle_id].append(meeting)
    attendance: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for cycle_id, meeting_id, status in Attendance.objects.filter(
        meeting__cycle_id__in=ids
    ).values_list("meeting__cycle_id", "meeting_id", "status"):
        attendance[cycle_id].append((meeting_id, status))
    members: dict[int, list[GroupMember]] = defaultdict(list)
    for member in GroupMember.objects.filter(group_id__in=group_ids):
        members[member.group_id].append(member)
    loan_fund_by_cycle: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        LedgerEntry.objects.filter(group_id__in=group_ids, fund=Fund.LOAN)
        .values("group_id", "cycle__number", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        signed = row["total"] if row["kind"] in MONEY_IN else -row["total"]
        loan_fund_by_cycle[(row["group_id"], row["cycle__number"])] += signed
    return [
        cycle_measures(
            cycle,
            on=on,
            entries=entries[cycle.pk],
            loan_fund_before=sum(
                amount
                for (group_id, number), amount in loan_fund_by_cycle.items()
                if group_id == cycle.group_id and number < cycle.number
            ),
            loans=loans[cycle.pk],
            meetings=meetings[cycle.pk],
            attendance=attendance[cycle.pk],
            members=members[cycle.group_id],
        )
        for cycle in cycles
    ]


@dataclass(frozen=True)
class ProgrammeMeasures:
    """The measures of the groups of one programme (or of those in none), each group by its
    running cycle or, between cycles, its last one."""

    project: Project | None
    totals: Totals
    groups: list[tuple[SavingsGroup, CycleMeasures]]


def programme_measures(organisation_id: int, on: datetime.date) -> list[ProgrammeMeasures]:
    groups = list(
        SavingsGroup.objects.filter(organisation_id=organisation_id, is_active=True)
        .select_related("project")
        .order_by("name")
    )
    latest: dict[int, Cycle] = {}
    for cycle in Cycle.objects.filter(group__in=groups).order_by("group_id", "number"):
        latest[cycle.group_id] = cycle  # the last number wins: the running or latest cycle
    by_group = {group.pk: group for group in groups}
    for cycle in latest.values():
        cycle.group = by_group[cycle.group_id]
    measured = {
        measures.cycle.group_id: measures
        for measures in measures_of_cycles(list(latest.values()), on)
    }
    programmes: dict[int | None, list[tuple[SavingsGroup, CycleMeasures]]] = defaultdict(list)
    for group in groups:
        if group.pk in measured:
            programmes[group.project_id].append((group, measured[group.pk]))
    projects = {group.project_id: group.project for group in groups}
    return [
        ProgrammeMeasures(
            project=projects[project_id],
            totals=Totals(groups=len(rows), cycles=[measures for _group, measures in rows]),
            groups=rows,
        )
        for project_id, rows in sorted(
            programmes.items(),
            key=lambda item: (item[0] is None, getattr(projects[item[0]], "code", "")),
        )
    ]
