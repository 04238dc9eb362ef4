"""Who acts: the typed actor every service takes instead of a user plus a request.

An `Actor` is built once per request (`request_actor`) from the signed-in user, the client's
address and browser, and is narrowed to the organisation the act is done for with `within`.
Services never see the request: what the audit row needs travels in the actor. Loaders and
management commands act as a named system actor (`Actor.system`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.db.models import Model

_ON_REQUEST = "_donghanh_actor"


@dataclass(frozen=True, slots=True)
class Actor:
    """A person (or a named system process) acting, for an organisation, from an address.

    `user` is None for system actors and for acts before sign-in (a failed sign-in names the
    username it tried in `name`). `organisation` is the organisation the act is done for: the
    audit row is written in its log.
    """

    user: AbstractBaseUser | None = None
    organisation: Model | None = None
    ip_address: str | None = None
    user_agent: str = ""
    name: str = ""

    @classmethod
    def system(cls, name: str, *, organisation: Model | None = None) -> Actor:
        """A process acting on its own: a loader, a management command, a background job."""
        return cls(name=name, organisation=organisation)

    @classmethod
    def for_user(cls, user: AbstractBaseUser | Any, *, organisation: Model | None = None) -> Actor:
        """A user acting outside any request (a script, a test, a background job)."""
        if user is not None and not getattr(user, "is_authenticated", False):
            user = None
        return cls(user=user, organisation=organisation)

    def within(self, organisation: Model | None) -> Actor:
        """The same actor, acting for `organisation`."""
        if organisation is self.organisation:
            return self
        return replace(self, organisation=organisation)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def username(self) -> str:
        if self.user is not None:
            return str(self.user.get_username())
        return self.name[:150]

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)

    @property
    def organisation_id(self) -> int | None:
        return getattr(self.organisation, "pk", None)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, resolved the same way as the sign-in lockout resolves it."""
    if request is None:
        return None
    # Imported here, not at the top: django-axes reads the settings when it is imported.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def request_actor(request: HttpRequest, organisation: Model | None = None) -> Actor:
    """The actor of this request, built once and kept on the request, for `organisation`."""
    actor: Actor | None = getattr(request, _ON_REQUEST, None)
    if actor is None or actor.user is not _request_user(request):
        actor = Actor(
            user=_request_user(request),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )
        setattr(request, _ON_REQUEST, actor)
    return actor.within(organisation)


def _request_user(request: HttpRequest) -> AbstractBaseUser | None:
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user
