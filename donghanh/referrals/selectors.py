"""Reads of referrals: who may open one, the lists, the snapshot the receiver reads.

`access_referral` is the one way to fetch a referral for a user. The sender's members reach
it through the case (only while they may see the case); the receiver's members with
Perm.VIEW_CASES reach it as receivers, and read only its snapshot, and only while the
person's consent to sharing with their organisation is in force.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import ngettext

from donghanh.cases.models import Case
from donghanh.cases.selectors import cases_visible_to
from donghanh.core.queries import CompiledRead
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people.models import Consent
from donghanh.people.selectors import consent_is_active
from donghanh.referrals.models import (
    DEFAULT_RESPONSE_DAYS,
    Referral,
    ReferralPolicy,
    ReferralStatus,
)


@dataclass(frozen=True)
class ReferralAccess:
    membership: Membership
    referral: Referral
    is_sender: bool

    @property
    def is_receiver(self) -> bool:
        return not self.is_sender


def response_days_for(organisation: Organisation) -> int:
    """Days the receiver has to accept or decline the organisation's referrals."""
    policy = ReferralPolicy.objects.filter(organisation=organisation).first()
    return policy.response_days if policy is not None else DEFAULT_RESPONSE_DAYS


def overdue_filter(now: datetime.datetime | None = None) -> Q:
    """Referrals the receiver has neither accepted nor declined by their due time."""
    return Q(status=ReferralStatus.SENT, due_at__lt=now or timezone.now())


def unfinished_referrals(case: Case) -> list[str]:
    """The case's referrals still open (the cases app's closure check): sent by the case's
    organisation and neither answered nor, once accepted, completed by the receiver."""
    open_referrals = list(
        Referral.objects.filter(
            case=case,
            from_organisation_id=case.organisation_id,
            status__in=(ReferralStatus.SENT, ReferralStatus.ACCEPTED),
        ).select_related("to_organisation")
    )
    if not open_referrals:
        return []
    receivers = sorted({referral.to_organisation.local_name for referral in open_referrals})
    return [
        ngettext(
            "A referral to %(receivers)s is still open: cancel it if it is not yet answered, "
            "or ask the receiver to complete or decline it.",
            "Referrals to %(receivers)s are still open: cancel those not yet answered, or ask "
            "the receivers to complete or decline them.",
            len(open_referrals),
        )
        % {"receivers": ", ".join(receivers)}
    ]


def is_overdue(referral: Referral, now: datetime.datetime | None = None) -> bool:
    return referral.status == ReferralStatus.SENT and referral.due_at < (now or timezone.now())


def sharing_allowed(referral: Referral) -> bool:
    """Whether the person's consent to sharing with the receiver is in force today."""
    return consent_is_active(
        referral.case.person, Consent.Purpose.SHARING, referral.to_organisation
    )


def every_referral() -> QuerySet[Referral]:
    """Every referral, unread: the API finds in it which of the user's organisations a referral
    belongs to before `access_referral` opens it."""
    return Referral.objects.all()


def access_referral(user: Any, org_slug: str, referral_id: int, perm: Perm) -> ReferralAccess:
    """The referral, for a member of the sending organisation who may open its case, or for a
    member of the receiving organisation whose role has Perm.VIEW_CASES; 404 for anyone else.
    """
    membership = access_membership(user, org_slug, perm)
    if not role_allows(membership.role, Perm.VIEW_CASES):
        raise PermissionDenied
    referrals = Referral.objects.select_related(
        "from_organisation", "to_organisation", "to_provider", "case__person", "sent_by"
    )
    organisation_id = membership.organisation_id
    try:
        referral = referrals.get(
            Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id),
            pk=referral_id,
        )
    except Referral.DoesNotExist:
        raise Http404 from None
    if referral.from_organisation_id == organisation_id:
        if not cases_visible_to(membership).filter(pk=referral.case_id).exists():
            raise Http404
        return ReferralAccess(membership, referral, is_sender=True)
    return ReferralAccess(membership, referral, is_sender=False)


def shared_snapshot(referral: Referral) -> dict[str, Any] | None:
    """What was shared, for the receiver; None once consent to sharing is no longer in force."""
    if not referral.snapshot or not sharing_allowed(referral):
        return None
    data: dict[str, Any] = json.loads(referral.snapshot)
    return data


def referrals_out(
    membership: Membership, *, status: str = "", overdue: bool = False
) -> QuerySet[Referral]:
    """The organisation's referrals of the cases the member may see."""
    referrals = Referral.objects.filter(
        from_organisation_id=membership.organisation_id,
        case__in=cases_visible_to(membership).values("pk"),
    )
    return _filtered(referrals, status=status, overdue=overdue)


def referrals_in(
    membership: Membership, *, status: str = "", overdue: bool = False
) -> QuerySet[Referral]:
    """Every referral the member's organisation has received (their snapshots stay behind
    the consent check of `shared_snapshot`)."""
    referrals = Referral.objects.filter(to_organisation_id=membership.organisation_id)
    return _filtered(referrals, status=status, overdue=overdue)


def _filtered(referrals: QuerySet[Referral], *, status: str, overdue: bool) -> QuerySet[Referral]:
    if status:
        referrals = referrals.filter(status=status)
    if overdue:
        referrals = referrals.filter(overdue_filter())
    return referrals.select_related("from_organisation", "to_organisation", "case").only(
        "kind",
        "domain",
        "status",
        "due_at",
        "sent_at",
        "from_organisation__name",
        "from_organisation__name_en",
        "from_organisation__slug",
        "to_organisation__name",
        "to_organisation__name_en",
        "to_organisation__slug",
        "case__number",
    )


def _referrals_of_case(organisation_id: int, case_id: int) -> QuerySet[Referral]:
    involved = Q(from_organisation_id=organisation_id) | Q(to_organisation_id=organisation_id)
    # What the case page shows: not the message, the answers nor the encrypted snapshot; of
    # the organisations, their names (`local_name`).
    return (
        Referral.objects.filter(involved, case_id=case_id)
        .select_related("to_organisation", "from_organisation")
        .only(
            "case_id",
            "kind",
            "domain",
            "status",
            "sent_at",
            "to_organisation__name",
            "to_organisation__name_en",
            "from_organisation__name",
            "from_organisation__name_en",
        )
        .order_by("-sent_at", "-id")
    )


# Compiled once per process: the case page reads it on every request (donghanh.core.queries).
_case_referrals = CompiledRead(_referrals_of_case)


def referrals_of_case(case: Case, organisation: Organisation) -> list[Referral]:
    """The case's referrals and transfers that the organisation sent or received (one query);
    after a transfer, the new owner does not see the old owner's others."""
    return _case_referrals(organisation.pk, case.pk)


# What the case page reads of referrals (run with its other reads, `donghanh.core.sections`).
CASE_PAGE_READS: dict[str, CompiledRead[Any]] = {"referrals": _case_referrals}


def case_section(
    membership: Membership, case: Case, rows: dict[str, list[Any]] | None = None
) -> dict[str, Any]:
    """The case page's referrals section: the rows of `CASE_PAGE_READS`, read here without
    them."""
    if rows is None:
        return {"referrals": referrals_of_case(case, membership.organisation)}
    return {"referrals": rows["referrals"]}
