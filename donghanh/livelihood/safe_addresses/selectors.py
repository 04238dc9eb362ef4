"""Reads of safe addresses: the organisation's own staff who work on cases see them (view
cases), and change them (edit cases); anyone else gets 404, other roles 403."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from donghanh.cases.models import Case
from donghanh.core.queries import CompiledRead
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


def may_see_placements(membership: Membership, case: Case) -> bool:
    """Only the organisation's own staff on cases see a case's emergency placements (the same
    people who may read its safe addresses)."""
    return role_allows(membership.role, Perm.VIEW_CASES) and (
        case.organisation_id == membership.organisation_id
    )


# The case page's read of a case's placements at the organisation's places, with the place's
# name only (its address and contacts stay encrypted, not read), compiled once per process.
case_placements = CompiledRead(
    lambda case_id, organisation_id: (
        SafePlacement.objects.filter(case_id=case_id, place__organisation_id=organisation_id)
        .select_related("place")
        .only("case_id", "place", "arrived_on", "nights", "place__name")
    )
)


def placements_of_case(membership: Membership, case: Case) -> list[SafePlacement]:
    """The case's emergency placements, latest first, with their places' names, for the case
    page: one query however many there are. Only the organisation's own staff on cases see them
    (`may_see_placements`), and only its own places."""
    if not may_see_placements(membership, case):
        return []
    return case_placements(case.pk, membership.organisation_id)
