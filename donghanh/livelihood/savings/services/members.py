"""A group's members: joining, their details, the link with a case (with her consent), and
leaving the group with what she is owed."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.cases.models import Case
from donghanh.core.actor import Actor
from donghanh.core.editing import EditSpec
from donghanh.core.idempotency import once
from donghanh.core.templatetags.donghanh import vnd
from donghanh.core.text import plain_name
from donghanh.livelihood.events import LivelihoodEvent
from donghanh.people.models import Consent
from donghanh.people.selectors import consents_active_filter

from .. import ledger
from ..ledger import Movement
from ..models import (
    EntryKind,
    GroupMember,
    LeaveReason,
    Loan,
    LoanStatus,
    SavingsGroup,
)
from ..selectors import (
    shares_in_cycle,
)
from ._common import (
    _audit,
    _locked_for_edit,
    _open_cycle,
    _save_edit,
    _text,
)

MEMBER_EDITS = EditSpec.for_model(
    GroupMember, fields=("full_name", "phone", "joined_on"), purpose="savings-member-edit"
)


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    group: SavingsGroup,
    full_name: str,
    joined_on: datetime.date,
    phone: str = "",
    idempotency_key: str = "",
) -> GroupMember:
    """A woman joins the group: her name (and phone, if she wants) and the next number."""

    def create() -> GroupMember:
        locked = ledger.locked_group(group.pk)
        if not locked.is_active:
            raise ValidationError(_("This group has stopped: it takes no new members."))
        if joined_on < locked.formed_on:
            raise ValidationError({"joined_on": _("She cannot join before the group was formed.")})
        last = GroupMember.objects.filter(group=locked).aggregate(last=Max("number"))["last"]
        member = GroupMember(
            group=locked,
            number=(last or 0) + 1,
            full_name=plain_name(full_name),
            phone=_text(phone),
            joined_on=joined_on,
        )
        member.save(force_insert=True)
        _audit(
            LivelihoodEvent.MEMBER_ADDED,
            actor=actor,
            group=locked,
            target=member,
            number=member.number,
        )
        return member

    member, _created = once(
        actor=actor, scope=f"savings-member:{group.pk}", key=idempotency_key, create=create
    )
    return member


@transaction.atomic
def member_update(
    *,
    actor: Actor,
    member: GroupMember,
    expected_version: int,
    baseline: Mapping[str, str],
    **changes: Any,
) -> GroupMember:
    current = _locked_for_edit(
        MEMBER_EDITS, member, expected_version=expected_version, baseline=baseline, changes=changes
    )
    group = SavingsGroup.objects.select_related("organisation").get(pk=current.group_id)
    if "joined_on" in changes and changes["joined_on"] < group.formed_on:
        raise ValidationError({"joined_on": _("She cannot join before the group was formed.")})
    _save_edit(
        current,
        changes,
        LivelihoodEvent.MEMBER_UPDATED,
        actor=actor,
        group=group,
        number=current.number,
    )
    return current


def _link_consent(case: Case, on: datetime.date) -> Consent | None:
    """Her consent in force to linking her group membership with her case."""
    return (
        Consent.objects.filter(
            consents_active_filter(on),
            person_id=case.person_id,
            purpose=Consent.Purpose.SAVINGS_GROUP,
        )
        .order_by("-given_on", "-pk")
        .first()
    )


@transaction.atomic
def member_link_case(*, actor: Actor, member: GroupMember, case: Case) -> GroupMember:
    """Link the member with her case. The caller has opened the case with the right to edit
    it; the link needs her consent to it, recorded on her person page and in force today."""
    current = GroupMember.objects.select_for_update().select_related("group").get(pk=member.pk)
    if case.organisation_id != current.group.organisation_id:
        raise ValidationError(
            _("Only a case of the group's own organisation can be linked."),
            code="other_organisation",
        )
    consent = _link_consent(case, timezone.localdate())
    if consent is None:
        raise ValidationError(
            _(
                "She has not consented to linking her group membership with her case. Record "
                "her consent (purpose: link with her savings group membership) first."
            ),
            code="no_consent",
        )
    if GroupMember.objects.filter(group=current.group, case=case).exclude(pk=current.pk).exists():
        raise ValidationError(_("Another member of this group is already linked to this case."))
    current.case = case
    current.case_consent = consent
    current.version += 1
    current.save(update_fields=["case", "case_consent", "version"])
    _audit(
        LivelihoodEvent.MEMBER_LINKED,
        actor=actor,
        group=current.group,
        target=current,
        number=current.number,
        case=case.pk,
        consent=consent.pk,
    )
    ledger.figures_changed(current.group.project_id)
    return current


@transaction.atomic
def member_unlink_case(*, actor: Actor, member: GroupMember) -> GroupMember:
    current = GroupMember.objects.select_for_update().select_related("group").get(pk=member.pk)
    if current.case_id is None:
        return current
    current.case = None
    current.case_consent = None
    current.version += 1
    current.save(update_fields=["case", "case_consent", "version"])
    _audit(
        LivelihoodEvent.MEMBER_UNLINKED,
        actor=actor,
        group=current.group,
        target=current,
        number=current.number,
    )
    ledger.figures_changed(current.group.project_id)
    return current


@transaction.atomic
def member_leave(
    *, actor: Actor, member: GroupMember, left_on: datetime.date, reason: str
) -> GroupMember:
    """The member leaves. In a running cycle she gets back what she saved in it (her shares
    at the share price; the cycle's profit stays with those who stay to the share-out), once
    she owes nothing."""
    group = ledger.locked_group(member.group_id)
    current = GroupMember.objects.select_for_update().get(pk=member.pk)
    if current.left_on is not None:
        raise ValidationError(_("She has already left the group."))
    if reason not in LeaveReason.values:
        raise ValidationError({"reason": _("Choose why she leaves.")})
    if left_on < current.joined_on or left_on > timezone.localdate():
        raise ValidationError({"left_on": _("The date must be between her joining and today.")})
    loan = Loan.objects.filter(member=current, status=LoanStatus.ACTIVE).first()
    if loan is not None:
        raise ValidationError(
            _("She still owes %(amount)s on a loan: it is repaid before she leaves.")
            % {"amount": vnd(loan.outstanding)},
            code="loan_outstanding",
        )
    returned = 0
    cycle = _open_cycle(group)
    if cycle is not None:
        returned = shares_in_cycle(cycle).get(current.pk, 0) * cycle.share_price
        if returned:
            ledger.post(
                group=group,
                cycle=cycle,
                meeting=None,
                movements=[
                    Movement(kind=EntryKind.SAVINGS_RETURNED, amount=returned, member=current)
                ],
                moved_on=left_on,
            )
    current.left_on = left_on
    current.left_reason = reason
    current.version += 1
    current.save(update_fields=["left_on", "left_reason", "version"])
    _audit(
        LivelihoodEvent.MEMBER_LEFT,
        actor=actor,
        group=group,
        target=current,
        number=current.number,
        reason=reason,
        returned=returned,
    )
    return current
