"""The standard performance measures of a savings group, worked out from its records as of a
day (SAVIX-style definitions; no figure is typed in by hand):

- savings: what members paid for shares in the cycle, less savings returned to those who left;
- profit: interest received and fines paid in the cycle (the group has no other income and,
  in these records, no expenses or written-off loans);
- annualised return on savings: profit ÷ savings, scaled to a year by the days the cycle has
  run (365 ÷ days);
- loan fund utilisation: principal lent out and not yet repaid ÷ (that + the loan fund's cash),
  as of the day; and its average over the cycle's meetings;
- portfolio at risk (PAR 30): the principal still owed on loans with an instalment more than 30
  days overdue ÷ all principal still owed, as of the day;
- loans repaid late: loans repaid after their due date, or still owed past it;
- attendance: members present or late ÷ members expected, over the cycle's meetings (a member
  who sent someone counts as absent);
- drop-out: members who left during the cycle ÷ members at its start and those who joined.

A ratio whose denominator is nothing is None ("not yet"), never 0.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from . import rules
from .models import (
    AttendanceStatus,
    Cycle,
    EntryKind,
    Fund,
    GroupMember,
    LedgerEntry,
    Loan,
    Meeting,
)

AT_RISK_AFTER_DAYS = 30
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


def ratio(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class LoanAsOf:
    """A loan as it stood on a day: what had been paid and whether it was at risk."""

    loan: Loan
    on: datetime.date
    paid: int
    principal_outstanding: int
    late_since: datetime.date | None

    @property
    def days_late(self) -> int:
        return 0 if self.late_since is None else (self.on - self.late_since).days

    @property
    def at_risk(self) -> bool:
        return self.days_late > AT_RISK_AFTER_DAYS

    @property
    def repaid_late(self) -> bool:
        """Repaid after its due date, or still owed past it."""
        repaid_on = self.loan.repaid_on
        if repaid_on is not None and repaid_on <= self.on:
            return repaid_on > self.loan.due_on
        return self.principal_outstanding > 0 and self.loan.due_on < self.on


def loan_as_of(loan: Loan, repayments: Iterable[LedgerEntry], on: datetime.date) -> LoanAsOf:
    """The loan on `on`, from its schedule and the repayment entries made by then."""
    paid = principal = 0
    for entry in repayments:
        if entry.moved_on <= on:
            paid += entry.amount
            if entry.kind == EntryKind.REPAID_PRINCIPAL:
                principal += entry.amount
    schedule = [
        rules.Instalment(
            number=item.number, due_on=item.due_on, principal=item.principal, interest=item.interest
        )
        for item in loan.instalments.all()
    ]
    return LoanAsOf(
        loan=loan,
        on=on,
        paid=paid,
        principal_outstanding=loan.principal - principal,
        late_since=rules.overdue_since(schedule, paid=paid, on=on),
    )


@dataclass(frozen=True)
class CycleMeasures:
    cycle: Cycle
    on: datetime.date
    days: int
    savings: int
    profit: int
    outstanding: int
    loan_fund_cash: int
    at_risk: int
    utilisation_average: Fraction | None
    loans_made: int
    loans_late: int
    attended: int
    expected: int
    members_at_start: int
    joined: int
    left: int
    loans: list[LoanAsOf] = field(default_factory=list)

    @property
    def return_on_savings(self) -> Fraction | None:
        return ratio(self.profit, self.savings)

    @property
    def annualised_return(self) -> Fraction | None:
        simple = self.return_on_savings
        if simple is None or self.days <= 0:
            return None
        return simple * Fraction(365, self.days)

    @property
    def utilisation(self) -> Fraction | None:
        return ratio(self.outstanding, self.outstanding + self.loan_fund_cash)

    @property
    def portfolio_at_risk(self) -> Fraction | None:
        return ratio(self.at_risk, self.outstanding)

    @property
    def attendance(self) -> Fraction | None:
        return ratio(self.attended, self.expected)

    @property
    def drop_out(self) -> Fraction | None:
        return ratio(self.left, self.members_at_start + self.joined)

    @property
    def members_now(self) -> int:
        return self.members_at_start + self.joined - self.left


def cycle_measures(
    cycle: Cycle,
    *,
    on: datetime.date,
    entries: Sequence[LedgerEntry],
    loan_fund_before: int,
    loans: Sequence[Loan],
    meetings: Sequence[Meeting],
    attendance: Iterable[tuple[int, str]],
    members: Sequence[GroupMember],
) -> CycleMeasures:
    """The measures of `cycle` as of `on`, from its records (read by the selectors):
    `entries` the cycle's ledger in order, `loan_fund_before` the loan fund when it began,
    `attendance` (meeting id, status) pairs of its regular meetings."""
    end = min(on, cycle.ended_on) if cycle.ended_on else on
    upto = [entry for entry in entries if entry.moved_on <= end]
    totals: dict[str, int] = defaultdict(int)
    for entry in upto:
        totals[entry.kind] += entry.amount
    loan_fund = loan_fund_before
    for entry in upto:
        if entry.fund == Fund.LOAN:
            loan_fund = entry.balance_after
    repayments: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in upto:
        if entry.loan_id is not None and entry.kind != EntryKind.LOAN_MADE:
            repayments[entry.loan_id].append(entry)
    made = [loan for loan in loans if loan.disbursed_on <= end]
    states = [loan_as_of(loan, repayments[loan.pk], end) for loan in made]
    held = [meeting for meeting in meetings if meeting.held_on <= end and not meeting.is_share_out]
    held_ids = {meeting.pk for meeting in held}
    counted = [status for meeting_id, status in attendance if meeting_id in held_ids]
    start = cycle.started_on
    at_start = [
        m for m in members if m.joined_on <= start and (m.left_on is None or m.left_on >= start)
    ]
    joined = [m for m in members if start < m.joined_on <= end]
    left = [m for m in members if m.left_on is not None and start <= m.left_on <= end]
    return CycleMeasures(
        cycle=cycle,
        on=end,
        days=(end - start).days,
        savings=totals[EntryKind.SHARES] - totals[EntryKind.SAVINGS_RETURNED],
        profit=totals[EntryKind.REPAID_INTEREST] + totals[EntryKind.FINE],
        outstanding=sum(state.principal_outstanding for state in states),
        loan_fund_cash=loan_fund,
        at_risk=sum(state.principal_outstanding for state in states if state.at_risk),
        utilisation_average=_average_utilisation(held, upto, loans),
        loans_made=len(made),
        loans_late=sum(1 for state in states if state.repaid_late),
        attended=sum(1 for status in counted if status in ATTENDED),
        expected=len(counted),
        members_at_start=len(at_start),
        joined=len(joined),
        left=len(left),
        loans=states,
    )


def _average_utilisation(
    meetings: Sequence[Meeting], entries: Sequence[LedgerEntry], loans: Sequence[Loan]
) -> Fraction | None:
    """Utilisation at the close of each meeting, averaged."""
    if not meetings:
        return None
    lent_at: dict[int, int] = defaultdict(int)
    repaid_at: dict[int, int] = defaultdict(int)
    for entry in entries:
        if entry.meeting_id is None:
            continue
        if entry.kind == EntryKind.LOAN_MADE:
            lent_at[entry.meeting_id] += entry.amount
        elif entry.kind == EntryKind.REPAID_PRINCIPAL:
            repaid_at[entry.meeting_id] += entry.amount
    outstanding = 0
    values = []
    for meeting in sorted(meetings, key=lambda item: item.number):
        outstanding += lent_at[meeting.pk] - repaid_at[meeting.pk]
        value = ratio(outstanding, outstanding + meeting.loan_fund_after)
        values.append(value if value is not None else Fraction(0))
    return sum(values, Fraction(0)) / len(values)


@dataclass(frozen=True)
class Totals:
    """Measures of several groups together (a programme): sums of the parts, so that a large
    group weighs more than a small one."""

    groups: int
    cycles: list[CycleMeasures]

    def _sum(self, name: str) -> int:
        return sum(getattr(measures, name) for measures in self.cycles)

    @property
    def members(self) -> int:
        return sum(measures.members_now for measures in self.cycles)

    @property
    def savings(self) -> int:
        return self._sum("savings")

    @property
    def profit(self) -> int:
        return self._sum("profit")

    @property
    def outstanding(self) -> int:
        return self._sum("outstanding")

    @property
    def annualised_return(self) -> Fraction | None:
        """The groups' annualised returns weighted by their savings."""
        weighted = [
            (measures.annualised_return, measures.savings)
            for measures in self.cycles
            if measures.annualised_return is not None
        ]
        total = sum(savings for _value, savings in weighted)
        if not total:
            return None
        return sum((value * savings for value, savings in weighted), Fraction(0)) / total

    @property
    def utilisation(self) -> Fraction | None:
        return ratio(self.outstanding, self.outstanding + self._sum("loan_fund_cash"))

    @property
    def portfolio_at_risk(self) -> Fraction | None:
        return ratio(self._sum("at_risk"), self.outstanding)

    @property
    def attendance(self) -> Fraction | None:
        return ratio(self._sum("attended"), self._sum("expected"))

    @property
    def drop_out(self) -> Fraction | None:
        return ratio(self._sum("left"), self._sum("members_at_start") + self._sum("joined"))
