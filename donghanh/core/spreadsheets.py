"""Text for spreadsheet cells and CSV files that people open in a spreadsheet program.

A value that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) would be
run by the program that opens the file; such a value is written with a leading apostrophe, so
it is shown as the text it is. Every export of user text goes through `spreadsheet_text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = "=+-@\t\r"


def spreadsheet_text(value: str) -> str:
    """`value`, made text a spreadsheet will not run as a formula."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[Any]) -> list[Any]:
    """A row of cells with every text made safe; numbers, dates and cells stay as they are."""
    return [spreadsheet_text(value) if isinstance(value, str) else value for value in values]
