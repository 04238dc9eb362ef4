"""The arithmetic of a savings and credit group, in whole đồng and without the database.

A group keeps two funds in one box: the loan fund (savings, interest and fines, lent out to
members and shared out at the end of a cycle) and the social fund (small contributions at every
meeting, given as grants to members in hardship, never lent and never shared out). The
functions here are pure so that they can be checked by hand: the services call them and write
what they return.

Interest is flat: a loan of P đồng for n months at r per month costs P × r × n, worked out once
when the loan is made and spread over monthly instalments. A payment pays the instalments in
order, each one's interest before its principal.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

# Interest rates are kept in hundredths of a percent per month: 200 is 2 % a month.
BASIS_POINTS = 10_000


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _round_half_up(value: Fraction) -> int:
    return int((value + Fraction(1, 2)) // 1)


def flat_interest(principal: int, monthly_rate_bp: int, months: int) -> int:
    """The interest of a loan over its whole term, to the nearest đồng."""
    return _round_half_up(Fraction(principal * monthly_rate_bp * months, BASIS_POINTS))


def _spread(total: int, parts: int) -> list[int]:
    """`total` in `parts` equal whole amounts, the last taking what is left over."""
    each = total // parts
    return [each] * (parts - 1) + [total - each * (parts - 1)]


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: datetime.date
    principal: int
    interest: int

    @property
    def amount(self) -> int:
        return self.principal + self.interest


def loan_schedule(
    *, principal: int, monthly_rate_bp: int, months: int, disbursed_on: datetime.date
) -> list[Instalment]:
    """Monthly instalments from a month after the loan is made; together they repay the
    principal and the flat interest exactly."""
    if principal <= 0 or months <= 0:
        raise ValueError("a loan has a principal and a term")
    interest = flat_interest(principal, monthly_rate_bp, months)
    return [
        Instalment(
            number=index + 1,
            due_on=add_months(disbursed_on, index + 1),
            principal=principal_part,
            interest=interest_part,
        )
        for index, (principal_part, interest_part) in enumerate(
            zip(_spread(principal, months), _spread(interest, months), strict=True)
        )
    ]


def interest_within(schedule: Sequence[Instalment], paid: int) -> int:
    """How much of `paid` (everything paid on the loan so far) went to interest."""
    interest = 0
    before = 0
    for instalment in schedule:
        interest += min(instalment.interest, max(0, paid - before))
        before += instalment.amount
    return interest


def split_payment(
    schedule: Sequence[Instalment], *, paid_before: int, amount: int
) -> tuple[int, int]:
    """The interest and the principal in a payment of `amount` made after `paid_before`."""
    interest = interest_within(schedule, paid_before + amount) - interest_within(
        schedule, paid_before
    )
    return interest, amount - interest


def overdue_since(
    schedule: Sequence[Instalment], *, paid: int, on: datetime.date
) -> datetime.date | None:
    """The due date of the earliest instalment not fully paid by `on` (with `paid` paid by
    then) if it fell due before `on`; None when the loan is up to date."""
    due = 0
    for instalment in schedule:
        due += instalment.amount
        if paid < due:
            return instalment.due_on if instalment.due_on < on else None
    return None


def loan_limit(*, savings: int, multiple: int, cap: int) -> int:
    """The most a member may borrow: `multiple` times her savings, at most `cap`."""
    return min(savings * multiple, cap)


@dataclass(frozen=True)
class ShareOut:
    """The end of a cycle: the loan fund divided among the members by their shares.

    Each member receives her shares × the value of a share, rounded down to the đồng; the few
    đồng that rounding leaves (fewer than the number of members) stay in the box and start the
    next cycle's loan fund.
    """

    fund: int
    total_shares: int
    payouts: dict[int, int]
    remainder: int

    @property
    def share_value(self) -> Fraction:
        return Fraction(self.fund, self.total_shares) if self.total_shares else Fraction(0)


def share_out(*, shares: Mapping[int, int], fund: int) -> ShareOut:
    """Divide `fund` among members (keys) in proportion to their `shares`."""
    total = sum(shares.values())
    if total == 0:
        return ShareOut(fund=fund, total_shares=0, payouts={}, remainder=fund)
    payouts = {member: count * fund // total for member, count in shares.items() if count}
    return ShareOut(
        fund=fund, total_shares=total, payouts=payouts, remainder=fund - sum(payouts.values())
    )
