"""The marked workbook saved while the job keeps reporting that it is alive."""

from __future__ import annotations

import threading

import pytest
from django.utils import translation

from donghanh.imports import workbooks
from donghanh.imports.tests.helpers import read_xlsx
from donghanh.imports.workbooks import MarkedWorkbook

ROWS = 3000


def _workbook() -> MarkedWorkbook:
    with translation.override("vi"):
        marked = MarkedWorkbook(headers=["Họ và tên", "Ngày sinh"])
        for number in range(2, ROWS + 2):
            marked.add_row(
                number=number,
                values=[f"Người thứ {number}", "31/02/2024"],
                problems=[(1, "Ngày sinh", "31/02/2024", "Ngày không có thật.")],
            )
    return marked


def test_saving_a_marked_workbook_reports_progress_until_it_is_saved(monkeypatch):
    monkeypatch.setattr(workbooks, "SAVE_ALIVE_SECONDS", 0.001)
    calls: list[bool] = []
    marked = _workbook()

    saved = marked.bytes(alive=lambda: calls.append(True))

    assert calls, "the job was never told it is alive while the file was saved"
    data = read_xlsx(saved)
    assert len(data) == 1 + ROWS
    assert data[1] == ["Người thứ 2", "31/02/2024", "Ngày sinh: Ngày không có thật."]
    assert not [t for t in threading.enumerate() if t.name == "marked-workbook"]


def test_a_job_stopped_while_the_file_is_saved_stops_after_the_save(monkeypatch):
    monkeypatch.setattr(workbooks, "SAVE_ALIVE_SECONDS", 0.001)

    class StoppedError(Exception):
        pass

    def stop() -> None:
        raise StoppedError

    marked = _workbook()
    with pytest.raises(StoppedError):
        marked.bytes(alive=stop)
    assert not [t for t in threading.enumerate() if t.name == "marked-workbook"]


def test_without_alive_the_workbook_is_saved_in_the_calling_thread():
    saved = _workbook().bytes()
    assert len(read_xlsx(saved)) == 1 + ROWS
