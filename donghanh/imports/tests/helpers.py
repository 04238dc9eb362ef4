"""Files for the tests: workbooks and CSV files built from rows."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook


def xlsx(rows: Sequence[Sequence[Any]], *, title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    text = "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def read_xlsx(data: bytes, sheet: int = 0) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def undo_refused(batch: Any, membership: Any) -> str:
    """Ask to undo `batch` as `membership`, run the undo job, and return why it refused: the
    undo is asked for at once, and the job, which reads every record, finds that something was
    done to them since and removes nothing."""
    from donghanh.audit.models import AuditEntry
    from donghanh.core.actor import Actor
    from donghanh.imports import services
    from donghanh.imports.models import ImportBatch
    from donghanh.testing.jobs import run_queued_jobs

    actor = Actor.for_user(membership.user, organisation=membership.organisation)
    services.batch_undo_start(actor=actor, batch=batch, membership=membership)
    run_queued_jobs()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert AuditEntry.objects.filter(event="import.undo_refused", target_id=str(batch.pk)).exists()
    return str(batch.report["undo_refused"])
