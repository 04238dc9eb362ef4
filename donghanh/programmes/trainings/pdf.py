"""A training certificate as a one-page A4 landscape PDF, in DejaVu Sans so that Vietnamese
letters (ạ, ế, ơ, ư, đ…) render, and a name in another script in a font that has it: the fonts
come from donghanh.core.pdf."""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from donghanh.core.pdf import BOLD, REGULAR, pdf_markup, register_fonts
from donghanh.programmes.trainings.models import TrainingParticipation


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=13, leading=18, alignment=TA_CENTER)
    return {
        "organisation": ParagraphStyle("organisation", parent=body, fontName=BOLD, fontSize=12),
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=28, leading=34),
        "name": ParagraphStyle("name", parent=body, fontName=BOLD, fontSize=24, leading=30),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=10, leading=13),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(pdf_markup(text, style.fontName), style)


def certificate_pdf(participation: TrainingParticipation) -> bytes:
    register_fonts()
    styles = _styles()
    training = participation.training
    project = training.project
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=18 * mm,
        # The metadata names no one: a file's properties travel further than its pages.
        title=_("Training certificate"),
        author=project.implementing_organisation.local_name,
    )
    dates = date_format(training.start_on, "SHORT_DATE_FORMAT")
    if training.end_on != training.start_on:
        dates = f"{dates} – {date_format(training.end_on, 'SHORT_DATE_FORMAT')}"
    issued = participation.certificate_issued_on or training.end_on
    story = [
        _p(project.implementing_organisation.local_name.upper(), styles["organisation"]),
        _p(f"{project.code} · {project.local_name}", styles["small"]),
        Spacer(1, 14 * mm),
        _p(_("CERTIFICATE"), styles["title"]),
        Spacer(1, 6 * mm),
        _p(_("This certifies that"), styles["body"]),
        Spacer(1, 3 * mm),
        _p(participation.participant.full_name, styles["name"]),
        Spacer(1, 3 * mm),
        _p(_("took part in the training"), styles["body"]),
        _p(f"“{training.title}”", styles["organisation"]),
        _p(
            _("held at %(place)s, %(dates)s.") % {"place": training.place or "—", "dates": dates},
            styles["body"],
        ),
        Spacer(1, 12 * mm),
        _p(
            _("Certificate number %(number)s, issued on %(date)s.")
            % {
                "number": participation.certificate_number,
                "date": date_format(issued, "SHORT_DATE_FORMAT"),
            },
            styles["small"],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
