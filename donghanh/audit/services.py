"""The one place audit rows are written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import translation

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor

_NO_ORGANISATION: Any = object()


def audit_record(
    *,
    event: AuditEvent,
    actor: Actor,
    target: models.Model | None = None,
    organisation: models.Model | None = _NO_ORGANISATION,
    changed_fields: Iterable[str] = (),
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row. Call it inside the same transaction as the change it records.

    `event` says what happened; `details` (numbers and codes, never a name or a typed value)
    fill its label, which the log shows in the reader's language. The row is written in the
    log of `organisation`, by default the organisation the actor acts for.
    """
    if not isinstance(event, AuditEvent):
        raise TypeError("audit_record needs a typed event (an AuditEvent member)")
    if not isinstance(actor, Actor):
        raise TypeError("audit_record needs a typed actor (donghanh.core.actor.Actor)")
    if organisation is _NO_ORGANISATION:
        organisation = actor.organisation
    details = dict(details or {})
    with translation.override("en"):
        # The stored summary keeps the codes: it reads the same whoever reads it later, and
        # the log page describes the row afresh in its reader's language.
        summary = event.describe(details, codes=True)
    # One transaction with the change it records: joined, never a savepoint of its own (a
    # savepoint per row would cost two statements on every write). A refused call above never
    # reaches it, so it cannot spoil the caller's transaction.
    with transaction.atomic(savepoint=False):
        return _write(
            event=event,
            actor=actor,
            target=target,
            organisation=organisation,
            changed_fields=changed_fields,
            details=details,
            summary=summary,
        )


@dataclass(frozen=True)
class AuditItem:
    """One row of `audit_record_many`: what `audit_record` takes besides the event and actor."""

    target: models.Model | None = None
    changed_fields: Sequence[str] = ()
    details: Mapping[str, Any] = field(default_factory=dict)


def audit_record_many(
    *,
    event: AuditEvent,
    actor: Actor,
    items: Sequence[AuditItem],
    organisation: models.Model | None = _NO_ORGANISATION,
) -> list[AuditEntry]:
    """Append one audit row per item, all of one event, in as few statements as the database
    takes: the rows `audit_record` would write for each, for services that write many records
    at once (an import). Call it inside the same transaction as the changes it records."""
    if not isinstance(event, AuditEvent):
        raise TypeError("audit_record_many needs a typed event (an AuditEvent member)")
    if not isinstance(actor, Actor):
        raise TypeError("audit_record_many needs a typed actor (donghanh.core.actor.Actor)")
    if organisation is _NO_ORGANISATION:
        organisation = actor.organisation
    rows = []
    with translation.override("en"):
        for item in items:
            details = dict(item.details)
            rows.append(
                _entry(
                    event=event,
                    actor=actor,
                    target=item.target,
                    organisation=organisation,
                    changed_fields=item.changed_fields,
                    details=details,
                    summary=event.describe(details, codes=True),
                )
            )
    with transaction.atomic(savepoint=False):
        return AuditEntry.objects.bulk_create(rows, batch_size=1000)


def _write(
    *,
    event: AuditEvent,
    actor: Actor,
    target: models.Model | None,
    organisation: models.Model | None,
    changed_fields: Iterable[str],
    details: dict[str, Any],
    summary: str,
) -> AuditEntry:
    entry = _entry(
        event=event,
        actor=actor,
        target=target,
        organisation=organisation,
        changed_fields=changed_fields,
        details=details,
        summary=summary,
    )
    entry.save(force_insert=True)
    return entry


def _entry(
    *,
    event: AuditEvent,
    actor: Actor,
    target: models.Model | None,
    organisation: models.Model | None,
    changed_fields: Iterable[str],
    details: dict[str, Any],
    summary: str,
) -> AuditEntry:
    return AuditEntry(
        actor_id=actor.user_id,
        actor_username=actor.username,
        organisation_id=getattr(organisation, "pk", None),
        action=event.action,
        event=event.code,
        details=details,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        changed_fields=sorted(changed_fields),
        ip_address=actor.ip_address,
        user_agent=actor.user_agent[:300],
    )
