"""Text for spreadsheet cells and CSV files that people open in a spreadsheet program.

A value that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) would be
run by the program that opens the file; such a value is written with a leading apostrophe, so
it is shown as the text it is. Every export of user text goes through `spreadsheet_text`.

Money and dates are written as numbers and dates, shown by a number format: amounts in whole
đồng grouped in thousands with the đồng sign (`MONEY_FORMAT`: `1.500.000 ₫` in a Vietnamese
spreadsheet; the file's format code writes the grouping as `,`, which the program shows with
the reader's separator, the `[$₫-42A]` tag naming the Vietnamese đồng), dates dd/mm/yyyy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = "=+-@\t\r"
MONEY_FORMAT = "#,##0 [$₫-42A]"
DATE_FORMAT = "DD/MM/YYYY"
PERCENT_FORMAT = "0.0%"


def spreadsheet_text(value: str) -> str:
    """`value`, made text a spreadsheet will not run as a formula."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells with every text made safe; numbers, dates and cells stay as they are."""
    return [spreadsheet_text(value) if isinstance(value, str) else value for value in values]


def format_columns(sheet: Any, formats: Mapping[int, str], *, first_row: int = 1) -> None:
    """Give the cells of the columns in `formats` (1 for A) their number format, from
    `first_row` down: money, dates and shares shown as people read them, kept as numbers."""
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            number_format = formats.get(cell.column)
            if number_format is not None and cell.value is not None:
                cell.number_format = number_format
