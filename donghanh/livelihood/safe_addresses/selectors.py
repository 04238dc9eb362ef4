"""Reads of safe addresses: the organisation's own staff who work on cases see them (view
cases), and change them (edit cases); anyone else gets 404, other roles 403."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from donghanh.cases.models import Case
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership

from .models import SafeAddress, SafePlacement

# A place not visited for this long is flagged: check that it is still safe.
CHECK_EVERY = datetime.timedelta(days=180)


class SafeAddressAccess(NamedTuple):
    membership: Membership
    place: SafeAddress

    @property
    def may_edit(self) -> bool:
        return role_allows(self.membership.role, Perm.EDIT_CASES)


def access_safe_addresses(user: Any, org_slug: str, perm: Perm) -> Membership:
    return access_membership(user, org_slug, perm)


def access_safe_address(user: Any, org_slug: str, place_id: int, perm: Perm) -> SafeAddressAccess:
    membership = access_membership(user, org_slug, perm)
    place = (
        SafeAddress.objects.select_related("organisation", "commune__province")
        .filter(organisation_id=membership.organisation_id, pk=place_id)
        .first()
    )
    if place is None:
        raise Http404
    return SafeAddressAccess(membership, place)


def safe_addresses_of(organisation_id: int) -> QuerySet[SafeAddress]:
    return SafeAddress.objects.filter(organisation_id=organisation_id).select_related(
        "commune__province"
    )


def check_due(place: SafeAddress) -> bool:
    return place.last_checked_on < timezone.localdate() - CHECK_EVERY


def placements_of_case(membership: Membership, case: Case) -> list[SafePlacement]:
    """The case's emergency placements, latest first, with their places, for the case page:
    one query however many there are. Only the organisation's own staff on cases see them (the
    same people who may read its safe addresses), and only its own places."""
    if not role_allows(membership.role, Perm.VIEW_CASES) or (
        case.organisation_id != membership.organisation_id
    ):
        return []
    return list(
        SafePlacement.objects.filter(
            case=case, place__organisation_id=membership.organisation_id
        ).select_related("place")
    )
