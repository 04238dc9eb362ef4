"""A savings group's measures as a spreadsheet (XLSX): one row per cycle, as on the measures
page. Money is written as whole đồng shown `1.500.000 ₫`, dates as dates shown dd/mm/yyyy and
shares as fractions shown in per cent, so that they stay numbers to add up; the group's name
is users' text, written so that a spreadsheet never runs it as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, cast

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from donghanh.core.spreadsheets import (
    DATE_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    format_columns,
    spreadsheet_row,
)

from .measures import CycleMeasures
from .models import SavingsGroup

# The header row's number: a title row, then the headers.
HEADER_ROW = 2


def _share(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _columns() -> list[tuple[str, str | None, Any]]:
    """Each column: its header, its number format, and its value from a cycle's measures."""
    return [
        (_("Cycle"), None, lambda m: m.cycle.number),
        (_("Started on"), DATE_FORMAT, lambda m: m.cycle.started_on),
        (_("As of"), DATE_FORMAT, lambda m: m.on),
        (_("Members"), None, lambda m: m.members_now),
        (_("Savings"), MONEY_FORMAT, lambda m: m.savings),
        (_("Interest and fines"), MONEY_FORMAT, lambda m: m.profit),
        (_("Loans outstanding"), MONEY_FORMAT, lambda m: m.outstanding),
        (_("Loan fund cash"), MONEY_FORMAT, lambda m: m.loan_fund_cash),
        (_("Annualised return on savings"), PERCENT_FORMAT, lambda m: _share(m.annualised_return)),
        (_("Loan fund utilisation"), PERCENT_FORMAT, lambda m: _share(m.utilisation)),
        (_("Portfolio at risk (30 days)"), PERCENT_FORMAT, lambda m: _share(m.portfolio_at_risk)),
        (_("Loans made"), None, lambda m: m.loans_made),
        (_("Loans repaid late"), None, lambda m: m.loans_late),
        (_("Attendance"), PERCENT_FORMAT, lambda m: _share(m.attendance)),
        (_("Drop-out"), PERCENT_FORMAT, lambda m: _share(m.drop_out)),
    ]


def group_measures_xlsx(group: SavingsGroup, measures: Sequence[CycleMeasures]) -> bytes:
    """The group's measures, cycle by cycle (oldest first), as a one-sheet workbook."""
    columns = _columns()
    workbook = Workbook()
    sheet = cast(Worksheet, workbook.active)  # a new workbook always has one sheet
    sheet.title = _("Measures")[:31]
    sheet.append(spreadsheet_row([group.name]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([header for header, _format, _value in columns])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    for cycle_measures in measures:
        sheet.append(spreadsheet_row([value(cycle_measures) for _h, _f, value in columns]))
    format_columns(
        sheet,
        {
            number: number_format
            for number, (_header, number_format, _value) in enumerate(columns, start=1)
            if number_format is not None
        },
        first_row=HEADER_ROW + 1,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
