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
from django.http import HttpRequest
from django.utils.translation import gettext as _

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.programmes.projects.models import Project


class StaleEditError(ValidationError):
    """The record was saved by someone else after the editor opened it; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Your changes were not "
                "saved: check the current values below and save again."
            ),
            code="edit_conflict",
        )


def check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ValidationError(_("The end date cannot be before the start date."))


def record_audit(
    *,
    action: AuditAction,
    target: models.Model,
    project: Project,
    acting_user: Any,
    request: HttpRequest | None,
    summary: str | None = None,
    changed_fields: Iterable[str] = (),
) -> None:
    """The audit row of a write about `target`, a record of `project` (the project itself
    included), in the implementing organisation's log. Without a user, the demo loader wrote it.
    The summary names the project unless another is given."""
    audit_record(
        action=action,
        actor=acting_user,
        request=request,
        organisation=project.implementing_organisation,
        target=target,
        summary=f"project #{project.pk}" if summary is None else summary,
        changed_fields=changed_fields,
        actor_username="load_demo" if acting_user is None else "",
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
    acting_user: Any,
    request: HttpRequest | None,
    exclude: Sequence[str] = (),
    summary: str | None = None,
) -> None:
    """Validate and save a new record of `project`, with its CREATE audit row."""
    clean(instance, exclude)
    instance.save()
    record_audit(
        action=AuditAction.CREATE,
        target=instance,
        project=project,
        acting_user=acting_user,
        request=request,
        summary=summary,
    )


def check_version(instance: Any, expected_version: int) -> None:
    """Lock the stored row; refuse if it was saved since the editor read `expected_version`."""
    model = type(instance)
    current = model.objects.select_for_update().filter(pk=instance.pk).values("version").first()
    if current is None or current["version"] != expected_version:
        raise StaleEditError


def record_update(
    instance: Any,
    *,
    expected_version: int | None,
    changes: Mapping[str, Any],
    project: Project,
    acting_user: Any,
    request: HttpRequest | None,
    exclude: Sequence[str] = (),
) -> Any:
    """Apply `changes` to a record of `project` opened at `expected_version`; save it and write
    an UPDATE audit row listing the changed fields, or do nothing when nothing changed."""
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
    instance.save()
    record_audit(
        action=AuditAction.UPDATE,
        target=instance,
        project=project,
        acting_user=acting_user,
        request=request,
        changed_fields=changed,
    )
    return instance
