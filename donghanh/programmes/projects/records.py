"""The steps every programme write shares, whatever its sub-domain: check the record, save it and
write its audit row under the project's implementing organisation, in the caller's transaction;
an edit made on an older version is refused.

Audit rows name the record by type and id and the project by id, never a name.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.programmes.events import ProgrammeEvent
from donghanh.programmes.projects.models import Project


def check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationError(_("The end date cannot be before the start date."))


def record_audit(
    event: ProgrammeEvent,
    *,
    target: models.Model,
    project: Project,
    actor: Actor,
    changed_fields: Iterable[str] = (),
    **details: Any,
) -> None:
    """The audit row of a write about `target`, a record of `project` (the project itself
    included), in the implementing organisation's log, naming the project by its number."""
    audit_record(
        event=event,
        actor=actor.within(project.implementing_organisation),
        target=target,
        changed_fields=changed_fields,
        details={"project": project.pk, **details},
    )


def clean(instance: models.Model, exclude: Sequence[str] = ()) -> None:
    """Django's model validation, its messages as one list without field names."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise ValidationError(error.messages) from None


def record_create(
    instance: models.Model,
    *,
    project: Project,
    actor: Actor,
    exclude: Sequence[str] = (),
    event: ProgrammeEvent = ProgrammeEvent.RECORD_ADDED,
) -> None:
    """Validate and save a new record of `project`, with its audit row (by default
    RECORD_ADDED)."""
    clean(instance, exclude)
    instance.save()
    record_audit(event, target=instance, project=project, actor=actor)


def check_version(instance: Any, expected_version: int) -> None:
    """Lock the stored row; refuse if it was saved since the editor read `expected_version`."""
    model = type(instance)
    current = model.objects.select_for_update().filter(pk=instance.pk).values("version").first()
    if current is None or current["version"] != expected_version:
        raise StaleEditError(
            changed_fields=(), current_version=current["version"] if current is not None else 0
        )


def saved_fields(instance: models.Model, changed: Iterable[str]) -> list[str]:
    """The fields a save of `changed` writes: those, the version and any last-changed time."""
    fields = list(changed)
    if hasattr(instance, "version"):
        fields.append("version")
    fields += [
        field.name
        for field in instance._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in fields
    ]
    return fields


def record_update(
    instance: Any,
    *,
    expected_version: int | None,
    changes: Mapping[str, Any],
    project: Project,
    actor: Actor,
    exclude: Sequence[str] = (),
) -> Any:
    """Apply `changes` to a record of `project` opened at `expected_version`; save it and write
    a RECORD_CHANGED audit row listing the changed fields, or do nothing when nothing changed."""
    if expected_version is not None:
        check_version(instance, expected_version)
    changed = [name for name, value in changes.items() if getattr(instance, name) != value]
    for name, value in changes.items():
        setattr(instance, name, value)
    if not changed:
        return instance
    clean(instance, exclude)
    if hasattr(instance, "version"):
        instance.version += 1
    instance.save(update_fields=saved_fields(instance, changed))
    record_audit(
        ProgrammeEvent.RECORD_CHANGED,
        target=instance,
        project=project,
        actor=actor,
        changed_fields=changed,
    )
    return instance
