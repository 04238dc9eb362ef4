"""The arithmetic of a savings group, checked against sums done by hand."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from donghanh.livelihood.savings import rules

LENT_ON = datetime.date(2026, 1, 31)


def test_months_are_added_to_the_calendar_and_the_31st_becomes_the_last_day():
    assert rules.add_months(LENT_ON, 1) == datetime.date(2026, 2, 28)
    assert rules.add_months(LENT_ON, 3) == datetime.date(2026, 4, 30)
    assert rules.add_months(datetime.date(2026, 11, 15), 2) == datetime.date(2027, 1, 15)


def test_a_schedule_spreads_principal_and_flat_interest_and_adds_up_exactly():
    # 100.000 đồng for 3 months at 2 % a month: 6.000 interest, spread 2.000 a month; the
    # principal does not divide by 3, so the last instalment takes the odd đồng.
    schedule = rules.loan_schedule(
        principal=100_000, monthly_rate_bp=200, months=3, disbursed_on=LENT_ON
    )
    assert [(item.principal, item.interest) for item in schedule] == [
        (33_333, 2_000),
        (33_333, 2_000),
        (33_334, 2_000),
    ]
    assert [item.due_on for item in schedule] == [
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 30),
    ]
    assert sum(item.amount for item in schedule) == 106_000


def test_interest_is_rounded_to_the_nearest_dong():
    assert rules.flat_interest(12_345, 150, 1) == 185  # 185,175
    assert rules.flat_interest(10_000, 5, 1) == 5  # 5 exactly
    assert rules.flat_interest(1_000, 5, 1) == 1  # 0,5 rounds up


def test_payments_go_to_each_instalment_interest_first():
    schedule = rules.loan_schedule(
        principal=60_000, monthly_rate_bp=1_000, months=2, disbursed_on=LENT_ON
    )  # two instalments of 30.000 + 6.000
    assert rules.split_payment(schedule, paid_before=0, amount=4_000) == (4_000, 0)
    assert rules.split_payment(schedule, paid_before=4_000, amount=32_000) == (2_000, 30_000)
    assert rules.split_payment(schedule, paid_before=36_000, amount=36_000) == (6_000, 30_000)
    assert rules.split_payment(schedule, paid_before=0, amount=72_000) == (12_000, 60_000)


def test_a_loan_is_overdue_from_its_first_instalment_not_fully_paid():
    schedule = rules.loan_schedule(
        principal=60_000, monthly_rate_bp=1_000, months=2, disbursed_on=LENT_ON
    )
    first_due = datetime.date(2026, 2, 28)
    assert rules.overdue_since(schedule, paid=0, on=first_due) is None  # due today, not late
    assert rules.overdue_since(schedule, paid=35_999, on=datetime.date(2026, 3, 1)) == first_due
    assert rules.overdue_since(schedule, paid=36_000, on=datetime.date(2026, 3, 1)) is None


def test_the_loan_limit_is_a_multiple_of_her_savings_up_to_the_cap():
    assert rules.loan_limit(savings=30_000, multiple=3, cap=500_000) == 90_000
    assert rules.loan_limit(savings=300_000, multiple=3, cap=500_000) == 500_000


def test_a_share_out_by_hand():
    # 303.000 đồng over 29 shares: 10.448,27… a share. 15 shares: 156.724,13… → 156.724;
    # 9 shares: 94.034,48… → 94.034; 5 shares: 52.241,37… → 52.241. Paid out 302.999: one đồng
    # stays in the box.
    result = rules.share_out(shares={1: 15, 2: 9, 3: 5}, fund=303_000)
    assert result.payouts == {1: 156_724, 2: 94_034, 3: 52_241}
    assert result.remainder == 1
    assert result.share_value == Fraction(303_000, 29)


@pytest.mark.parametrize("fund", [0, 1, 999_999])
def test_nothing_is_shared_out_without_shares(fund):
    result = rules.share_out(shares={}, fund=fund)
    assert result.payouts == {}
    assert result.remainder == fund
