"""The livelihood figures of a programme (seed 003), counted by hand on a small world: women
with a plan, women whose reintegration score improved, groups that met, members (a woman in two
groups once), savings mobilised and loans outstanding in đồng; small cells suppressed outside."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest

from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case
from donghanh.core.actor import Actor
from donghanh.indicators.compute import Scope, raw_result
from donghanh.indicators.results import indicator_result
from donghanh.indicators.selectors import cases_behind
from donghanh.livelihood.plans import services as plans
from donghanh.livelihood.plans.items import ITEMS
from donghanh.livelihood.savings import services as savings
from donghanh.livelihood.savings.lines import LoanRequest, MeetingLine
from donghanh.livelihood.savings.models import SavingsGroup
from donghanh.livelihood.tests.conftest import CONSTITUTION, Staff, staff
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Role
from donghanh.people import services as people_services
from donghanh.people.models import Consent
from donghanh.people.tests.conftest import make_person
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import (
    Aggregation,
    ComputedDefinition,
    Disaggregation,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
)
from donghanh.testing.factories import OrganisationFactory

__all__ = ["staff"]

pytestmark = pytest.mark.django_db
D = datetime.date
START = CONSTITUTION["started_on"]  # 5/1/2026


@dataclass
class World:
    project: Project
    indicators: dict[str, Indicator]
    worker: Any
    cases: dict[str, Case]

    def figure(self, definition: str, scope: Scope | None = None) -> Decimal:
        return raw_result(self.indicators[definition], scope).total


def _answers(value: int) -> dict[str, int | None]:
    return {item.code: value for item in ITEMS}


def _woman(staff: Staff, name: str, project: Project | None, scores: tuple[int, ...]) -> Case:
    worker = staff.users[Role.CASE_WORKER]
    actor = Actor.for_user(worker, organisation=staff.organisation)
    case = make_case(make_person(staff.organisation, worker, full_name=name), worker)
    plan = plans.plan_start(actor=actor, case=case)
    if project is not None:
        plans.plan_update(
            actor=actor,
            plan=plan,
            expected_version=plan.version,
            baseline=plans.PLAN_EDITS.fingerprints(plan),
            project=project,
        )
    for (point, day), value in zip(
        (("intake", D(2026, 1, 10)), ("month_6", D(2026, 7, 10))), scores, strict=False
    ):
        plans.assessment_record(
            actor=actor, case=case, point=point, assessed_on=day, answers=_answers(value)
        )
    return case


def _linked(group: SavingsGroup, case: Case, worker: Any) -> Any:
    member = savings.member_add(
        actor=Actor.system("test"), group=group, full_name="Thành viên", joined_on=D(2025, 12, 1)
    )
    people_services.consent_record(
        person=case.person,
        purpose=Consent.Purpose.SAVINGS_GROUP,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=D(2026, 1, 2),
        actor=Actor.for_user(worker),
    )
    return savings.member_link_case(actor=Actor.system("test"), member=member, case=case)


def _indicators(project: Project) -> dict[str, Indicator]:
    made: dict[str, Indicator] = {}
    for number, definition in enumerate(
        [
            ComputedDefinition.LIVELIHOOD_PLANS,
            ComputedDefinition.REINTEGRATION_IMPROVED,
            ComputedDefinition.SAVINGS_GROUPS_ACTIVE,
            ComputedDefinition.SAVINGS_GROUP_MEMBERS,
            ComputedDefinition.SAVINGS_MOBILISED,
            ComputedDefinition.LOANS_OUTSTANDING,
        ],
        start=1,
    ):
        money = definition in (
            ComputedDefinition.SAVINGS_MOBILISED,
            ComputedDefinition.LOANS_OUTSTANDING,
        )
        indicator = Indicator.objects.create(
            project=project,
            code=f"5.{number}",
            name=str(definition.label),
            unit="đồng" if money else "người",
            aggregation=Aggregation.SUM if money else Aggregation.UNIQUE_PEOPLE,
            source=IndicatorSource.COMPUTED,
            computed_definition=definition,
            disaggregations=[Disaggregation.PROVINCE]
            if money or "group" in definition
            else [Disaggregation.SEX],
        )
        for start, end in ((D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 12, 31))):
            IndicatorTarget.objects.create(
                indicator=indicator, period_start=start, period_end=end, target_value=20
            )
        made[definition] = indicator
    return made


@pytest.fixture
def world(staff: Staff) -> World:
    organisation = staff.organisation
    project = Project.objects.create(
        implementing_organisation=organisation, code="003", name="Sinh kế"
    )
    project.donors.add(cast(Organisation, OrganisationFactory(kind=Organisation.Kind.DONOR)))
    indicators = _indicators(project)
    worker = staff.users[Role.CASE_WORKER]
    lan = _woman(staff, "Nguyễn Thị Lan", project, (2, 4))  # 25 → 75: improved
    hoa = _woman(staff, "Trần Thị Hoa", project, (4, 3))  # 75 → 50: not improved
    _woman(staff, "Lê Thị Mai", project, (3,))  # intake only
    _woman(staff, "Phạm Thị Cúc", None, (1, 5))  # improved, but under no programme
    system = Actor.system("test")
    first = savings.group_create(
        actor=system, organisation=organisation, name="Tổ Bảo Ninh", formed_on=D(2025, 12, 1),
        project=project,
    )  # fmt: skip
    second = savings.group_create(
        actor=system, organisation=organisation, name="Tổ Hải Thành", formed_on=D(2025, 12, 1),
        project=project,
    )  # fmt: skip
    elsewhere = savings.group_create(
        actor=system, organisation=organisation, name="Tổ khác", formed_on=D(2025, 12, 1)
    )
    lan_first = _linked(first, lan, worker)
    lan_second = _linked(second, lan, worker)
    cuc, dao = (
        savings.member_add(actor=system, group=first, full_name=name, joined_on=D(2025, 12, 1))
        for name in ("Hồ Thị Cúc", "Võ Thị Đào")
    )
    outside = savings.member_add(
        actor=system, group=elsewhere, full_name="Đỗ Thị Yến", joined_on=D(2025, 12, 1)
    )
    cycles = {
        group: savings.cycle_open(actor=system, group=group, **CONSTITUTION)
        for group in (first, second, elsewhere)
    }

    def met(group: SavingsGroup, day: datetime.date, *lines: MeetingLine) -> None:
        savings.meeting_record(actor=system, cycle=cycles[group], held_on=day, lines=list(lines))

    # First group: 5/1 Lan 5 shares, Cúc 3, Đào absent; 5/2 Lan borrows 100.000 for two
    # months and buys 1 share, Cúc 2 shares, Đào 1.
    met(
        first,
        START,
        MeetingLine(lan_first.pk, "present", shares=5),
        MeetingLine(cuc.pk, "present", shares=3),
        MeetingLine(dao.pk, "absent"),
    )
    met(
        first,
        D(2026, 2, 5),
        MeetingLine(
            lan_first.pk,
            "present",
            shares=1,
            loan=LoanRequest(amount=100_000, months=2, purpose="small_trade"),
        ),
        MeetingLine(cuc.pk, "present", shares=2),
        MeetingLine(dao.pk, "present", shares=1),
    )
    # Second group meets once, in April: Lan 4 shares.
    met(second, D(2026, 4, 5), MeetingLine(lan_second.pk, "present", shares=4))
    # A group under no programme counts nowhere.
    met(elsewhere, START, MeetingLine(outside.pk, "present", shares=5))
    return World(project, indicators, worker, {"lan": lan, "hoa": hoa})


def test_each_figure_by_hand(world: World) -> None:
    assert (
        world.figure(ComputedDefinition.LIVELIHOOD_PLANS) == 3
    )  # Lan, Hoa, Mai (not Cúc: no programme)
    assert world.figure(ComputedDefinition.REINTEGRATION_IMPROVED) == 1  # Lan only
    assert world.figure(ComputedDefinition.SAVINGS_GROUPS_ACTIVE) == 2
    # Lan (in both groups: once), Cúc, Đào (absent once, then there: a member all the same).
    assert world.figure(ComputedDefinition.SAVINGS_GROUP_MEMBERS) == 3
    # Shares: (5 + 3) + (1 + 2 + 1) + 4 = 16 shares of 10.000 đồng.
    assert world.figure(ComputedDefinition.SAVINGS_MOBILISED) == 160_000
    assert world.figure(ComputedDefinition.LOANS_OUTSTANDING) == 100_000


def test_periods_count_each_person_once_and_money_by_its_rule(world: World) -> None:
    members = raw_result(world.indicators[ComputedDefinition.SAVINGS_GROUP_MEMBERS])
    assert members.periods == [3, 1]  # Lan again in April: once in each period, once in all
    groups = raw_result(world.indicators[ComputedDefinition.SAVINGS_GROUPS_ACTIVE])
    assert groups.periods == [1, 1]
    savings_by_period = raw_result(world.indicators[ComputedDefinition.SAVINGS_MOBILISED])
    assert savings_by_period.periods == [120_000, 40_000]
    assert savings_by_period.total == 160_000  # the sum of the periods
    # Outstanding is a stock: at the end of each period, whatever was lent before it.
    loans = raw_result(world.indicators[ComputedDefinition.LOANS_OUTSTANDING])
    assert loans.periods == [100_000, 100_000]
    assert loans.total == 100_000
    assert world.figure(ComputedDefinition.LOANS_OUTSTANDING, Scope(start=D(2026, 4, 1))) == 100_000
    assert world.figure(ComputedDefinition.LOANS_OUTSTANDING, Scope(end=D(2026, 1, 31))) == 0
    improved = raw_result(world.indicators[ComputedDefinition.REINTEGRATION_IMPROVED])
    assert improved.periods == [0, 1]  # improved at her 6-month assessment, in July
    assert improved.breakdowns == {"sex": {"female": 1}}


def test_a_repayment_and_a_new_assessment_move_the_figures_at_once(world: World) -> None:
    assert (
        world.figure(ComputedDefinition.LOANS_OUTSTANDING) == 100_000
    )  # cached under the project's token
    group = SavingsGroup.objects.get(name="Tổ Bảo Ninh")
    cycle = group.cycles.get()
    lan, cuc, dao = group.members.order_by("number")
    savings.meeting_record(
        actor=Actor.system("test"),
        cycle=cycle,
        held_on=D(2026, 3, 5),
        lines=[
            MeetingLine(lan.pk, "present", shares=1, repayment=60_000),
            MeetingLine(cuc.pk, "present", shares=1),
            MeetingLine(dao.pk, "present", shares=1),
        ],
    )
    assert 0 < world.figure(ComputedDefinition.LOANS_OUTSTANDING) < 100_000
    hoa = world.cases["hoa"]
    plans.assessment_record(
        actor=Actor.for_user(world.worker, organisation=hoa.organisation),
        case=hoa,
        point="month_12",
        assessed_on=D(2026, 11, 10),
        answers=_answers(5),
    )
    assert world.figure(ComputedDefinition.REINTEGRATION_IMPROVED) == 2


def test_outsiders_see_small_counts_suppressed_and_money_as_it_is(world: World) -> None:
    plans_inside = indicator_result(
        world.indicators[ComputedDefinition.LIVELIHOOD_PLANS], outside=False
    )
    plans_outside = indicator_result(
        world.indicators[ComputedDefinition.LIVELIHOOD_PLANS], outside=True
    )
    assert plans_inside.actual.text == "3"
    assert plans_outside.actual.text == "<11" and plans_outside.suppressed
    # A small total withholds every breakdown.
    assert plans_outside.breakdowns and all(b.withheld for b in plans_outside.breakdowns)
    assert all(cell.figure.count.value is None for cell in plans_outside.breakdowns[0].cells)
    members_outside = indicator_result(
        world.indicators[ComputedDefinition.SAVINGS_GROUP_MEMBERS], outside=True
    )
    assert members_outside.actual.text == "<11"
    money = indicator_result(world.indicators[ComputedDefinition.SAVINGS_MOBILISED], outside=True)
    assert not money.suppressed
    assert money.actual.value == 160_000


def test_the_cases_behind_the_women_counted(world: World, staff: Staff) -> None:
    membership = Membership.objects.get(
        user=staff.users[Role.SUPERVISOR], organisation=staff.organisation
    )
    improved = cases_behind(world.indicators[ComputedDefinition.REINTEGRATION_IMPROVED], membership)
    assert list(improved) == [world.cases["lan"]]
    with_plan = cases_behind(world.indicators[ComputedDefinition.LIVELIHOOD_PLANS], membership)
    assert world.cases["hoa"] in with_plan and with_plan.count() == 3
