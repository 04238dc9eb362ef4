"""The background jobs of imports: check a file, import it, undo an import, forget old files.

Each job acts as the person who asked for it and names its batch by id. A job that stops
(asked to, or on an error) before recording anything puts its batch back where it was; a job
that finds its batch moved on (a newer check, say) does nothing.
"""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from donghanh.imports import engine, services
from donghanh.imports.kinds.base import ImportKind, get_kind
from donghanh.imports.models import ImportBatch
from donghanh.imports.reading import FileRefusedError
from donghanh.imports.selectors import batch_for_job, importer_may_import, stored_file
from donghanh.jobs.context import JobContext, JobLostError
from donghanh.jobs.files import XLSX
from donghanh.jobs.registry import job_kind

# Seconds between two progress reports of an undo as its records are removed.
UNDO_PROGRESS_SECONDS = 1.0


def _batch(
    ctx: JobContext, status: str, job_field: str
) -> tuple[ImportBatch, ImportKind, bytes] | None:
    """The job's batch, its kind and file, if the batch is still waiting for this job."""
    batch = batch_for_job(ctx.parameters.get("batch_id"))
    if batch is None or batch.status != status or getattr(batch, job_field) != ctx.job_id:
        return None
    kind = get_kind(batch.kind)
    data = stored_file(batch)
    if kind is None or data is None or not importer_may_import(batch, kind):
        services.batch_job_ended(actor=ctx.actor, batch_id=batch.pk, job_id=ctx.job_id)
        return None
    return batch, kind, data


def _ended(ctx: JobContext, batch: ImportBatch) -> None:
    services.batch_job_ended(actor=ctx.actor, batch_id=batch.pk, job_id=ctx.job_id)


@job_kind("imports.check", label=gettext_lazy("Checking a file to import"))
def check_file(ctx: JobContext) -> None:
    found = _batch(ctx, ImportBatch.Status.CHECKING, "check_job_id")
    if found is None:
        return
    batch, kind, data = found
    try:
        report, marked = engine.run_check(
            batch=batch, kind=kind, data=data, actor=ctx.actor, progress=ctx.progress
        )
    except FileRefusedError as refusal:
        services.batch_refuse(actor=ctx.actor, batch_id=batch.pk, refusal=refusal)
        return
    except JobLostError:
        raise
    except BaseException:
        _ended(ctx, batch)
        raise
    if marked is not None:
        ctx.save_result_file(_marked_name(batch), XLSX, marked)
    # The last progress point before the write: once written, the job is not stopped any more.
    ctx.progress(report.rows, report.rows, _checked_message(report))
    with ctx.atomic():
        services.batch_check_record(
            actor=ctx.actor, batch_id=batch.pk, version=ctx.parameters["version"], report=report
        )


def _marked_name(batch: ImportBatch) -> str:
    stem = batch.file_name.rsplit(".", 1)[0] or "import"
    return f"{stem} ({_('checked')}).xlsx"


def _checked_message(report: engine.Report) -> str:
    return ngettext(
        "%(rows)s row checked, %(problems)s with problems",
        "%(rows)s rows checked, %(problems)s with problems",
        report.rows,
    ) % {"rows": report.rows, "problems": report.rows_with_problems}


@job_kind("imports.commit", label=gettext_lazy("Importing a file"))
def commit_file(ctx: JobContext) -> None:
    found = _batch(ctx, ImportBatch.Status.COMMITTING, "commit_job_id")
    if found is None:
        return
    batch, kind, data = found

    def link(links: list[engine.Link]) -> None:
        services.batch_records_link(actor=ctx.actor, batch_id=batch.pk, links=links)

    def record(report: engine.Report, records: int) -> None:
        services.batch_commit_record(
            actor=ctx.actor, batch_id=batch.pk, report=report, records=records
        )

    try:
        engine.run_commit(
            batch=batch,
            kind=kind,
            data=data,
            actor=ctx.actor,
            progress=ctx.progress,
            all_or_nothing=batch.mode == ImportBatch.Mode.ALL_OR_NOTHING,
            atomic=ctx.atomic,
            link=link,
            record=record,
        )
    except engine.CommitRefusedError as refused:
        services.batch_commit_refuse(actor=ctx.actor, batch_id=batch.pk, report=refused.report)
        return
    except FileRefusedError as refusal:
        services.batch_refuse(actor=ctx.actor, batch_id=batch.pk, refusal=refusal)
        return
    except JobLostError:
        raise
    except BaseException:
        _ended(ctx, batch)
        raise


@job_kind("imports.undo", label=gettext_lazy("Undoing an import"))
def undo_import(ctx: JobContext) -> None:
    batch = batch_for_job(ctx.parameters.get("batch_id"))
    if (
        batch is None
        or batch.status != ImportBatch.Status.UNDOING
        or batch.undo_job_id != ctx.job_id
    ):
        return
    total = batch.records.count()
    message = _("Removing the imported records")
    checking = _("Checking that nothing was done to the imported records since")
    ctx.progress(0, total, checking)
    last = time.monotonic()

    def removed(count: int) -> None:
        nonlocal last
        if time.monotonic() - last >= UNDO_PROGRESS_SECONDS or count >= total:
            last = time.monotonic()
            ctx.progress(count, total, message)

    def reading() -> None:
        # The records are read and checked before the first goes: the same point, again.
        nonlocal last
        if time.monotonic() - last >= UNDO_PROGRESS_SECONDS:
            last = time.monotonic()
            ctx.progress(0, total, checking)

    try:
        with ctx.atomic():
            services.batch_undo_run(
                actor=ctx.actor, batch_id=batch.pk, progress=removed, alive=reading
            )
    except JobLostError:
        raise
    except BaseException:
        _ended(ctx, batch)
        raise


@job_kind(
    "imports.forget_files",
    label=gettext_lazy("Deleting uploaded files never imported"),
    nightly=True,
)
def forget_files(ctx: JobContext) -> None:
    ctx.progress(0, 1, _("Deleting uploaded files never imported"))
    deleted = services.import_files_forget(actor=ctx.actor)
    message: Any = ngettext(
        "%(count)s uploaded file deleted", "%(count)s uploaded files deleted", deleted
    )
    ctx.progress(1, 1, message % {"count": deleted})
