"""A person's data as a PDF they can read and keep.

The first page says what the document is and which rights the person has (`notice`); then the
data, section by section, one table of labelled values per record. Everything is in the active
language. Text is set with `donghanh.core.pdf`, which prints every script a name may hold, and
the copy says which characters it could not print when a font is missing.

A table row cannot be split across pages, so a long value (a case note of many pages) is cut
into rows of a few lines each, at line breaks, then at spaces: the table then breaks between
them.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from donghanh.core.pdf import BOLD, REGULAR, missing_characters, pdf_markup, register_fonts
from donghanh.core.person_export import ExportRecord
from donghanh.privacy.exporters import PersonExport

# The most characters a table row holds: about a dozen lines of the value column, far less
# than a page even in the widest script.
ROW_CHARACTERS = 800


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
        "notice": ParagraphStyle("notice", parent=body, fontSize=10, leading=13.5, spaceAfter=4),
        "muted": ParagraphStyle("muted", parent=body, textColor=colors.HexColor("#555555")),
        "label": ParagraphStyle("label", parent=body, fontName=BOLD),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(pdf_markup(text, style.fontName), style)


def value_pieces(value: str, size: int = ROW_CHARACTERS) -> list[str]:
    """`value` cut into pieces of at most `size` characters: at line breaks where it can, then
    at spaces, then anywhere (a run with no space, such as a long name in Chinese)."""
    pieces: list[str] = []
    current = ""
    for line in value.split("\n"):
        while len(line) > size:
            cut = line.rfind(" ", size // 2, size)
            cut = cut if cut > 0 else size
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        joined = f"{current}\n{line}" if current else line
        if current and len(joined) > size:
            pieces.append(current)
            current = line
        else:
            current = joined
    pieces.append(current)
    return pieces


def _record_table(record: ExportRecord, width: float, styles: dict[str, ParagraphStyle]) -> Any:
    label_width = 55 * mm
    rows: list[list[Any]] = []
    last_rows: list[int] = []
    for item in record.fields:
        for number, piece in enumerate(value_pieces(item.display)):
            label = _p(item.label, styles["label"]) if number == 0 else ""
            rows.append([label, _p(piece, styles["body"])])
        last_rows.append(len(rows) - 1)
    table = Table(rows, colWidths=[label_width, width - label_width], hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [
        ("LINEBELOW", (0, row), (-1, row), 0.25, colors.HexColor("#cccccc")) for row in last_rows
    ]
    table.setStyle(TableStyle(commands))
    return table


def _notice_story(export: PersonExport, styles: dict[str, ParagraphStyle]) -> list[Any]:
    notice = export.notice()
    story: list[Any] = [_p(notice.title, styles["section"])]
    story += [_p(paragraph, styles["notice"]) for paragraph in notice.about]
    story.append(_p(notice.rights_title, styles["record"]))
    items = [
        ListItem([_p(right.name, styles["label"]), _p(right.text, styles["notice"])], leftIndent=12)
        for right in notice.rights
    ]
    story.append(
        ListFlowable(items, bulletType="bullet", start="•", bulletFontName=REGULAR, leftIndent=12)
    )
    story.append(_p(notice.how_title, styles["record"]))
    story += [_p(paragraph, styles["notice"]) for paragraph in notice.how]
    story.append(Spacer(1, 2 * mm))
    story.append(_p(notice.safety, styles["label"]))
    return story


def _all_text(export: PersonExport) -> list[str]:
    texts = [export.organisation]
    for section in export.sections:
        texts.append(section.label)
        for record in section.records:
            texts.append(record.title)
            texts += [text for item in record.fields for text in (item.label, item.display)]
    return texts


def render_person_export(export: PersonExport) -> bytes:
    """The export as an A4 PDF, in the active language."""
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
    story: list[Any] = [
        _p(_("Copy of personal data"), styles["title"]),
        _p(
            _("Held by %(organisation)s, as of %(when)s. Record number %(number)s.")
            % {
                "organisation": export.organisation,
                "when": export.generated_display,
                "number": export.person_id,
            },
            styles["muted"],
        ),
        Spacer(1, 4 * mm),
        *_notice_story(export, styles),
        PageBreak(),
    ]
    missing = missing_characters(_all_text(export))
    if missing:
        story.append(
            _p(
                _(
                    "Some characters of this copy cannot be printed with the fonts of this "
                    "server and show as empty boxes: %(characters)s. The copy in JSON holds "
                    "them exactly."
                )
                % {"characters": " ".join(f"U+{ord(char):04X}" for char in missing[:20])},
                styles["muted"],
            )
        )
    for section in export.sections:
        heading = _p(section.label, styles["section"])
        if not section.records:
            story.append(KeepTogether([heading, _p(_("Nothing recorded."), styles["muted"])]))
            continue
        story.append(heading)
        for record in section.records:
            if record.title != section.label:
                story.append(_p(record.title, styles["record"]))
            if record.fields:
                story.append(_record_table(record, document.width, styles))
    document.build(story)
    return buffer.getvalue()
