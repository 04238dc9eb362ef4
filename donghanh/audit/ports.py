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


# From an organisation's id and a case number (as typed) to the id of that organisation's case
# with that number, or None: filled by the cases app.
CaseNumberLookup = Callable[[int, str], int | None]

_case_number_lookup: CaseNumberLookup | None = None


def register_case_number_lookup(lookup: CaseNumberLookup) -> None:
    """Set the lookup from an organisation's id and a case number to its case's id."""
    global _case_number_lookup
    _case_number_lookup = lookup


def case_id_for_number(organisation_id: int, number: str) -> int | None:
    """The id of the organisation's own case numbered `number`; None for a number that names
    no case of the organisation (whether or not another organisation has one), or when no
    lookup is registered."""
    if _case_number_lookup is None or not number.strip():
        return None
    return _case_number_lookup(organisation_id, number.strip())
