"""Writes of the attachments app: attachments added and deleted, downloads audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from donghanh.attachments import files
from donghanh.attachments.models import Attachment
from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.cases.models import Case
from donghanh.cases.services import ensure_case_not_closed
from donghanh.people.models import Person


def attachment_add(
    *,
    case: Case,
    name: str,
    content: bytes,
    description: str = "",
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Attachment:
    """Check the file, store it encrypted and record it on the case (ValidationError if refused).

    The caller has checked access to the case. The file is written before the row; if the
    transaction fails, the file is removed again.
    """
    ensure_case_not_closed(case)
    checked = files.check_file(name=name, content=content)
    stored_name = files.new_stored_name(case.organisation_id)
    files.write_encrypted(stored_name, checked.content)
    try:
        with transaction.atomic():
            attachment = Attachment.objects.create(
                case=case,
                stored_name=stored_name,
                original_name=name.strip()[:255],
                description=description.strip(),
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=checked.sha256,
                uploaded_by=acting_user if getattr(acting_user, "pk", None) else None,
            )
            audit_record(
                action=AuditAction.CREATE,
                actor=acting_user,
                request=request,
                organisation=case.organisation,
                target=attachment,
                summary=f"attachment added to case {case.pk}",
            )
    except BaseException:
        files.remove_file(stored_name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(
    *, attachment: Attachment, acting_user: Any, request: HttpRequest | None = None
) -> None:
    """Delete the attachment: its row now, its encrypted file once the deletion is committed."""
    case = attachment.case
    ensure_case_not_closed(case)
    audit_record(
        action=AuditAction.DELETE,
        actor=acting_user,
        request=request,
        organisation=case.organisation,
        target=attachment,
        summary=f"attachment deleted from case {case.pk}",
    )
    stored_name = attachment.stored_name
    attachment.delete()
    transaction.on_commit(lambda: files.remove_file(stored_name))


@transaction.atomic
def attachment_download_record(
    *, attachment: Attachment, acting_user: Any, request: HttpRequest | None = None
) -> None:
    """Record that the user downloaded the attachment (every download is audited)."""
    audit_record(
        action=AuditAction.EXPORT,
        actor=acting_user,
        request=request,
        organisation=attachment.case.organisation,
        target=attachment,
        summary=f"attachment download of case {attachment.case_id}",
    )


@transaction.atomic
def attachments_erase_for_person(
    *, person: Person, acting_user: Any, request: HttpRequest | None = None
) -> int:
    """Delete every attachment on the person's cases (for an erasure request); their files
    are removed once the erasure is committed. Returns how many were deleted."""
    attachments = list(
        Attachment.objects.filter(case__person=person).select_related("case__organisation")
    )
    for attachment in attachments:
        audit_record(
            action=AuditAction.DELETE,
            actor=acting_user,
            request=request,
            organisation=attachment.case.organisation,
            target=attachment,
            summary=f"attachment erased from case {attachment.case_id}",
        )
    stored_names = [attachment.stored_name for attachment in attachments]
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()

    def remove_files() -> None:
        for stored_name in stored_names:
            files.remove_file(stored_name)

    transaction.on_commit(remove_files)
    return len(attachments)


def attachment_files_rotate() -> tuple[int, int]:
    """Re-encrypt every stored file with the newest data key: (files, files re-encrypted).

    Run by `manage.py rotate_attachment_files`, and by `manage.py rotate_data_key` through the
    key rotation step this app registers. One audit row for the whole run.
    """
    total = rotated = 0
    names = Attachment.objects.order_by("pk").values_list("stored_name", flat=True)
    for stored_name in names.iterator(chunk_size=500):
        total += 1
        if files.rotate_file(stored_name):
            rotated += 1
    with transaction.atomic():
        audit_record(
            action=AuditAction.UPDATE,
            actor_username="rotate_attachment_files",
            summary=f"data key rotation: {rotated} attachment files re-encrypted",
        )
    return total, rotated


def rotation_report(total: int, rotated: int) -> str:
    return f"attachments.Attachment files: {total} files, {rotated} re-encrypted"


def attachment_files_rotation_step(write: Callable[[str], None]) -> None:
    """The key rotation step of this app (`donghanh.core.key_rotation`)."""
    write(rotation_report(*attachment_files_rotate()))
