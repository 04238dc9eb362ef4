"""The ledger always reconciles: a property test over random sequences of meetings.

Hypothesis draws a group of 2 to 5 members and up to seven meetings in which each member comes
or not, buys shares, pays into the social fund, repays part or all of her loan (or more than
she owes), pays fines, asks for a grant and for a new loan: amounts that the rules allow and
amounts that they refuse. Every meeting goes through `meeting_record`; after each one:

- a refused meeting changed nothing: balances, entries, loans and meetings are as they were;
- the box holds exactly what the accepted meetings brought in less what they paid out, summed
  here independently of the services from the lines themselves;
- each fund's balance equals its entries' sum, no fund is ever below zero, and each entry's
  running balance follows from the one before;
- the meeting's closing balances are the group's.

At the end the members repay what they owe and the cycle is shared out: the payouts and the
rounding remainder make up the loan fund, each payout is her shares' part rounded down, and the
social fund is untouched.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st

from donghanh.livelihood.savings import selectors, services
from donghanh.livelihood.savings.lines import FinePaid, GrantGiven, LoanRequest, MeetingLine
from donghanh.livelihood.savings.models import (
    MONEY_IN,
    EntryKind,
    Fund,
    LedgerEntry,
    Loan,
    LoanStatus,
    Meeting,
    SavingsGroup,
)
from donghanh.organisations.models import Organisation

from .conftest import CONSTITUTION, add_members, make_group, open_cycle, reloaded, system

PRICE = CONSTITUTION["share_price"]
SOCIAL = CONSTITUTION["social_contribution"]


@dataclass(frozen=True)
class Draw:
    """What one member does at one meeting, before it meets her records."""

    attendance: str
    shares: int
    social: bool
    repay: str  # none, part, all, too_much
    fine: int
    grant: int
    loan: int
    months: int


# Most members do what the rules allow; some stay away; now and then one asks for what the
# rules refuse (a loan above her limit or too long, more shares than allowed, money while
# absent, a repayment above what she owes, a grant the social fund cannot pay).
usual = st.builds(
    Draw,
    attendance=st.sampled_from(["present", "present", "present", "late", "represented"]),
    shares=st.integers(min_value=1, max_value=5),
    social=st.booleans(),
    repay=st.sampled_from(["none", "part", "all", "all"]),
    fine=st.sampled_from([0, 0, 0, 1_000]),
    grant=st.sampled_from([0, 0, 0, 0, 0, 0, 0, 2_000]),
    loan=st.sampled_from([0, 0, 0, 0, 10_000, 20_000]),
    months=st.integers(min_value=1, max_value=3),
).map(lambda draw: replace(draw, repay="all") if draw.loan else draw)
away = st.builds(
    Draw,
    attendance=st.just("absent"),
    shares=st.just(0),
    social=st.just(False),
    repay=st.just("none"),
    fine=st.just(0),
    grant=st.just(0),
    loan=st.just(0),
    months=st.just(1),
)
wild = st.builds(
    Draw,
    attendance=st.sampled_from(["present", "late", "represented", "absent"]),
    shares=st.integers(min_value=0, max_value=6),
    social=st.booleans(),
    repay=st.sampled_from(["none", "part", "all", "too_much"]),
    fine=st.sampled_from([0, 1_000, 2_000]),
    grant=st.sampled_from([0, 5_000, 40_000]),
    loan=st.sampled_from([0, 20_000, 150_000, 600_000]),
    months=st.integers(min_value=1, max_value=4),
)
draws = st.one_of(*[usual] * 16, away, away, wild)
groups = st.integers(min_value=2, max_value=5).flatmap(
    lambda size: st.lists(st.lists(draws, min_size=size, max_size=size), min_size=1, max_size=8)
)


def _line(member_id: int, draw: Draw, owed: int) -> MeetingLine:
    repayment = {
        "none": 0,
        "part": owed // 3,
        "all": owed,
        "too_much": owed + 1_000 if owed else 0,
    }[draw.repay]
    return MeetingLine(
        member_id=member_id,
        attendance=draw.attendance,
        shares=draw.shares,
        social=draw.social,
        repayment=repayment,
        fines=(FinePaid(reason="late", amount=draw.fine),) if draw.fine else (),
        grant=GrantGiven(amount=draw.grant, reason="illness") if draw.grant else None,
        loan=LoanRequest(amount=draw.loan, months=draw.months, purpose="farming")
        if draw.loan
        else None,
    )


def _expected_change(lines: list[MeetingLine]) -> int:
    """What a meeting adds to the box, from its lines alone."""
    money_in = sum(
        line.shares * PRICE
        + (SOCIAL if line.social else 0)
        + line.repayment
        + sum(fine.amount for fine in line.fines)
        for line in lines
    )
    money_out = sum(
        (line.grant.amount if line.grant else 0) + (line.loan.amount if line.loan else 0)
        for line in lines
    )
    return money_in - money_out


def _state(group_id: int) -> tuple:
    group = reloaded_by_id(group_id)
    return (
        group.loan_fund_cash,
        group.social_fund_cash,
        LedgerEntry.objects.filter(group_id=group_id).count(),
        Meeting.objects.filter(cycle__group_id=group_id).count(),
        tuple(
            Loan.objects.filter(cycle__group_id=group_id)
            .order_by("pk")
            .values_list("principal_repaid", "interest_repaid", "status")
        ),
    )


def reloaded_by_id(group_id: int) -> SavingsGroup:
    return SavingsGroup.objects.get(pk=group_id)


def _assert_ledger_reconciles(group_id: int) -> None:
    group = reloaded_by_id(group_id)
    running: dict[str, int] = {Fund.LOAN: 0, Fund.SOCIAL: 0}
    for entry in LedgerEntry.objects.filter(group_id=group_id).order_by("sequence"):
        running[entry.fund] += entry.amount if entry.kind in MONEY_IN else -entry.amount
        assert running[entry.fund] >= 0
        assert entry.balance_after == running[entry.fund]
    assert group.loan_fund_cash == running[Fund.LOAN]
    assert group.social_fund_cash == running[Fund.SOCIAL]


def _codes(refusal: ValidationError) -> list[str]:
    if hasattr(refusal, "error_dict"):
        return [name.split("-")[-1] for name in refusal.error_dict]
    return [str(refusal.code)]


_organisations = iter(range(10**6))


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(meetings=groups)
def test_the_box_always_holds_what_came_in_less_what_went_out(meetings):
    number = next(_organisations)
    organisation = Organisation.objects.create(
        name=f"Hội Liên hiệp Phụ nữ xã {number}", slug=f"hlhpn-{number}", kind="mass_organisation"
    )
    group = make_group(organisation)
    members = add_members(group, *[f"Thành viên {i}" for i in range(len(meetings[0]))])
    cycle = open_cycle(group, min_shares=0, planned_end_on=datetime.date(2026, 11, 30))
    expected_cash = 0
    accepted = 0
    day = datetime.date(2026, 1, 5)

    for draws_at_meeting in meetings:
        day += datetime.timedelta(days=14)
        owed = {
            loan.member_id: loan.outstanding
            for loan in Loan.objects.filter(cycle=cycle, status=LoanStatus.ACTIVE)
        }
        lines = [
            _line(member.pk, draw, owed.get(member.pk, 0))
            for member, draw in zip(members, draws_at_meeting, strict=True)
        ]
        state_before = _state(group.pk)
        try:
            recorded = services.meeting_record(
                actor=system(), cycle=cycle, held_on=day, lines=lines
            )
        except ValidationError as refusal:
            event(f"refused: {sorted(set(_codes(refusal)))}")
            assert _state(group.pk) == state_before
        else:
            accepted += 1
            expected_cash += _expected_change(lines)
            after = reloaded(group)
            assert after.cash_at_hand == expected_cash
            assert recorded.cash_after == expected_cash
            assert (recorded.loan_fund_after, recorded.social_fund_after) == (
                after.loan_fund_cash,
                after.social_fund_cash,
            )
        _assert_ledger_reconciles(group.pk)

    event(f"meetings accepted: {accepted} of {len(meetings)}")
    target(float(accepted), label="meetings accepted")

    # Everyone repays what she owes, then the cycle is shared out.
    day += datetime.timedelta(days=14)
    owed = {
        loan.member_id: loan.outstanding
        for loan in Loan.objects.filter(cycle=cycle, status=LoanStatus.ACTIVE)
    }
    services.meeting_record(
        actor=system(),
        cycle=cycle,
        held_on=day,
        lines=[
            MeetingLine(member_id=member.pk, attendance="present", repayment=owed.get(member.pk, 0))
            for member in members
        ],
    )
    _assert_ledger_reconciles(group.pk)
    before = reloaded(group)
    shares = selectors.shares_in_cycle(cycle)
    services.cycle_share_out(actor=system(), cycle=cycle, held_on=day + datetime.timedelta(days=1))
    after = reloaded(group)
    paid = dict(
        LedgerEntry.objects.filter(cycle=cycle, kind=EntryKind.SHARE_OUT).values_list(
            "member_id", "amount"
        )
    )
    total_shares = sum(shares.values())
    assert sum(paid.values()) + after.loan_fund_cash == before.loan_fund_cash
    for member_id, amount in paid.items():
        assert amount == shares[member_id] * before.loan_fund_cash // total_shares
    if total_shares:
        assert after.loan_fund_cash < len(paid)  # only what rounding leaves stays
    else:
        assert after.loan_fund_cash == before.loan_fund_cash
    assert after.social_fund_cash == before.social_fund_cash
    _assert_ledger_reconciles(group.pk)
