"""The workbooks an import hands out: a kind's template, and a checked file with its problems
marked.

The template has the kind's headings (in the reader's language) on a data sheet, one example
row that an import leaves out, a dropdown for each column with a code list, and a notes sheet
that says, column by column, what to write. The marked workbook is the file as it was read,
each cell with a problem filled red with the message as a comment, and a last column that lists
the row's problems: fixed and uploaded again, it is a new file like any other.

Every text written goes through `spreadsheet_text`: nothing from a file comes back as a formula.
"""

from __future__ import annotations

import datetime
import io
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from donghanh.core.spreadsheets import spreadsheet_text
from donghanh.imports import config
from donghanh.imports.kinds.base import Column, ImportKind
from donghanh.imports.reading import Formula

HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
PROBLEM_FILL = PatternFill("solid", fgColor="FFC7CE")
EXAMPLE_FONT = Font(italic=True, color="595959")
BOLD = Font(bold=True)
DATE_FORMAT = "DD/MM/YYYY"
# The rows of the data sheet a dropdown covers.
DROPDOWN_ROWS = 5000
# Comments cost memory in the workbook: past this many, problems are listed in the last
# column and on the problems sheet only.
MAX_COMMENTS = 5000
# While a marked workbook is saved (zipped, a few seconds for a large file), how often the
# job is told it is alive.
SAVE_ALIVE_SECONDS = 0.5


def _cell_text(value: Any) -> Any:
    if isinstance(value, Formula):
        return spreadsheet_text(value.text)
    if isinstance(value, str):
        return spreadsheet_text(value)
    return value


