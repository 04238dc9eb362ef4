from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest

from donghanh.audit.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from donghanh.organisations.models import Organisation


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, resolved the same way as the sign-in lockout resolves it."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address  # imported late: axes reads settings on import

    return get_client_ip_address(request) or None


def audit_record(
    *,
    action: AuditAction,
    actor: Any = None,
    request: HttpRequest | None = None,
    organisation: Organisation | None = None,
    target: models.Model | None = None,
    summary: str = "",
    changed_fields: Iterable[str] = (),
    actor_username: str = "",
) -> AuditEntry:
    """Append one audit row. Call it inside the same transaction as the change it records."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else actor_username[:150],
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        changed_fields=sorted(changed_fields),
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
    )
