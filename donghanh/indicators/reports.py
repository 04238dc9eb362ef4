"""Donor reports from indicator results: an XLSX logframe, a PDF with charts and an IATI-style
results export. They take results already suppressed for the viewer, so what a report shows
is exactly what the dashboard shows that viewer."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from donghanh.core.pdf import BOLD, REGULAR, pdf_markup, register_fonts
from donghanh.core.spreadsheets import spreadsheet_row
from donghanh.indicators.results import IndicatorResult
from donghanh.programmes.projects.models import Project

SUPPRESSION_NOTE = (
    "Counts from 1 to 10 are shown as <11, and x marks a number hidden so that a small count "
    "cannot be worked out from the totals."
)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """User text (names, codes) as a paragraph, in a font that has each of its letters."""
    return Paragraph(pdf_markup(text, style.fontName), style)


def _number(value: int | Decimal | None) -> Any:
    return value if value is None or isinstance(value, int) else float(value)


def _cell(figure_text: str, value: int | Decimal | None) -> Any:
    return _number(value) if value is not None else figure_text


def _periods(results: list[IndicatorResult]) -> list[tuple[Any, Any]]:
    seen = {(row.period.start, row.period.end) for result in results for row in result.periods}
    return sorted(seen)


def logframe_xlsx(project: Project, results: list[IndicatorResult], suppressed: bool) -> bytes:
    """Indicators × periods with target and actual, then the disaggregations. Names and codes
    are users' text: a spreadsheet shows them, never runs them as formulas."""
    workbook = Workbook()
    sheet = cast(Worksheet, workbook.active)  # a new workbook always has one sheet
    sheet.title = _("Logframe")[:31]
    periods = _periods(results)
    sheet.append(spreadsheet_row([f"{project.code} {project.local_name}"]))
    sheet["A1"].font = Font(bold=True, size=13)
    if suppressed:
        sheet.append([_(SUPPRESSION_NOTE)])
    header = [_("Level"), _("Code"), _("Indicator"), _("Unit"), _("Baseline")]
    for start, end in periods:
        span = f"{date_format(start, 'SHORT_DATE_FORMAT')}–{date_format(end, 'SHORT_DATE_FORMAT')}"
        header += [f"{_('Target')} {span}", f"{_('Actual')} {span}"]
    header += [_("Target"), _("Actual"), _("Achieved (%)")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for result in results:
        indicator = result.indicator
        output = indicator.output
        by_period = {(row.period.start, row.period.end): row for row in result.periods}
        row: list[Any] = [
            output.code if output else "",
            indicator.code,
            indicator.local_name,
            indicator.local_unit,
            _number(result.baseline),
        ]
        for key in periods:
            period_row = by_period.get(key)
            if period_row is None:
                row += [None, None]
            else:
                row += [
                    _number(period_row.target),
                    _cell(period_row.actual.text, period_row.actual.value),
                ]
        row += [
            _number(result.target),
            _cell(result.actual.text, result.actual.value),
            round(result.percent, 1) if result.percent is not None else None,
        ]
        sheet.append(spreadsheet_row(row))
    details = workbook.create_sheet(_("Disaggregations")[:31])
    details.append([_("Code"), _("Disaggregation"), _("Category"), _("Actual"), _("Share (%)")])
    for cell in details[1]:
        cell.font = Font(bold=True)
    for result in results:
        for breakdown in result.breakdowns:
            if breakdown.withheld:
                details.append(
                    spreadsheet_row(
                        [result.indicator.code, breakdown.label, _("Withheld: numbers too small")]
                    )
                )
                continue
            for item in breakdown.cells:
                share = item.figure.share
                details.append(
                    spreadsheet_row(
                        [
                            result.indicator.code,
                            breakdown.label,
                            item.label,
                            _cell(item.figure.text, item.figure.value),
                            round(share * 100, 1) if share is not None else None,
                        ]
                    )
                )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _achievement_chart(results: list[IndicatorResult]) -> Drawing:
    height = 40 + 22 * len(results)
    drawing = Drawing(170 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 70, 20
    chart.width, chart.height = 170 * mm - 110, height - 30
    chart.data = [[min(result.percent or 0, 150) for result in results] or [0]]
    chart.categoryAxis.categoryNames = [result.indicator.code for result in results] or [""]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 150
    chart.bars[0].fillColor = colors.HexColor("#1d5b8f")
    drawing.add(chart)
    drawing.add(
        String(0, height - 10, _("Share of the target achieved"), fontName=BOLD, fontSize=9)
    )
    return drawing


def _budget_chart(rows: list[Any]) -> Drawing:
    height = 40 + 30 * max(len(rows), 1)
    drawing = Drawing(170 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 70, 20
    chart.width, chart.height = 170 * mm - 110, height - 30
    chart.data = [
        [row.line.amount_vnd / 1_000_000 for row in rows] or [0],
        [row.spent_vnd / 1_000_000 for row in rows] or [0],
    ]
    chart.categoryAxis.categoryNames = [row.line.code for row in rows] or [""]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#9bb8d3")
    chart.bars[1].fillColor = colors.HexColor("#1d5b8f")
    drawing.add(chart)
    drawing.add(
        String(0, height - 10, _("Budget and spending (million VND)"), fontName=BOLD, fontSize=9)
    )
    return drawing


def report_pdf(
    project: Project, results: list[IndicatorResult], budget_rows: list[Any], suppressed: bool
) -> bytes:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)
    title = ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=15, leading=19)
    heading = ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=12, leading=16)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("%(code)s results report") % {"code": project.code},
        author=project.implementing_organisation.local_name,
        lang=get_language() or settings.LANGUAGE_CODE,
    )
    today = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    story: list[Any] = [
        _p(f"{project.code} {project.local_name}", title),
        _p(_("Results report as of %(day)s") % {"day": today}, body),
        Spacer(1, 4 * mm),
    ]
    if suppressed:
        story += [_p(_(SUPPRESSION_NOTE), body), Spacer(1, 3 * mm)]
    rows: list[list[Any]] = [
        [_("Code"), _("Indicator"), _("Target"), _("Actual"), _("Achieved (%)")]
    ]
    for result in results:
        rows.append(
            [
                _p(result.indicator.code, body),
                _p(result.indicator.local_name, body),
                "" if result.target is None else f"{_number(result.target):g}",
                result.actual.text,
                "" if result.percent is None else f"{result.percent:.0f}%",
            ]
        )
    table = Table(rows, colWidths=[18 * mm, 90 * mm, 20 * mm, 20 * mm, 22 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
            ]
        )
    )
    story += [
        _p(_("Progress against targets"), heading),
        table,
        Spacer(1, 4 * mm),
        _achievement_chart(results),
    ]
    for result in results:
        for breakdown in result.breakdowns:
            if breakdown.withheld or not breakdown.cells:
                continue
            text = ", ".join(f"{cell.label}: {cell.figure.text}" for cell in breakdown.cells)
            story.append(_p(f"{result.indicator.code} · {breakdown.label}: {text}", body))
    story += [
        Spacer(1, 4 * mm),
        _p(_("Budget and spending"), heading),
        _budget_chart(budget_rows),
    ]
    document.build(story)
    return buffer.getvalue()


