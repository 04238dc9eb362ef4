"""The one place audit rows are written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import translation

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.actor import client_ip as client_ip

_NO_ORGANISATION: Any = object()


# One transaction with the change it records: joined, never a savepoint of its own (a savepoint
# per row would cost two statements on every write).
@transaction.atomic(savepoint=False)
def audit_record(
    *,
    event: AuditEvent | None = None,
    actor: Actor | Any = None,
    target: models.Model | None = None,
    organisation: models.Model | None = _NO_ORGANISATION,
    changed_fields: Iterable[str] = (),
    details: Mapping[str, Any] | None = None,
    # Until every service takes a typed actor and an event (the house issue):
    action: AuditAction | None = None,
    request: HttpRequest | None = None,
    summary: str = "",
    actor_username: str = "",
) -> AuditEntry:
    """Append one audit row. Call it inside the same transaction as the change it records.

    `event` says what happened; `details` (numbers and codes, never a name or a typed value)
    fill its label, which the log shows in the reader's language. The row is written in the
    log of `organisation`, by default the organisation the actor acts for.
    """
    if not isinstance(actor, Actor):
        actor = _legacy_actor(actor, request, actor_username)
    if organisation is _NO_ORGANISATION:
        organisation = actor.organisation
    details = dict(details or {})
    if event is not None:
        action = event.action
        with translation.override("en"):
            summary = event.describe(details)
    if action is None:
        raise TypeError("audit_record needs an event")
    return AuditEntry.objects.create(
        actor_id=actor.user_id,
        actor_username=actor.username,
        organisation_id=getattr(organisation, "pk", None),
        action=action,
        event=event.code if event is not None else "",
        details=details,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        changed_fields=sorted(changed_fields),
        ip_address=actor.ip_address,
        user_agent=actor.user_agent[:300],
    )


def _legacy_actor(user: Any, request: HttpRequest | None, username: str) -> Actor:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return Actor(
        user=user,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "") if request is not None else "",
        name=username,
    )
