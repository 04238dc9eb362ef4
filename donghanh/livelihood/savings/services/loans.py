"""Loans at a meeting: a request checked against the constitution and her savings, the loan
made with its schedule, and repayments applied to its instalments."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.core.templatetags.donghanh import vnd

from .. import rules
from ..ledger import Movement
from ..lines import LoanRequest, MeetingLine
from ..models import (
    Cycle,
    EntryKind,
    GroupMember,
    Loan,
    LoanInstalment,
    LoanPurpose,
    LoanStatus,
    Meeting,
)
from ._common import (
    _Plan,
)


def _check_loan_request(
    plan: _Plan,
    cycle: Cycle,
    line: MeetingLine,
    *,
    saved: int,
    owed_after: int,
    held_on: datetime.date,
) -> None:
    request = line.loan
    assert request is not None  # noqa: S101 (checked by the caller)
    member_id = line.member_id
    limit = rules.loan_limit(savings=saved, multiple=cycle.loan_multiple, cap=cycle.max_loan)
    if owed_after > 0:
        plan.refuse(
            member_id, "loan_amount", _("She repays her current loan before taking another.")
        )
    if request.amount <= 0:
        plan.refuse(member_id, "loan_amount", _("A loan is an amount above zero."))
    elif request.amount > limit:
        plan.refuse(
            member_id,
            "loan_amount",
            _(
                "At most %(limit)s: %(multiple)s times her savings of %(saved)s, and never "
                "more than %(cap)s."
            )
            % {
                "limit": vnd(limit),
                "multiple": cycle.loan_multiple,
                "saved": vnd(saved),
                "cap": vnd(cycle.max_loan),
            },
        )
    if not 1 <= request.months <= cycle.max_loan_months:
        plan.refuse(
            member_id,
            "loan_months",
            _("A loan lasts from 1 to %(months)s months.") % {"months": cycle.max_loan_months},
        )
    elif rules.add_months(held_on, request.months) > cycle.planned_end_on:
        plan.refuse(
            member_id,
            "loan_months",
            _("Every loan is repaid before the share-out on %(day)s.")
            % {"day": date_format(cycle.planned_end_on, "SHORT_DATE_FORMAT")},
        )
    if request.purpose not in LoanPurpose.values:
        plan.refuse(member_id, "loan_purpose", _("Say what the loan is for."))


def _schedule(loan: Loan) -> list[rules.Instalment]:
    return [
        rules.Instalment(
            number=item.number, due_on=item.due_on, principal=item.principal, interest=item.interest
        )
        for item in loan.instalments.all()
    ]


def _repay(loan: Loan, amount: int, held_on: datetime.date) -> list[Movement]:
    """Apply a repayment to the loan; the entries it makes (interest, then principal)."""
    interest, principal = rules.split_payment(_schedule(loan), paid_before=loan.paid, amount=amount)
    loan.interest_repaid += interest
    loan.principal_repaid += principal
    fields = ["interest_repaid", "principal_repaid"]
    if loan.outstanding == 0:
        loan.status = LoanStatus.REPAID
        loan.repaid_on = held_on
        fields += ["status", "repaid_on"]
    loan.save(update_fields=fields)
    movements = []
    if interest:
        movements.append(
            Movement(kind=EntryKind.REPAID_INTEREST, amount=interest, member=loan.member, loan=loan)
        )
    if principal:
        movements.append(
            Movement(
                kind=EntryKind.REPAID_PRINCIPAL, amount=principal, member=loan.member, loan=loan
            )
        )
    return movements


def _lend(
    *, cycle: Cycle, meeting: Meeting, member: GroupMember, request: LoanRequest
) -> tuple[Loan, Movement]:
    schedule = rules.loan_schedule(
        principal=request.amount,
        monthly_rate_bp=cycle.interest_bp,
        months=request.months,
        disbursed_on=meeting.held_on,
    )
    loan = Loan(
        cycle=cycle,
        member=member,
        meeting=meeting,
        principal=request.amount,
        interest_bp=cycle.interest_bp,
        months=request.months,
        interest=sum(item.interest for item in schedule),
        purpose=request.purpose,
        disbursed_on=meeting.held_on,
        due_on=schedule[-1].due_on,
    )
    loan.save(force_insert=True)
    LoanInstalment.objects.bulk_create(
        LoanInstalment(
            loan=loan,
            number=item.number,
            due_on=item.due_on,
            principal=item.principal,
            interest=item.interest,
        )
        for item in schedule
    )
    return loan, Movement(kind=EntryKind.LOAN_MADE, amount=request.amount, member=member, loan=loan)
