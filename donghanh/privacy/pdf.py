"""A person's data as a PDF they can read, with Vietnamese text set in a font that has it
(`donghanh.core.pdf`)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from donghanh.core.pdf import BOLD, REGULAR, register_fonts
from donghanh.privacy.exporters import PersonExport


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=16, leading=20),
        "section": ParagraphStyle(
            "section", parent=body, fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=8
        ),
        "record": ParagraphStyle(
            "record", parent=body, fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=4
        ),
        "body": body,
        "muted": ParagraphStyle("muted", parent=body, textColor=colors.HexColor("#555555")),
        "label": ParagraphStyle("label", parent=body, fontName=BOLD),
    }


def _text(value: str) -> str:
    return escape(value).replace("\n", "<br/>")


def render_person_export(export: PersonExport) -> bytes:
    """The export as an A4 PDF: one table of labelled values per record."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        # The metadata names no one: a file's properties travel further than its pages.
        title=_("Copy of personal data"),
        author=export.organisation,
        lang=get_language() or settings.LANGUAGE_CODE,
    )
    generated = date_format(timezone.localtime(export.generated_at), "SHORT_DATETIME_FORMAT")
    story: list = [
        Paragraph(_text(_("Copy of personal data")), styles["title"]),
        Paragraph(
            _text(
                _("Held by %(organisation)s, as of %(when)s. Record number %(number)s.")
                % {
                    "organisation": export.organisation,
                    "when": generated,
                    "number": export.person_id,
                }
            ),
            styles["muted"],
        ),
        Spacer(1, 4 * mm),
    ]
    label_width = 55 * mm
    value_width = document.width - label_width
    for section in export.sections:
        story.append(Paragraph(_text(section.label), styles["section"]))
        if not section.records:
            story.append(Paragraph(_text(_("Nothing recorded.")), styles["muted"]))
            continue
        for record in section.records:
            if record.title != section.label:
                story.append(Paragraph(_text(record.title), styles["record"]))
            rows = [
                [
                    Paragraph(_text(item.label), styles["label"]),
                    Paragraph(_text(item.display), styles["body"]),
                ]
                for item in record.fields
            ]
            if not rows:
                continue
            table = Table(rows, colWidths=[label_width, value_width], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            story.append(table)
    document.build(story)
    return buffer.getvalue()
