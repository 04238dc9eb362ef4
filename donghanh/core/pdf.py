"""Fonts for every PDF the platform writes, so that every letter of a person's name prints.

The PDF standard fonts lack most Vietnamese letters, so TrueType fonts are embedded: DejaVu
Sans (Debian's fonts-dejavu-core) sets the text, and each character it lacks is set in the
first fallback font that has it (`pdf_markup`): Noto Sans Thai, Lao, Khmer and Myanmar
(fonts-noto-core) and WenQuanYi Micro Hei for Chinese, Japanese and Korean
(fonts-wqy-microhei). `make pdf-fonts` installs them. reportlab embeds TrueType outlines only,
so Noto's CJK fonts (PostScript outlines) cannot stand in for WenQuanYi.

DejaVu Sans is required. A missing fallback font is not an error: a warning is logged once, its
characters print as empty boxes, and `missing_characters` lets a document say which characters
it could not print. `settings.PDF_FONT_DIRS`, if set, is searched first. Nothing is fetched at
run time.
"""

from __future__ import annotations

import functools
import itertools
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

logger = logging.getLogger(__name__)

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/wqy-microhei",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
)
FONT_FILES = {"DejaVuSans": "DejaVuSans.ttf", "DejaVuSans-Bold": "DejaVuSans-Bold.ttf"}
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@dataclass(frozen=True)
class FallbackFont:
    name: str
    files: tuple[str, ...]  # the first one found is used
    scripts: str  # what it prints, for the warning when it is missing
    package: str  # the Debian package that holds it


FALLBACK_FONTS = (
    FallbackFont("NotoSansThai", ("NotoSansThai-Regular.ttf",), "Thai", "fonts-noto-core"),
    FallbackFont("NotoSansLao", ("NotoSansLao-Regular.ttf",), "Lao", "fonts-noto-core"),
    FallbackFont("NotoSansKhmer", ("NotoSansKhmer-Regular.ttf",), "Khmer", "fonts-noto-core"),
    FallbackFont("NotoSansMyanmar", ("NotoSansMyanmar-Regular.ttf",), "Myanmar", "fonts-noto-core"),
    FallbackFont(
        "CJK",
        ("wqy-microhei.ttc", "wqy-zenhei.ttc"),
        "Chinese, Japanese and Korean",
        "fonts-wqy-microhei",
    ),
)


@dataclass(frozen=True)
class PdfFonts:
    """The fonts registered with reportlab, and the characters each of them has."""

    coverage: dict[str, frozenset[int]]
    fallbacks: tuple[str, ...]  # the fallback fonts found, in the order they are tried


def _find(filename: str) -> Path | None:
    for folder in (*getattr(settings, "PDF_FONT_DIRS", ()), *FONT_DIRS):
        path = Path(folder) / filename
        if path.is_file():
            return path
    return None


def _font_path(filename: str) -> Path:
    path = _find(filename)
    if path is None:
        raise ImproperlyConfigured(
            f"{filename} not found: install Debian's fonts-dejavu-core, or set PDF_FONT_DIRS "
            "to a folder that holds the DejaVu Sans TrueType files"
        )
    return path


def _register(name: str, path: Path) -> frozenset[int]:
    font = TTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return frozenset(font.face.charToGlyph)


def _register_fallback(fallback: FallbackFont) -> frozenset[int] | None:
    for filename in fallback.files:
        path = _find(filename)
        if path is None:
            continue
        try:
            return _register(fallback.name, path)
        except TTFError:
            logger.warning("PDF font %s cannot be embedded (not TrueType outlines)", path)
    logger.warning(
        "No PDF font for %s found: install Debian's %s, or those characters print as boxes",
        fallback.scripts,
        fallback.package,
    )
    return None


@functools.cache
def register_fonts() -> PdfFonts:
    """Register the fonts once per process; every PDF calls this before it is built."""
    coverage = {name: _register(name, _font_path(file)) for name, file in FONT_FILES.items()}
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    fallbacks = []
    for fallback in FALLBACK_FONTS:
        covered = _register_fallback(fallback)
        if covered is not None:
            coverage[fallback.name] = covered
            fallbacks.append(fallback.name)
    return PdfFonts(coverage=coverage, fallbacks=tuple(fallbacks))


def _needs_no_glyph(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def _face_for(char: str, font: str, fonts: PdfFonts) -> str | None:
    """The font that prints `char`: `font` itself, a fallback, or None when none has it."""
    if _needs_no_glyph(char) or ord(char) in fonts.coverage.get(font, frozenset()):
        return font
    for fallback in fonts.fallbacks:
        if ord(char) in fonts.coverage[fallback]:
            return fallback
    return None


def pdf_markup(text: str, font: str = REGULAR) -> str:
    """`text` as markup for a reportlab Paragraph set in `font`: escaped, its line breaks
    kept, and each run of characters `font` lacks set in a fallback font that has them."""
    fonts = register_fonts()
    parts = []
    for face, run in itertools.groupby(text, key=lambda char: _face_for(char, font, fonts)):
        escaped = escape("".join(run)).replace("\n", "<br/>")
        parts.append(escaped if face in (font, None) else f'<font face="{face}">{escaped}</font>')
    return "".join(parts)


def missing_characters(texts: list[str], font: str = REGULAR) -> list[str]:
    """The characters of `texts` that no registered font prints, in the order first met."""
    fonts = register_fonts()
    missing: dict[str, None] = {}
    for text in texts:
        for char in text:
            if char not in missing and _face_for(char, font, fonts) is None:
                missing[char] = None
    return list(missing)
