"""A small group's cycle, recorded through the services, against a share-out done by hand."""

from __future__ import annotations

import datetime

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.livelihood.savings import selectors, services
from donghanh.livelihood.savings.lines import FinePaid, LoanRequest, MeetingLine
from donghanh.livelihood.savings.models import (
    CycleStatus,
    EntryKind,
    LedgerEntry,
    Loan,
    LoanStatus,
)

from .conftest import add_members, meeting, open_cycle, refused, reloaded, system

pytestmark = pytest.mark.django_db


def line(member, *, shares, attendance="present", **kwargs):
    return MeetingLine(
        member_id=member.pk, attendance=attendance, shares=shares, social=True, **kwargs
    )


def test_three_members_over_one_cycle_share_out_as_computed_by_hand(group):
    """By hand (share 10.000 đồng, social fund 2.000 a meeting, interest 10 % a month, flat):

    2/2  An 5 shares, Bình 3, Cúc 2: loan fund 100.000, social fund 6.000. Bình borrows
         60.000 for 2 months (her limit: 3 × 30.000): interest 12.000, two instalments of
         36.000 on 2/3 and 2/4. Loan fund 40.000.
    2/3  An 5, Bình 3, Cúc (late, fined 1.000) 2; Bình repays 36.000 (6.000 interest).
         Loan fund 40.000 + 100.000 + 36.000 + 1.000 = 177.000; social fund 12.000.
    2/4  An 5, Bình 3, Cúc 1; Bình repays 36.000. Loan fund 177.000 + 90.000 + 36.000 =
         303.000; social fund 18.000.
    20/4 share-out of 303.000 over 29 shares (An 15, Bình 9, Cúc 5): An 156.724, Bình
         94.034, Cúc 52.241; one đồng of rounding and the social fund stay in the box.
    """
    an, binh, cuc = add_members(group, "Lê Thị An", "Phạm Thị Bình", "Hoàng Thị Cúc")
    cycle = open_cycle(group)

    meeting(
        cycle,
        datetime.date(2026, 2, 2),
        line(an, shares=5),
        line(binh, shares=3, loan=LoanRequest(amount=60_000, months=2, purpose="livestock")),
        line(cuc, shares=2),
    )
    assert (reloaded(group).loan_fund_cash, reloaded(group).social_fund_cash) == (40_000, 6_000)
    loan = Loan.objects.get(member=binh)
    assert (loan.interest, loan.due_on) == (12_000, datetime.date(2026, 4, 2))

    meeting(
        cycle,
        datetime.date(2026, 3, 2),
        line(an, shares=5),
        line(binh, shares=3, repayment=36_000),
        line(cuc, shares=2, attendance="late", fines=(FinePaid(reason="late", amount=1_000),)),
    )
    assert reloaded(group).loan_fund_cash == 177_000
    loan.refresh_from_db()
    assert (loan.interest_repaid, loan.principal_repaid) == (6_000, 30_000)

    third = meeting(
        cycle,
        datetime.date(2026, 4, 2),
        line(an, shares=5),
        line(binh, shares=3, repayment=36_000),
        line(cuc, shares=1),
        cash_counted=321_000,
    )
    assert (third.loan_fund_after, third.social_fund_after) == (303_000, 18_000)
    loan.refresh_from_db()
    assert (loan.status, loan.repaid_on) == (LoanStatus.REPAID, datetime.date(2026, 4, 2))

    preview = selectors.share_out_preview(cycle)
    assert preview.payouts == {an.pk: 156_724, binh.pk: 94_034, cuc.pk: 52_241}

    services.cycle_share_out(
        actor=system(), cycle=cycle, held_on=datetime.date(2026, 4, 20), cash_counted=18_001
    )

    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SHARED_OUT
    assert (cycle.share_out_fund, cycle.share_out_shares, cycle.share_out_remainder) == (
        303_000,
        29,
        1,
    )
    paid = dict(
        LedgerEntry.objects.filter(cycle=cycle, kind=EntryKind.SHARE_OUT).values_list(
            "member_id", "amount"
        )
    )
    assert paid == {an.pk: 156_724, binh.pk: 94_034, cuc.pk: 52_241}
    assert (reloaded(group).loan_fund_cash, reloaded(group).social_fund_cash) == (1, 18_000)
    assert AuditEntry.objects.filter(event="savings_cycle.shared_out").get().details == {
        "number": 1,
        "fund": 303_000,
        "shares": 29,
    }


def test_no_share_out_while_a_loan_is_being_repaid(group):
    an, binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group)
    meeting(
        cycle,
        datetime.date(2026, 2, 2),
        line(an, shares=5),
        line(binh, shares=5, loan=LoanRequest(amount=50_000, months=1, purpose="small_trade")),
    )
    with refused("loans_outstanding"):
        services.cycle_share_out(actor=system(), cycle=cycle, held_on=datetime.date(2026, 3, 2))
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    assert not LedgerEntry.objects.filter(kind=EntryKind.SHARE_OUT).exists()


def test_a_member_who_leaves_gets_her_savings_back_and_no_share_of_the_profit(group):
    an, binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group)
    meeting(
        cycle,
        datetime.date(2026, 2, 2),
        line(an, shares=5, loan=LoanRequest(amount=80_000, months=1, purpose="farming")),
        line(binh, shares=4),
    )
    meeting(
        cycle, datetime.date(2026, 3, 2), line(an, shares=1, repayment=88_000), line(binh, shares=1)
    )
    services.member_leave(
        actor=system(), member=binh, left_on=datetime.date(2026, 3, 10), reason="moved"
    )
    returned = LedgerEntry.objects.get(kind=EntryKind.SAVINGS_RETURNED)
    assert (returned.member_id, returned.amount) == (binh.pk, 50_000)
    # What is left is An's: 60.000 saved and 8.000 of interest.
    assert selectors.share_out_preview(cycle).payouts == {an.pk: 68_000}
