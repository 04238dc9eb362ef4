"""What accounts asks of the apps above it, filled in their `AppConfig.ready()`.

Accounts sits below organisations, so it cannot ask who administers a member. When an account
needs its overseers told (guessed passwords), it asks the lookups registered here: organisations
registers "the administrators of every organisation the account is an active member of".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

OverseersLookup = Callable[[Any], Iterable[Any]]

_overseer_lookups: list[OverseersLookup] = []


def register_account_overseers(lookup: OverseersLookup) -> None:
    """Add a lookup from an account to the users who should hear about its security."""
    if lookup not in _overseer_lookups:
        _overseer_lookups.append(lookup)


def account_overseers(user: Any) -> list[Any]:
    """Everyone the registered lookups name for `user`, once each, never `user` themself."""
    found: dict[Any, Any] = {}
    for lookup in _overseer_lookups:
        for overseer in lookup(user):
            if overseer.pk != user.pk:
                found.setdefault(overseer.pk, overseer)
    return list(found.values())
