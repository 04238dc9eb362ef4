"""Fonts for every PDF the platform writes, so that Vietnamese letters (ạ, ế, ơ, ư, đ…) render.

The PDF standard fonts lack most Vietnamese letters, so a TrueType font is embedded: DejaVu
Sans, from Debian's fonts-dejavu-core (installed on every machine of this project).
`settings.PDF_FONT_DIRS`, if set, is searched first. Nothing is fetched at run time.
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)
FONT_FILES = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf"}
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def _font_path(filename: str) -> Path:
    for folder in (*getattr(settings, "PDF_FONT_DIRS", ()), *FONT_DIRS):
        path = Path(folder) / filename
        if path.is_file():
            return path
    raise ImproperlyConfigured(
        f"{filename} not found: install Debian's fonts-dejavu-core, or set PDF_FONT_DIRS "
        "to a folder that holds the DejaVu Sans TrueType files"
    )


@functools.cache
def register_fonts() -> None:
    for name, filename in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(_font_path(filename))))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