def iati_results(project: Project, results: list[IndicatorResult], suppressed: bool) -> dict:
    """The results part of an IATI activity, as JSON: activity → results → indicators →
    periods with target and actual (a hidden actual is null, with its marker as a comment)."""

    def value(figure: Any) -> dict[str, Any]:
        if figure.value is None:
            return {"value": None, "comment": figure.text}
        return {"value": _number(figure.value)}

    by_output: dict[Any, list[IndicatorResult]] = {}
    for result in results:
        by_output.setdefault(result.indicator.output, []).append(result)
    return {
        "iati-activity": {
            "iati-identifier": f"{project.implementing_organisation.slug}-{project.code}",
            "title": project.name,
            "reporting-org": project.implementing_organisation.name,
            "activity-date": {
                "start-planned": project.start_on.isoformat() if project.start_on else None,
                "end-planned": project.end_on.isoformat() if project.end_on else None,
            },
            "small-cell-suppression": suppressed,
            "result": [
                {
                    "type": "1",  # IATI ResultType 1: output
                    "aggregation-status": True,
                    "title": output.name if output else project.name,
                    "indicator": [
                        {
                            "ref": result.indicator.code,
                            "measure": "1",  # IATI IndicatorMeasure 1: unit
                            "ascending": result.indicator.direction != "decrease",
                            "title": result.indicator.name,
                            "baseline": {"value": _number(result.baseline)},
                            "period": [
                                {
                                    "period-start": row.period.start.isoformat(),
                                    "period-end": row.period.end.isoformat(),
                                    "target": {"value": _number(row.target)},
                                    "actual": value(row.actual),
                                }
                                for row in result.periods
                            ],
                        }
                        for result in output_results
                    ],
                }
                for output, output_results in by_output.items()
            ],
        }
    }
