"""The share-out at the end of a cycle: the loan fund shared among the members by their
shares, and the cycle closed."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.livelihood.events import LivelihoodEvent

from .. import ledger
from ..ledger import Movement
from ..models import (
    Cycle,
    CycleStatus,
    EntryKind,
    GroupMember,
    Loan,
    LoanStatus,
    Meeting,
)
from ..selectors import (
    share_out_preview,
)
from ._common import (
    _audit,
    _check_count,
    _refuse_stale_ledger,
)
from .meetings import _check_meeting_day


@transaction.atomic
def cycle_share_out(
    *,
    actor: Actor,
    cycle: Cycle,
    held_on: datetime.date,
    cash_counted: int | None = None,
    expected_ledger_version: int | None = None,
) -> Cycle:
    """End the cycle: every loan repaid, the loan fund is divided among the members who stayed
    in proportion to their shares (`rules.share_out`), at a share-out meeting. The social fund
    stays in the box for the next cycle, and so do the few đồng rounding leaves."""
    group = ledger.locked_group(cycle.group_id)
    current = Cycle.objects.select_for_update().get(pk=cycle.pk)
    _refuse_stale_ledger(group, expected_ledger_version)
    last = _check_meeting_day(current, held_on)
    owing = Loan.objects.filter(cycle=current, status=LoanStatus.ACTIVE).count()
    if owing:
        raise ValidationError(
            _("%(count)s loans are not repaid yet: every loan is repaid before the share-out.")
            % {"count": owing},
            code="loans_outstanding",
        )
    result = share_out_preview(current)
    meeting = Meeting(
        cycle=current,
        number=last.number + 1 if last else 1,
        held_on=held_on,
        is_share_out=True,
        cash_counted=cash_counted,
        loan_fund_after=group.loan_fund_cash,
        social_fund_after=group.social_fund_cash,
        recorded_by_id=actor.user_id,
    )
    meeting.save(force_insert=True)
    members = GroupMember.objects.in_bulk(list(result.payouts))
    movements = [
        Movement(kind=EntryKind.SHARE_OUT, amount=amount, member=members[member_id])
        for member_id, amount in sorted(
            result.payouts.items(), key=lambda item: members[item[0]].number
        )
        if amount
    ]
    if movements:
        ledger.post(group=group, cycle=current, meeting=meeting, movements=movements)
    _check_count(group, cash_counted)
    meeting.loan_fund_after = group.loan_fund_cash
    meeting.social_fund_after = group.social_fund_cash
    meeting.save(update_fields=["loan_fund_after", "social_fund_after"])
    current.status = CycleStatus.SHARED_OUT
    current.ended_on = held_on
    current.share_out_fund = result.fund
    current.share_out_shares = result.total_shares
    current.share_out_remainder = result.remainder
    current.version += 1
    current.save(
        update_fields=[
            "status",
            "ended_on",
            "share_out_fund",
            "share_out_shares",
            "share_out_remainder",
            "version",
        ]
    )
    _audit(
        LivelihoodEvent.SHARED_OUT,
        actor=actor,
        group=group,
        target=current,
        number=current.number,
        fund=result.fund,
        shares=result.total_shares,
    )
    return current
