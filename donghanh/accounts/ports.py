"""What accounts asks of the apps above it, filled in their `AppConfig.ready()`.

Accounts sits below organisations, so it cannot ask who administers a member. When an account
needs its overseers told (guessed passwords), it asks the lookups registered here: organisations
registers "the administrators of every organisation the account is an active member of".

The system administration page of a user shows what the apps above hold about that account
(organisations: their memberships) through the inlines registered here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.admin.options import InlineModelAdmin

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


_user_admin_inlines: list[type[InlineModelAdmin]] = []


def register_user_admin_inline(inline: type[InlineModelAdmin]) -> None:
    """Add an inline (read-only, of an app above accounts) to the administration of a user."""
    if inline not in _user_admin_inlines:
        _user_admin_inlines.append(inline)


def user_admin_inlines() -> list[type[InlineModelAdmin]]:
    """The inlines the apps above accounts registered, in the order they were registered."""
    return list(_user_admin_inlines)
