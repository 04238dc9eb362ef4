"""Writes of imports: upload a file, choose its columns and check it, import it, undo it.

The check, the import and the undo are background jobs (donghanh/imports/job_kinds.py): the
services here start them and record what they found. Each write is one transaction with its
audit row; details are the kind's code and counts, never a value from the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.crypto import blind_index
from donghanh.core.editing import StaleEditError
from donghanh.imports import files
from donghanh.imports.config import upload_kept_for
from donghanh.imports.engine import Link, Report
from donghanh.imports.events import ImportEvent
from donghanh.imports.kinds.base import ImportKind, RemoveProgress, get_kind
from donghanh.imports.mapping import auto_mapping, header_score, heading_key, mapping_problems
from donghanh.imports.models import HeadingChoice, ImportBatch, ImportedRecord
from donghanh.imports.reading import FileRefusedError, open_sheet
from donghanh.imports.selectors import (
    HEADING_PURPOSE,
    held_by,
    imports_with_old_files,
    job_is_active,
    linked_records,
    may_undo,
    newest_audit_id,
    remembered_headings,
    touched_count,
    undo_deadline,
)
from donghanh.jobs.services import job_start
from donghanh.organisations.models import Membership

CHECK_JOB = "imports.check"
COMMIT_JOB = "imports.commit"
UNDO_JOB = "imports.undo"
# A file in the imports folder that no batch names is deleted once it is this old.
ORPHAN_FILE_AGE = timedelta(days=1)


class AlreadyImportedError(ValidationError):
    """The same file was imported into the organisation already: nothing is created again."""

    def __init__(self, batch: ImportBatch) -> None:
        when = batch.committed_at or batch.created_at
        super().__init__(
            _(
                "This file was already imported on %(date)s (import #%(batch)s): importing it "
                "again would create nothing new. To import it again, its import must first be "
                "undone."
            )
            % {
                "date": date_format(timezone.localtime(when), "SHORT_DATE_FORMAT"),
                "batch": batch.pk,
            },
            code="already_imported",
        )
        self.batch = batch


def _audit(event: ImportEvent, *, actor: Actor, batch: ImportBatch, **details: Any) -> None:
    audit_record(
        event=event,
        actor=actor,
        target=batch,
        organisation=batch.organisation,
        details={"kind": batch.kind, **details},
    )


def _locked(batch_id: Any) -> ImportBatch:
    return (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=batch_id)
    )


def _kind(batch: ImportBatch) -> ImportKind:
    kind = get_kind(batch.kind)
    if kind is None:
        raise ValidationError(_("This kind of import no longer exists."), code="unknown_kind")
    return kind


def _refused(error: FileRefusedError) -> ValidationError:
    return ValidationError(error.message, code=error.code)


# --- upload --------------------------------------------------------------------------------


def batch_upload(
    *,
    actor: Actor,
    kind: ImportKind,
    file_name: str,
    data: bytes,
    options: Mapping[str, Any] | None = None,
) -> ImportBatch:
    """Keep an uploaded file for `kind` in the actor's organisation and find its columns.

    Refuses (ValidationError, nothing kept) a file that cannot be read, breaks a limit, or was
    imported already. The file is stored encrypted before the transaction and removed again
    if the transaction fails.
    """
    organisation = actor.organisation
    if organisation is None:
        raise PermissionDenied
    try:
        sheet = open_sheet(data, header_score=header_score(kind), full=False)
    except FileRefusedError as error:
        raise _refused(error) from None
    try:
        headers, header_row, file_format = sheet.headers, sheet.header_row, sheet.format
    finally:
        sheet.close()
    fingerprint = hashlib.sha256(data).hexdigest()
    earlier = _holder(
        actor=actor, organisation_id=organisation.pk, kind=kind.code, fingerprint=fingerprint
    )
    if earlier is not None:
        raise AlreadyImportedError(earlier)
    stored_name = files.save(data)
    try:
        with transaction.atomic():
            remembered = remembered_headings(
                organisation_id=organisation.pk, kind=kind.code, headers=headers
            )
            batch = ImportBatch(
                organisation_id=organisation.pk,
                kind=kind.code,
                importer_id=actor.user_id,
                file_name=file_name[:200],
                file_format=file_format,
                file_size=len(data),
                fingerprint=fingerprint,
                stored_name=stored_name,
                options=dict(options or {}),
                header_row=header_row,
                headers_json=json.dumps(headers, ensure_ascii=False),
                mapping=auto_mapping(kind, headers, remembered),
            )
            batch.save(force_insert=True)
            _audit(
                ImportEvent.UPLOADED,
                actor=actor,
                batch=batch,
                size=len(data),
                columns=len(headers),
                mapped=len(batch.mapping),
            )
    except BaseException:
        files.remove(stored_name)
        raise
    return batch


# --- columns and the check -----------------------------------------------------------------


def _remember(batch: ImportBatch, mapping: Mapping[str, str]) -> None:
    for index, heading in enumerate(batch.headers):
        key = heading_key(heading)
        if not key:
            continue
        HeadingChoice.objects.update_or_create(
            organisation_id=batch.organisation_id,
            kind=batch.kind,
            heading_index=blind_index(key, purpose=HEADING_PURPOSE),
            defaults={"field": mapping.get(str(index), "")},
        )


@transaction.atomic
def batch_check_start(
    *,
    actor: Actor,
    batch: ImportBatch,
    mapping: Mapping[str, str],
    expected_version: int,
) -> ImportBatch:
    """Keep the columns chosen (and remember them for the organisation's next file), then
    check the file in the background. Nothing is written but the batch."""
    batch = _locked(batch.pk)
    if batch.version != expected_version:
        raise StaleEditError(changed_fields=["mapping"], current_version=batch.version)
    if batch.status not in (ImportBatch.Status.UPLOADED, ImportBatch.Status.CHECKED):
        raise ValidationError(_("This file cannot be checked again now."), code="status")
    if not batch.stored_name:
        raise ValidationError(
            _("The uploaded file is no longer kept: upload it again."), code="file_gone"
        )
    kind = _kind(batch)
    mapping = {str(index): field for index, field in mapping.items() if field}
    problems = mapping_problems(kind, batch.headers, mapping)
    if problems:
        raise ValidationError(problems, code="mapping")
    fields = ["status", "check_job"]
    if mapping != batch.mapping:
        batch.mapping = mapping
        batch.version += 1
        fields += ["mapping", "version"]
    _remember(batch, mapping)
    batch.check_job = job_start(
        actor=actor,
        kind=CHECK_JOB,
        parameters={"batch_id": batch.pk, "version": batch.version},
        organisation=batch.organisation,
    )
    batch.status = ImportBatch.Status.CHECKING
    batch.save(update_fields=fields)
    _audit(ImportEvent.CHECK_ASKED, actor=actor, batch=batch, version=batch.version)
    return batch


def _counts(batch: ImportBatch, report: Report) -> list[str]:
    batch.rows = report.rows
    batch.rows_with_problems = report.rows_with_problems
    batch.created = report.created
    batch.updated = report.updated
    batch.skipped = report.skipped
    batch.duplicates = report.duplicates
    batch.report_json = json.dumps(report.as_json(), ensure_ascii=False)
    return [
        "rows",
        "rows_with_problems",
        "created",
        "updated",
        "skipped",
        "duplicates",
        "report_json",
    ]


@transaction.atomic
def batch_check_record(
    *, actor: Actor, batch_id: int, version: int, report: Report
) -> ImportBatch | None:
    """What the check found (the check job calls it); None when the batch moved on meanwhile."""
    batch = _locked(batch_id)
    if batch.status != ImportBatch.Status.CHECKING or batch.version != version:
        return None
    fields = _counts(batch, report)
    if report.refused:
        batch.status = ImportBatch.Status.REFUSED
        batch.save(update_fields=[*fields, "status"])
        _audit(ImportEvent.REFUSED, actor=actor, batch=batch, reason=report.refused_code)
        return batch
    batch.status = ImportBatch.Status.CHECKED
    batch.checked_version = version
    batch.checked_at = timezone.now()
    batch.mode = (
        ImportBatch.Mode.VALID_ROWS
        if report.rows_with_problems
        else ImportBatch.Mode.ALL_OR_NOTHING
    )
    batch.save(update_fields=[*fields, "status", "checked_version", "checked_at", "mode"])
    _audit(
        ImportEvent.CHECKED,
        actor=actor,
        batch=batch,
        rows=report.rows,
        problems=report.rows_with_problems,
        duplicates=report.duplicates,
    )
    return batch


@transaction.atomic
def batch_refuse(*, actor: Actor, batch_id: int, refusal: FileRefusedError) -> ImportBatch | None:
    """The file broke a limit while the check or the import read it."""
    batch = _locked(batch_id)
    if batch.status not in (ImportBatch.Status.CHECKING, ImportBatch.Status.COMMITTING):
        return None
    report = Report(dry_run=batch.status == ImportBatch.Status.CHECKING)
    report.refused, report.refused_code = refusal.message, refusal.code
    fields = _counts(batch, report)
    batch.status = ImportBatch.Status.REFUSED
    batch.save(update_fields=[*fields, "status"])
    _audit(ImportEvent.REFUSED, actor=actor, batch=batch, reason=refusal.code)
    return batch


_BEFORE = {
    ImportBatch.Status.CHECKING: (ImportBatch.Status.UPLOADED, "check_job_id"),
    ImportBatch.Status.COMMITTING: (ImportBatch.Status.CHECKED, "commit_job_id"),
    ImportBatch.Status.UNDOING: (ImportBatch.Status.COMMITTED, "undo_job_id"),
}


@transaction.atomic
def batch_job_ended(*, actor: Actor, batch_id: int, job_id: Any) -> ImportBatch | None:
    """A job of the batch stopped (asked to, or on an error) before recording anything: the
    batch goes back to where it was before the job started. Its audit rows are the job's."""
    batch = _locked(batch_id)
    before = _BEFORE.get(ImportBatch.Status(batch.status))
    if before is None or getattr(batch, before[1]) != job_id:
        return None
    batch.status = before[0]
    batch.save(update_fields=["status"])
    return batch


@transaction.atomic
def batch_settle(*, actor: Actor, batch_id: int) -> ImportBatch | None:
    """A batch still waiting for a job that ended without recording anything (stopped before it
    started, failed, interrupted for good) goes back to where it was before the job; None when
    its job is still at work (or it waits for none)."""
    batch = _locked(batch_id)
    before = _BEFORE.get(ImportBatch.Status(batch.status))
    if before is None or job_is_active(getattr(batch, before[1])):
        return None
    batch.status = before[0]
    batch.save(update_fields=["status"])
    return batch


def _holder(
    *, actor: Actor, organisation_id: int, kind: str, fingerprint: str
) -> ImportBatch | None:
    """The batch that imported (or is importing) this file, once a batch whose import or undo
    ended without recording anything has let go of it."""
    earlier = held_by(organisation_id=organisation_id, kind=kind, fingerprint=fingerprint)
    if (
        earlier is not None
        and earlier.status != ImportBatch.Status.COMMITTED
        and batch_settle(actor=actor, batch_id=earlier.pk) is not None
    ):
        return _holder(
            actor=actor, organisation_id=organisation_id, kind=kind, fingerprint=fingerprint
        )
    return earlier


# --- import ----------------------------------------------------------------------------------


@transaction.atomic
def batch_commit_start(*, actor: Actor, batch: ImportBatch, mode: str) -> ImportBatch:
    """Import the checked file in the background, all rows or only those without problems."""
    batch = _locked(batch.pk)
    if batch.importer_id != actor.user_id:
        raise PermissionDenied
    if mode not in ImportBatch.Mode.values:
        raise ValidationError(_("Choose what to import."), code="mode")
    if batch.status != ImportBatch.Status.CHECKED or batch.checked_version != batch.version:
        raise ValidationError(
            _("Check the file with the columns chosen before importing it."), code="not_checked"
        )
    if not batch.stored_name:
        raise ValidationError(
            _("The uploaded file is no longer kept: upload it again."), code="file_gone"
        )
    if mode == ImportBatch.Mode.ALL_OR_NOTHING and batch.rows_with_problems:
        raise ValidationError(
            _(
                "%(count)s rows have problems, so importing all rows would import nothing. Fix "
                "the rows and upload the file again, or import only the rows without problems."
            )
            % {"count": batch.rows_with_problems},
            code="has_problems",
        )
    _holder(
        actor=actor,
        organisation_id=batch.organisation_id,
        kind=batch.kind,
        fingerprint=batch.fingerprint,
    )
    batch.mode = mode
    batch.status = ImportBatch.Status.COMMITTING
    try:
        with transaction.atomic():
            batch.save(update_fields=["mode", "status"])
    except IntegrityError:
        earlier = held_by(
            organisation_id=batch.organisation_id, kind=batch.kind, fingerprint=batch.fingerprint
        )
        if earlier is not None:
            raise AlreadyImportedError(earlier) from None
        raise
    batch.commit_job = job_start(
        actor=actor,
        kind=COMMIT_JOB,
        parameters={"batch_id": batch.pk},
        organisation=batch.organisation,
    )
    batch.save(update_fields=["commit_job"])
    _audit(ImportEvent.COMMIT_ASKED, actor=actor, batch=batch, mode=mode)
    return batch


@transaction.atomic
def batch_records_link(*, actor: Actor, batch_id: int, links: Sequence[Link]) -> int:
    """Link records the import created to its batch (the commit job calls it inside the
    import's own transaction, a chunk of records at a time); how many were linked."""
    types: dict[type, ContentType] = {}
    rows = []
    for link in links:
        model = type(link.record)
        if model not in types:
            types[model] = ContentType.objects.get_for_model(model)
        rows.append(
            ImportedRecord(
                batch_id=batch_id,
                content_type=types[model],
                object_id=str(link.record.pk),
                row=link.row,
                version=getattr(link.record, "version", None),
            )
        )
    ImportedRecord.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def batch_commit_record(
    *, actor: Actor, batch_id: int, report: Report, records: int
) -> ImportBatch:
    """The import's bookkeeping, inside the import's own transaction (the commit job calls it
    there, once its `records` are linked to the batch): the counts, the audit row, the audit
    mark."""
    with transaction.atomic():
        batch = _locked(batch_id)
        if batch.status != ImportBatch.Status.COMMITTING:
            raise ValidationError(_("This import was stopped."), code="status")
        fields = _counts(batch, report)
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        stored_name, batch.stored_name = batch.stored_name, ""
        batch.save(update_fields=[*fields, "status", "committed_at", "stored_name"])
        _audit(
            ImportEvent.COMMITTED,
            actor=actor,
            batch=batch,
            created=report.created,
            records=records,
            duplicates=report.duplicates,
            skipped=report.skipped,
        )
        batch.audit_mark = newest_audit_id()
        batch.save(update_fields=["audit_mark"])
        # The file is not needed any more: it goes once the import is committed.
        transaction.on_commit(partial(files.remove, stored_name))
    return batch


@transaction.atomic
def batch_commit_refuse(*, actor: Actor, batch_id: int, report: Report) -> ImportBatch | None:
    """All or nothing, and some rows had problems when the import read them: nothing was
    written; the batch is checked again with what the import found."""
    batch = _locked(batch_id)
    if batch.status != ImportBatch.Status.COMMITTING:
        return None
    fields = _counts(batch, report)
    batch.status = ImportBatch.Status.CHECKED
    batch.mode = ImportBatch.Mode.VALID_ROWS
    batch.save(update_fields=[*fields, "status", "mode"])
    _audit(ImportEvent.COMMIT_REFUSED, actor=actor, batch=batch, problems=report.rows_with_problems)
    return batch


# --- undo ------------------------------------------------------------------------------------


def _undo_refusal(batch: ImportBatch, membership: Membership | None, now: datetime) -> str:
    if membership is None or not may_undo(membership, batch):
        return _(
            "Only a supervisor of the person who imported the file may undo an import, never "
            "the importer."
        )
    if batch.status != ImportBatch.Status.COMMITTED:
        return _("Only an import that is done can be undone.")
    deadline = undo_deadline(batch)
    if deadline is None or deadline < now:
        return _("An import can be undone for 30 days after it was done; this one is older.")
    return ""


@transaction.atomic
def batch_undo_start(*, actor: Actor, batch: ImportBatch, membership: Membership) -> ImportBatch:
    """Undo a whole import in the background: its importer's supervisor, within 30 days, if
    nothing was done to its records since."""
    batch = _locked(batch.pk)
    if membership.organisation_id != batch.organisation_id or membership.user_id != actor.user_id:
        raise PermissionDenied
    refusal = _undo_refusal(batch, membership, timezone.now())
    if refusal:
        raise ValidationError(refusal, code="undo_refused")
    # Whether something was done to the records since is checked by the undo job, which reads
    # them all (tens of thousands for a large file: never inside the request); it refuses
    # there, removing nothing, with the reason in the batch's report.
    batch.status = ImportBatch.Status.UNDOING
    batch.undo_job = job_start(
        actor=actor,
        kind=UNDO_JOB,
        parameters={"batch_id": batch.pk},
        organisation=batch.organisation,
    )
    batch.save(update_fields=["status", "undo_job"])
    _audit(ImportEvent.UNDO_ASKED, actor=actor, batch=batch)
    return batch


def _touched_message(count: int) -> str:
    return _(
        "%(count)s of the imported records were changed or used since the import, so it can no "
        "longer be undone as a whole. Correct or remove those records one by one."
    ) % {"count": count}


@transaction.atomic
def batch_undo_run(
    *,
    actor: Actor,
    batch_id: int,
    progress: RemoveProgress | None = None,
    alive: Callable[[], None] | None = None,
) -> ImportBatch | None:
    """Remove the batch's records (the undo job calls it, inside its transaction); refuses,
    removing nothing, when something was done to them since. `alive()` is called while the
    records are read and checked, `progress(removed)` as they go."""
    batch = _locked(batch_id)
    if batch.status != ImportBatch.Status.UNDOING:
        return None
    kind = _kind(batch)
    pairs = linked_records(batch, alive=alive)
    touched = touched_count(batch, kind, pairs=pairs, alive=alive)
    if touched:
        batch.status = ImportBatch.Status.COMMITTED
        report = batch.report
        report["undo_refused"] = _touched_message(touched)
        batch.report_json = json.dumps(report, ensure_ascii=False)
        batch.save(update_fields=["status", "report_json"])
        _audit(ImportEvent.UNDO_REFUSED, actor=actor, batch=batch, touched=touched)
        return batch
    records = [record for _link, record in reversed(pairs) if record is not None]
    kind.remove(records, actor=actor, batch=batch, progress=progress)
    removed = len(pairs)
    batch.records.all().delete()
    batch.status = ImportBatch.Status.UNDONE
    batch.undone_at = timezone.now()
    batch.undone_by_id = actor.user_id
    batch.save(update_fields=["status", "undone_at", "undone_by_id"])
    _audit(ImportEvent.UNDONE, actor=actor, batch=batch, removed=removed)
    return batch


# --- housekeeping --------------------------------------------------------------------------


@transaction.atomic
def import_files_forget(*, actor: Actor, now: datetime | None = None) -> int:
    """Delete the uploaded files that were not imported within IMPORTS_UPLOAD_KEEP_DAYS; how
    many went. Their batches stay, with their reports."""
    now = now or timezone.now()
    count = 0
    for batch in imports_with_old_files(before=now - upload_kept_for()).select_for_update(
        of=("self",)
    ):
        stored_name, batch.stored_name = batch.stored_name, ""
        batch.save(update_fields=["stored_name"])
        transaction.on_commit(partial(files.remove, stored_name))
        _audit(ImportEvent.FILE_DELETED, actor=actor.within(batch.organisation), batch=batch)
        count += 1
    # Files no batch names: left by an upload whose transaction failed after the file was
    # written (the process stopped in between).
    named = set(ImportBatch.objects.exclude(stored_name="").values_list("stored_name", flat=True))
    orphan_before = (now - ORPHAN_FILE_AGE).timestamp()
    for stored_name, written_at in files.stored():
        if stored_name not in named and written_at < orphan_before:
            transaction.on_commit(partial(files.remove, stored_name))
    return count
