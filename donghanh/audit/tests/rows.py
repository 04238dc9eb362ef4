"""Audit rows for the audit app's own tests: signing in and out, with a note to tell them apart."""

from __future__ import annotations

from typing import Any

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor


class RowEvent(AuditEvent):
    SIGNED_IN = "test_audit.signed_in", AuditAction.LOGIN, "%(note)s"
    SIGNED_OUT = "test_audit.signed_out", AuditAction.LOGOUT, "%(note)s"


def row(
    event: RowEvent = RowEvent.SIGNED_IN,
    *,
    user: Any = None,
    name: str = "",
    organisation: Any = None,
    note: str = "",
) -> AuditEntry:
    """One row by `user`, or by the name of someone not signed in, noting `note`."""
    actor = Actor(user=user, name=name, organisation=organisation)
    return audit_record(event=event, actor=actor, details={"note": note})
