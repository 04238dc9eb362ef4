"""What the audit app asks of the apps above it, filled in their `AppConfig.ready()`.

Audit sits below organisations, so it cannot tell who belongs to an organisation. An
organisation's log also shows the account events (sign-ins, password changes…) of its members,
but only those of the time they were members; to find them it asks the lookup registered here:
organisations registers "when each user was a member of the organisation". Without one, an
organisation's log shows its own rows only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

# From an organisation's id to querysets of membership periods, each row with `user_id`,
# `username`, `started_at` and `ended_at` (None while the period lasts).
PeriodsLookup = Callable[[int], list[QuerySet[Any]]]

_periods_lookup: PeriodsLookup | None = None


def register_membership_periods(lookup: PeriodsLookup) -> None:
    """Set the lookup from an organisation's id to its membership periods."""
    global _periods_lookup
    _periods_lookup = lookup


def membership_periods(organisation_id: int) -> list[QuerySet[Any]] | None:
    """When each user was a member of the organisation, or None if no lookup is registered."""
    if _periods_lookup is None:
        return None
    return _periods_lookup(organisation_id)
