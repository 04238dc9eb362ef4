from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows


def memberships_for(user: Any) -> list[Membership]:
    """The user's active memberships, cached on the user object for the request."""
    cached: list[Membership] | None = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        user._active_memberships = cached
    return cached


def access_membership(user: Any, org_slug: str, perm: Perm) -> Membership:
    """The user's membership in the organisation, if it grants `perm`.

    Someone outside the organisation gets 404, exactly as if it did not exist; a member whose
    role does not allow the action gets 403.
    """
    for membership in memberships_for(user):
        if membership.organisation.slug == org_slug:
            if not role_allows(membership.role, perm):
                raise PermissionDenied
            return membership
    raise Http404


def members_of(organisation_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