def example_text(column: Column) -> str:
    """The example row's value as the template writes it."""
    value = column.example
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def template_bytes(kind: ImportKind) -> bytes:
    workbook = Workbook()
    data = workbook.worksheets[0]
    data.title = _("Data")[:31]
    lists = workbook.create_sheet(_("Lists")[:31])
    notes = workbook.create_sheet(_("Notes")[:31])

    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        heading = data.cell(row=1, column=index, value=str(column.label))
        heading.font = BOLD
        heading.fill = REQUIRED_FILL if column.required else HEADING_FILL
        heading.alignment = Alignment(wrap_text=True, vertical="top")
        example = data.cell(row=2, column=index, value=_cell_text(example_text(column)))
        example.font = EXAMPLE_FONT
        data.column_dimensions[letter].width = column.width
        if column.number_format:
            data.column_dimensions[letter].number_format = column.number_format
            example.number_format = column.number_format
        if column.choices is not None and not column.many:
            labels = column.choices.labels()
            for row, label in enumerate(labels, start=1):
                lists.cell(row=row, column=index, value=_cell_text(label))
            validation = DataValidation(
                type="list",
                formula1=f"'{lists.title}'!${letter}$1:${letter}${len(labels)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Not in the list"),
                error=_("Choose a value from the list."),
            )
            validation.add(f"{letter}2:{letter}{DROPDOWN_ROWS + 1}")
            data.add_data_validation(validation)
    data.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    _write_notes(notes, kind)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_notes(notes: Any, kind: ImportKind) -> None:
    notes.append([str(kind.label)])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        _(
            "Fill one row per record on the first sheet, under the headings. Keep the headings: "
            "the import finds the columns by their names (in Vietnamese or English, with or "
            "without diacritics), and you can choose the columns yourself after uploading."
        ),
        _("Row 2 is an example: it is left out when you import. You may delete it."),
        _(
            "Dates: day/month/year, for example 25/03/2024 or 5/3/24. Amounts in đồng: "
            "1.500.000, 1,500,000 or 1500000 đ. Write values, not formulas."
        ),
        _("Columns with an orange heading must be filled."),
        _(
            "Upload the file as an Excel workbook (.xlsx) or CSV, at most %(rows)s rows. "
            "Nothing is written until the file has been checked and you choose to import it."
        )
        % {"rows": f"{config.max_rows():,}".replace(",", ".")},
        "",
    ):
        notes.append([line])
    header_row = notes.max_row + 1
    notes.append([_("Column"), _("Must be filled"), _("What to write"), _("Allowed values")])
    for cell in notes[header_row]:
        cell.font = BOLD
        cell.fill = HEADING_FILL
    for column in kind.columns:
        allowed = "; ".join(column.choices.labels()) if column.choices is not None else ""
        notes.append(
            [
                _cell_text(str(column.label)),
                _("Yes") if column.required else _("No"),
                _cell_text(str(column.note)),
                _cell_text(allowed),
            ]
        )
    for letter, width in (("A", 32), ("B", 14), ("C", 70), ("D", 60)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


class MarkedWorkbook:
    """The checked file, written row by row as the check reads it."""

    def __init__(self, *, headers: Sequence[str]) -> None:
        self.workbook = Workbook(write_only=True)
        self.data = self.workbook.create_sheet(_("Data")[:31])
        self.list = self.workbook.create_sheet(_("Problems")[:31])
        self.comments = 0
        self.width = len(headers)
        heading = [self._bold(_cell_text(text)) for text in headers]
        heading.append(self._bold(_("Problems in this row")))
        self.data.append(heading)
        self.data.freeze_panes = "A2"
        self.list.append(
            [self._bold(text) for text in (_("Row"), _("Column"), _("Value"), _("Problem"))]
        )

    def _bold(self, value: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.data, value=value)
        cell.font = BOLD
        cell.fill = HEADING_FILL
        return cell

    def add_row(
        self,
        *,
        number: int,
        values: Sequence[Any],
        problems: Sequence[tuple[int | None, str, str, str]],
        note: str = "",
    ) -> None:
        """`problems`: (column number from 0 or None for the row, column heading, value,
        message); `note`: what the last column says of a row without problems."""
        by_column: dict[int, list[str]] = {}
        for index, _heading, _value, message in problems:
            if index is not None:
                by_column.setdefault(index, []).append(message)
        cells: list[Any] = []
        for index in range(self.width):
            value = values[index] if index < len(values) else None
            cell = WriteOnlyCell(self.data, value=_cell_text(value))
            if isinstance(value, datetime.date | datetime.datetime):
                cell.number_format = DATE_FORMAT
            if index in by_column:
                cell.fill = PROBLEM_FILL
                if self.comments < MAX_COMMENTS:
                    cell.comment = Comment(_cell_text("\n".join(by_column[index])), "Đồng Hành")
                    self.comments += 1
            cells.append(cell)
        summary = (
            "\n".join(
                f"{heading}: {message}" if heading else message
                for _index, heading, _value, message in problems
            )
            or note
        )
        last = WriteOnlyCell(self.data, value=_cell_text(summary))
        if problems:
            last.fill = PROBLEM_FILL
        cells.append(last)
        self.data.append(cells)
        for _index, heading, value, message in problems:
            self.list.append([number, _cell_text(heading), _cell_text(value), _cell_text(message)])

    def discard(self) -> None:
        """Nothing to hand out: end the sheets and delete their temporary files (a write-only
        workbook keeps its rows on disk until it is saved)."""
        for sheet in (self.data, self.list):
            sheet.close()
            writer = getattr(sheet, "_writer", None)
            if writer is not None:
                writer.cleanup()

    def bytes(self, *, alive: Callable[[], None] | None = None) -> bytes:
        """The saved workbook. Saving a large one (writing its comments, zipping its sheets)
        takes seconds: with `alive`, it is saved in a thread while this one calls `alive`
        every `SAVE_ALIVE_SECONDS`, so that the job keeps reporting progress and can be
        stopped. Stopped (`alive` raises), it still waits for the save to end, so that nothing
        is left writing."""
        out = io.BytesIO()
        if alive is None:
            self.workbook.save(out)
            return out.getvalue()
        failures: list[BaseException] = []

        def save() -> None:
            try:
                self.workbook.save(out)
            except BaseException as error:  # noqa: BLE001 - handed to the caller below
                failures.append(error)

        saver = threading.Thread(target=save, name="marked-workbook", daemon=True)
        saver.start()
        try:
            while saver.is_alive():
                saver.join(SAVE_ALIVE_SECONDS)
                if saver.is_alive():
                    alive()
        finally:
            saver.join()
        if failures:
            raise failures[0]
        return out.getvalue()
