"""Which organisation an API call is about, before the owning app's own access helper decides.

Pages name the organisation in their address (/app/o/<org>/…); API addresses do not, so an
endpoint first finds the organisation here and then calls the same `access_*` helper as the
page, with the same permission. The answers are the pages' answers: 404 for a record outside
the user's organisations (as if it did not exist), 403 when the role lacks the permission.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership, memberships_for


def api_memberships(user: Any, perm: Perm, organisation_slug: str = "") -> list[Membership]:
    """The memberships a list call covers.

    With `organisation_slug`, that organisation alone (404 outside it, 403 when the role
    lacks `perm`); without, every organisation where the user's role allows `perm`, and 403
    when there is none.
    """
    if organisation_slug:
        return [access_membership(user, organisation_slug, perm)]
    memberships = [m for m in memberships_for(user) if role_allows(m.role, perm)]
    if not memberships:
        raise PermissionDenied
    return memberships


def organisation_slug_of(
    user: Any,
    records: QuerySet[Any],
    pk: int,
    perm: Perm,
    owner_fields: tuple[str, ...] = ("organisation_id",),
) -> str:
    """The slug of the user's organisation that owns record `pk` of `records`.

    `records` must have an `organisation` foreign key, or name the foreign keys of the
    organisations involved in `owner_fields` (a referral: receiver first, then sender), of
    which the first that is one of the user's organisations is taken. A user whose roles allow
    `perm` nowhere gets 403 before any record is looked up, as on the pages; a record that is
    not in one of the user's organisations (or does not exist) is 404. The caller then passes
    the slug to the record's own access helper, which applies every finer rule.
    """
    memberships = memberships_for(user)
    if not any(role_allows(m.role, perm) for m in memberships):
        raise PermissionDenied
    slugs = {m.organisation_id: m.organisation.slug for m in memberships}
    mine = reduce(operator.or_, (Q(**{f"{field}__in": list(slugs)}) for field in owner_fields))
    owners = records.filter(mine, pk=pk).values_list(*owner_fields).first()
    if owners is None:
        raise Http404
    return next(slugs[owner] for owner in owners if owner in slugs)


def organisation_slugs(memberships: list[Membership]) -> dict[int, str]:
    """Organisation id → slug, for serializers that name a record's organisation."""
    return {m.organisation_id: m.organisation.slug for m in memberships}


def list_counts(
    memberships: list[Membership], found: QuerySet[Any], page: list[Any], total: int
) -> dict[int, tuple[int, int]]:
    """For the audit row of a list read: organisation id → (records on the page, matches in all).

    One organisation: the paginator's total; several: counted by organisation (one query).
    """
    if len(memberships) == 1:
        totals = {memberships[0].organisation_id: total}
    else:
        totals = dict(found.order_by().values_list("organisation_id").annotate(matches=Count("pk")))
    shown: dict[int, int] = {}
    for record in page:
        shown[record.organisation_id] = shown.get(record.organisation_id, 0) + 1
    return {
        m.organisation_id: (shown.get(m.organisation_id, 0), totals.get(m.organisation_id, 0))
        for m in memberships
    }
