"""What the audit app asks of the apps above it, filled in their `AppConfig.ready()`.

Audit sits below organisations, so it cannot tell who belongs to an organisation. An
organisation's log also shows the account events (sign-ins, password changes…) of its members;
to find them it asks the lookup registered here: organisations registers "every user who is or
was a member of the organisation". Without one, an organisation's log shows its own rows only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

MembersLookup = Callable[[int], QuerySet[Any]]

_members_lookup: MembersLookup | None = None


def register_organisation_members(lookup: MembersLookup) -> None:
    """Set the lookup from an organisation's id to its members' user accounts (a queryset)."""
    global _members_lookup
    _members_lookup = lookup


def organisation_members(organisation_id: int) -> QuerySet[Any] | None:
    """The user accounts of the organisation's members, or None if no lookup is registered."""
    if _members_lookup is None:
        return None
    return _members_lookup(organisation_id)
