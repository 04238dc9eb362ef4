"""Writes of the attachments app: attachments added and deleted, downloads audited."""

from __future__ import annotations

from django.db import transaction

from donghanh.attachments import files
from donghanh.attachments.events import AttachmentEvent
from donghanh.attachments.models import Attachment
from donghanh.audit.services import audit_record
from donghanh.cases.models import Case
from donghanh.cases.services import ensure_case_not_closed
from donghanh.core.actor import Actor
from donghanh.people.models import Person


def attachment_add(
    *,
    case: Case,
    name: str,
    content: bytes,
    description: str = "",
    actor: Actor,
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
                uploaded_by_id=actor.user_id,
            )
            audit_record(
                event=AttachmentEvent.ADDED,
                actor=actor.within(case.organisation),
                target=attachment,
                details={"case": case.pk},
            )
    except BaseException:
        files.remove_file(stored_name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor: Actor) -> None:
    """Delete the attachment: its row now, its encrypted file once the deletion is committed."""
    case = attachment.case
    ensure_case_not_closed(case)
    audit_record(
        event=AttachmentEvent.DELETED,
        actor=actor.within(case.organisation),
        target=attachment,
        details={"case": case.pk},
    )
    stored_name = attachment.stored_name
    attachment.delete()
    transaction.on_commit(lambda: files.remove_file(stored_name))


@transaction.atomic
def attachment_download_record(*, attachment: Attachment, actor: Actor) -> None:
    """Record that the user downloaded the attachment (every download is audited)."""
    audit_record(
        event=AttachmentEvent.DOWNLOADED,
        actor=actor.within(attachment.case.organisation),
        target=attachment,
        details={"case": attachment.case_id},
    )


@transaction.atomic
def attachments_erase_for_person(*, person: Person, actor: Actor) -> int:
    """Delete every attachment on the person's cases (for an erasure request); their files
    are removed once the erasure is committed. Returns how many were deleted."""
    attachments = list(
        Attachment.objects.filter(case__person=person).select_related("case__organisation")
    )
    for attachment in attachments:
        audit_record(
            event=AttachmentEvent.ERASED,
            actor=actor.within(attachment.case.organisation),
            target=attachment,
            details={"case": attachment.case_id},
        )
    stored_names = [attachment.stored_name for attachment in attachments]
    Attachment.objects.filter(pk__in=[attachment.pk for attachment in attachments]).delete()

    def remove_files() -> None:
        for stored_name in stored_names:
            files.remove_file(stored_name)

    transaction.on_commit(remove_files)
    return len(attachments)


def attachment_files_rotate(*, actor: Actor) -> tuple[int, int]:
    """Re-encrypt every stored file with the newest data key: (files, files re-encrypted).

    Run by `manage.py rotate_attachment_files`, and by `manage.py rotate_data_key` through the
    key rotation step this app registers (`key_rotation.py`). Each file is rewritten on its
    own, outside any transaction; one audit row for the whole run.
    """
    total = rotated = 0
    names = Attachment.objects.order_by("pk").values_list("stored_name", flat=True)
    for stored_name in names.iterator(chunk_size=500):
        total += 1
        if files.rotate_file(stored_name):
            rotated += 1
    with transaction.atomic():
        audit_record(event=AttachmentEvent.FILES_ROTATED, actor=actor, details={"rotated": rotated})
    return total, rotated
