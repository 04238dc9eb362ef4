"""The one way money enters the records: entries posted to a group's ledger.

`post` runs inside a service's transaction on the group row locked with `locked_group`. It
writes the entries in order, each with the balance of its fund once it is counted, refuses an
entry that would take more out of a fund than it holds, moves the group's balances, and then
checks that each balance equals what came into its fund less what went out over the group's
whole ledger. A difference means something wrote around this module: the check raises and the
transaction rolls back, so a ledger that does not reconcile is never committed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from donghanh.core.records import records_changed
from donghanh.core.templatetags.donghanh import vnd

from .models import (
    ENTRY_FUND,
    MONEY_IN,
    Cycle,
    Fund,
    GroupMember,
    LedgerEntry,
    Loan,
    Meeting,
    SavingsGroup,
)


class LedgerOutOfBalanceError(RuntimeError):
    """A fund's balance differs from its entries: never committed."""


@dataclass(frozen=True)
class Movement:
    """Money handed over at a meeting (or at a member's leaving), before it is posted."""

    kind: str
    amount: int
    member: GroupMember | None = None
    loan: Loan | None = None
    shares: int = 0
    fine_reason: str = ""
    grant_reason: str = ""


def figures_changed(*project_ids: int | None) -> None:
    """Tell the programme figures (savings, loans, members, groups that met) that records
    counted under these projects changed; a group under no programme is counted nowhere."""
    wanted = {pk for pk in project_ids if pk is not None}
    if wanted:
        records_changed(project_ids=wanted)


def locked_group(group_id: int) -> SavingsGroup:
    """The group row, locked for the rest of the transaction: one write to its box at a time."""
    return SavingsGroup.objects.select_for_update().get(pk=group_id)


def _balance_field(fund: str) -> str:
    return "loan_fund_cash" if fund == Fund.LOAN else "social_fund_cash"


def post(
    *,
    group: SavingsGroup,
    cycle: Cycle,
    meeting: Meeting | None,
    movements: Sequence[Movement],
    moved_on: datetime.date | None = None,
) -> list[LedgerEntry]:
    """Write `movements` in order to the group's ledger and move its balances; the money
    changed hands at `meeting`, or on `moved_on` outside a meeting."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the ledger is written inside a service's transaction")
    day = meeting.held_on if meeting is not None else moved_on
    if day is None:
        raise ValueError("money outside a meeting changes hands on a day")
    last = LedgerEntry.objects.filter(group=group).aggregate(last=Max("sequence"))["last"] or 0
    balances = {fund: getattr(group, _balance_field(fund)) for fund in Fund.values}
    entries = []
    for index, movement in enumerate(movements, start=1):
        if movement.amount <= 0:
            raise ValueError("a ledger entry moves a positive amount")
        fund = ENTRY_FUND[movement.kind]
        if movement.kind in MONEY_IN:
            balances[fund] += movement.amount
        elif movement.amount > balances[fund]:
            raise ValidationError(
                _(
                    "Not enough money in the %(fund)s: it holds %(held)s at this point and "
                    "this needs %(needed)s."
                )
                % {
                    "fund": Fund(fund).label.lower(),
                    "held": vnd(balances[fund]),
                    "needed": vnd(movement.amount),
                },
                code="not_enough_cash",
            )
        else:
            balances[fund] -= movement.amount
        entries.append(
            LedgerEntry(
                group=group,
                cycle=cycle,
                meeting=meeting,
                sequence=last + index,
                moved_on=day,
                kind=movement.kind,
                fund=fund,
                amount=movement.amount,
                balance_after=balances[fund],
                member=movement.member,
                loan=movement.loan,
                shares=movement.shares,
                fine_reason=movement.fine_reason,
                grant_reason=movement.grant_reason,
            )
        )
    LedgerEntry.objects.bulk_create(entries)
    group.loan_fund_cash = balances[Fund.LOAN]
    group.social_fund_cash = balances[Fund.SOCIAL]
    group.ledger_version += 1
    group.save(update_fields=["loan_fund_cash", "social_fund_cash", "ledger_version"])
    figures_changed(group.project_id)
    check_reconciled(group)
    return entries


def fund_totals(group_id: int) -> dict[str, tuple[int, int]]:
    """What came into and went out of each fund over the group's whole ledger."""
    totals = {fund: [0, 0] for fund in Fund.values}
    rows = (
        LedgerEntry.objects.filter(group_id=group_id)
        .values("fund", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        totals[row["fund"]][0 if row["kind"] in MONEY_IN else 1] += row["total"]
    return {fund: (money_in, money_out) for fund, (money_in, money_out) in totals.items()}


def check_reconciled(group: SavingsGroup) -> None:
    """Each fund's balance is what came in less what went out; else LedgerOutOfBalanceError."""
    for fund, (money_in, money_out) in fund_totals(group.pk).items():
        held = getattr(group, _balance_field(fund))
        if held != money_in - money_out:
            raise LedgerOutOfBalanceError(
                f"savings group {group.pk}: the {fund} fund holds {held}, "
                f"its entries say {money_in - money_out}"
            )
