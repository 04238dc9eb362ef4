"""What an uploaded file really is, from its first bytes (its "magic number") and, for Office
documents, the structure of the zip they are: never from the name or the type a browser claims.

Apps that accept files (case attachments, programme publications) choose which of these types
they take, then check that the name's extension agrees with what was found.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The extensions a file of each type may carry, and the name people know the type by.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    HEIC: (".heic", ".heif"),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}
LABELS: dict[str, str] = {
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    HEIC: "HEIC",
    DOCX: "DOCX",
    XLSX: "XLSX",
}

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

# The part an Office document of each type must hold, beside [Content_Types].xml.
_OFFICE_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


def _office_type(content: bytes) -> str | None:
    """DOCX or XLSX when the zip holds that document's parts and no macros; only the
    directory is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None  # a macro-enabled document (.docm, .xlsm) under another name
    for kind, part in _OFFICE_PARTS.items():
        if part in names:
            return kind
    return None


def sniff(content: bytes) -> str | None:
    """The type the content really is (a MIME type of this module), or None when it is none
    of them."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS:
        return HEIC
    if content.startswith(b"PK\x03\x04"):
        return _office_type(content)
    return None


def extension_agrees(name: str, kind: str) -> bool:
    """Whether the file name ends in an extension of the type found."""
    return Path(name).suffix.lower() in EXTENSIONS.get(kind, ())
