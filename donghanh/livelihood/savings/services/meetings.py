"""A meeting: everything handed over at it, checked member by member, then posted to the
ledger in one go."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.core.idempotency import once
from donghanh.core.templatetags.donghanh import vnd
from donghanh.livelihood.events import LivelihoodEvent

from .. import ledger
from ..ledger import Movement
from ..lines import MeetingLine
from ..models import (
    AT_THE_MEETING,
    Attendance,
    AttendanceStatus,
    Cycle,
    EntryKind,
    FineReason,
    GrantReason,
    Loan,
    LoanStatus,
    Meeting,
)
from ..selectors import (
    meeting_members,
    shares_in_cycle,
)
from ._common import (
    _audit,
    _check_count,
    _Plan,
    _refuse_stale_ledger,
)
from .loans import _check_loan_request, _lend, _repay


def _check_meeting_day(cycle: Cycle, held_on: datetime.date) -> Meeting | None:
    if not cycle.is_open:
        raise ValidationError(_("This cycle has been shared out: it has no more meetings."))
    if held_on < cycle.started_on:
        raise ValidationError({"held_on": _("The meeting cannot be before the cycle started.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The meeting date cannot be in the future.")})
    last = Meeting.objects.filter(cycle=cycle).order_by("-number").first()
    if last is not None and held_on <= last.held_on:
        raise ValidationError(
            {
                "held_on": _("Meetings are recorded in order: the last one was on %(day)s.")
                % {"day": date_format(last.held_on, "SHORT_DATE_FORMAT")}
            }
        )
    return last


def _check_line(
    plan: _Plan,
    cycle: Cycle,
    line: MeetingLine,
    *,
    saved: int,
    loan: Loan | None,
    held_on: datetime.date,
) -> None:
    member_id = line.member_id
    if line.attendance not in AttendanceStatus.values:
        plan.refuse(member_id, "attendance", _("Say whether she came."))
        return
    if line.attendance not in AT_THE_MEETING:
        if line.hands_over_money:
            plan.refuse(
                member_id,
                "attendance",
                _("She was absent and sent nobody: no money can change hands for her."),
            )
        return
    if line.shares and not cycle.min_shares <= line.shares <= cycle.max_shares:
        plan.refuse(
            member_id,
            "shares",
            _("Between %(low)s and %(high)s shares at a meeting.")
            % {"low": cycle.min_shares, "high": cycle.max_shares},
        )
    if not line.shares and cycle.min_shares:
        plan.refuse(
            member_id,
            "shares",
            _("Every member at the meeting buys at least %(low)s shares.")
            % {"low": cycle.min_shares},
        )
    still_owed = loan.outstanding if loan is not None else 0
    if line.repayment < 0:
        plan.refuse(member_id, "repayment", _("A repayment is an amount above zero."))
    elif line.repayment > still_owed:
        plan.refuse(
            member_id,
            "repayment",
            _("She owes %(owed)s: she cannot repay more.") % {"owed": vnd(still_owed)},
        )
    for fine in line.fines:
        if fine.reason not in FineReason.values or fine.amount <= 0:
            plan.refuse(
                member_id, "fine_reason", _("Choose the reason for the fine and its amount.")
            )
    if line.grant is not None and (
        line.grant.amount <= 0 or line.grant.reason not in GrantReason.values
    ):
        plan.refuse(member_id, "grant_amount", _("Give the amount of the grant and its reason."))
    if line.loan is not None:
        _check_loan_request(
            plan, cycle, line, saved=saved, owed_after=still_owed - line.repayment, held_on=held_on
        )


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    cycle: Cycle,
    held_on: datetime.date,
    lines: Sequence[MeetingLine],
    cash_counted: int | None = None,
    expected_ledger_version: int | None = None,
    idempotency_key: str = "",
) -> Meeting:
    """Record a whole meeting in one pass, in the order the group holds it: attendance, social
    fund contributions, shares, repayments, fines, grants, then new loans from what the box
    holds by then. Nothing is saved unless all of it is valid and, when the money counters
    counted the box, their count equals the records."""

    def create() -> Meeting:
        group = ledger.locked_group(cycle.group_id)
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _refuse_stale_ledger(group, expected_ledger_version)
        last = _check_meeting_day(current, held_on)
        members = {member.pk: member for member in meeting_members(current, held_on)}
        by_member = {line.member_id: line for line in lines}
        if len(by_member) != len(lines) or set(by_member) != set(members):
            raise ValidationError(
                _("The meeting lists every member of the group once: open the page again."),
                code="members_changed",
            )
        loans = {
            loan.member_id: loan
            for loan in Loan.objects.filter(
                member_id__in=members, status=LoanStatus.ACTIVE
            ).prefetch_related("instalments")
        }
        saved_before = shares_in_cycle(current)
        plan = _Plan()
        for line in lines:
            saved = (saved_before.get(line.member_id, 0) + line.shares) * current.share_price
            _check_line(
                plan, current, line, saved=saved, loan=loans.get(line.member_id), held_on=held_on
            )
        if plan.errors:
            raise ValidationError(plan.errors)

        meeting = Meeting(
            cycle=current,
            number=last.number + 1 if last else 1,
            held_on=held_on,
            cash_counted=cash_counted,
            loan_fund_after=group.loan_fund_cash,
            social_fund_after=group.social_fund_cash,
            recorded_by_id=actor.user_id,
        )
        meeting.save(force_insert=True)
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member_id=line.member_id, status=line.attendance)
            for line in lines
        )
        ordered = sorted(lines, key=lambda line: members[line.member_id].number)
        movements: list[Movement] = []
        for line in ordered:
            if line.social and current.social_contribution:
                movements.append(
                    Movement(
                        kind=EntryKind.SOCIAL_CONTRIBUTION,
                        amount=current.social_contribution,
                        member=members[line.member_id],
                    )
                )
        for line in ordered:
            if line.shares:
                movements.append(
                    Movement(
                        kind=EntryKind.SHARES,
                        amount=line.shares * current.share_price,
                        member=members[line.member_id],
                        shares=line.shares,
                    )
                )
        for line in ordered:
            if line.repayment:
                movements += _repay(loans[line.member_id], line.repayment, held_on)
        for line in ordered:
            movements += [
                Movement(
                    kind=EntryKind.FINE,
                    amount=fine.amount,
                    member=members[line.member_id],
                    fine_reason=fine.reason,
                )
                for fine in line.fines
            ]
        for line in ordered:
            if line.grant is not None:
                movements.append(
                    Movement(
                        kind=EntryKind.SOCIAL_GRANT,
                        amount=line.grant.amount,
                        member=members[line.member_id],
                        grant_reason=line.grant.reason,
                    )
                )
        for line in ordered:
            if line.loan is not None:
                _loan, movement = _lend(
                    cycle=current,
                    meeting=meeting,
                    member=members[line.member_id],
                    request=line.loan,
                )
                movements.append(movement)
        if movements:
            ledger.post(group=group, cycle=current, meeting=meeting, movements=movements)
        else:
            group.ledger_version += 1
            group.save(update_fields=["ledger_version"])
        _check_count(group, cash_counted)
        meeting.loan_fund_after = group.loan_fund_cash
        meeting.social_fund_after = group.social_fund_cash
        meeting.save(update_fields=["loan_fund_after", "social_fund_after"])
        money_in = sum(m.amount for m in movements if m.kind not in _OUT)
        _audit(
            LivelihoodEvent.MEETING_RECORDED,
            actor=actor,
            group=group,
            target=meeting,
            number=meeting.number,
            present=sum(1 for line in lines if line.attendance in AT_THE_MEETING),
            members=len(lines),
            money_in=money_in,
            money_out=sum(m.amount for m in movements) - money_in,
        )
        ledger.figures_changed(group.project_id)
        return meeting

    meeting, _created = once(
        actor=actor, scope=f"savings-meeting:{cycle.pk}", key=idempotency_key, create=create
    )
    return meeting


_OUT = frozenset(
    {EntryKind.LOAN_MADE, EntryKind.SOCIAL_GRANT, EntryKind.SAVINGS_RETURNED, EntryKind.SHARE_OUT}
)
