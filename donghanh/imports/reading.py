"""Reading an uploaded spreadsheet, row by row, with every limit checked before it can hurt.

Two formats come in: Excel workbooks (.xlsx, read with openpyxl in its streaming mode) and CSV
(UTF-8 with or without a byte-order mark, UTF-16 as Excel's "Unicode text" writes it, and
Windows-1258, the code page a Vietnamese Windows writes). The format is told by the bytes, not
by the file name.

A file that cannot be imported safely is refused with `FileRefusedError`, whose message says in the
reader's language what is wrong and what to do: an empty file, a damaged or
password-protected workbook, an old .xls, a workbook that unpacks to far more than its size
(a zip bomb), more columns or rows than allowed, a cell longer than Excel itself allows, a CSV
that mixes encodings, merged cells in the heading row. A formula is not refused here: it is
handed on as a `Formula`, so that the check names the cell it is in.

The heading row is the row, among the first few, whose cells best match the names of the
columns expected (a title above the headings is common); rows above it are left out.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from donghanh.imports import config

XLSX = "xlsx"
CSV = "csv"

# How many rows from the top may hold a title or notes above the heading row.
HEADER_SEARCH_ROWS = 10
# A workbook of more files than this is not one Excel wrote.
MAX_ZIP_ENTRIES = 2000
# A sheet whose XML unpacks to less than this is searched for merged heading cells at upload.
QUICK_MERGE_SCAN_BYTES = 5 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptionInfo".encode("utf-16-le")
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
# Valid multi-byte UTF-8 sequences: Vietnamese letters are two-byte (à, ơ, ư, đ…) or three-byte
# (ạ, ế, ộ…: U+1EA0–U+1EFF, E1 BA/BB xx).
_UTF8_VIETNAMESE = re.compile(rb"\xe1[\xba\xbb][\x80-\xbf]|[\xc3\xc4\xc6][\x80-\xbf]")


class FileRefusedError(Exception):
    """The file cannot be imported; `message` says why and what to do, in the reader's
    language; `code` names the reason for the audit log."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula: its text, never its result (the file is not trusted to
    compute anything, and a formula's cached result may be stale)."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Sheet:
    """An opened file: its heading row and, row by row, the data under it.

    `rows` yields (row number as the spreadsheet program shows it, cells) for every row that is
    not blank, each padded to the number of headings; it raises FileRefusedError as soon as a row
    breaks a limit. `rows_above` counts the rows left out above the headings.
    """

    format: str
    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    rows_above: int = 0
    # About how many rows the file holds (a workbook's declared size, a CSV's lines): the
    # progress bar's total, never a limit.
    expected_rows: int | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for closer in self._closers:
            closer()
        self._closers.clear()


HeaderScore = Callable[[Sequence[str]], int]


def cell_name(row: int, column_index: int) -> str:
    """ "C5" for the third column of row 5 (columns counted from 0)."""
    return f"{get_column_letter(column_index + 1)}{row}"


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def sniff_format(data: bytes) -> str:
    """XLSX or CSV, from the bytes; FileRefusedError for anything else."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise FileRefusedError(_("The file is empty: it has no rows to import."), code="empty")
    if data.startswith(b"PK\x03\x04"):
        return XLSX
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_PACKAGE in data[:1_000_000] or _ENCRYPTED_PACKAGE in data:
            raise FileRefusedError(
                _(
                    "The workbook is protected with a password, so it cannot be read. Open it "
                    "in Excel, remove the password (File › Info › Protect Workbook › Encrypt "
                    "with Password, then clear it), save it and upload it again."
                ),
                code="password",
            )
        raise FileRefusedError(
            _(
                "This is an old Excel file (.xls). Open it in Excel, save it as an Excel "
                "workbook (.xlsx) and upload that file."
            ),
            code="old_xls",
        )
    head = data[:8192]
    if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in head:
        raise _broken()
    return CSV


def _broken() -> FileRefusedError:
    return FileRefusedError(
        _(
            "The file cannot be read: it is damaged or it is not a spreadsheet. Open it in "
            "Excel, save it again as an Excel workbook (.xlsx) or as “CSV UTF-8”, and upload "
            "it again."
        ),
        code="broken",
    )


def _too_many_rows() -> FileRefusedError:
    limit = _count(config.max_rows())
    return FileRefusedError(
        _(
            "The file has more than %(limit)s rows. Split it into files of at most %(limit)s "
            "rows and import them one after another."
        )
        % {"limit": limit},
        code="too_many_rows",
    )


def _too_many_columns(row: int, count: int) -> FileRefusedError:
    return FileRefusedError(
        _(
            "Row %(row)s uses %(count)s columns; a sheet can have at most %(limit)s. Delete the "
            "columns that are not needed and upload the file again."
        )
        % {"row": row, "count": _count(count), "limit": _count(config.max_columns())},
        code="too_many_columns",
    )


def _cell_too_long(cell: str, length: int) -> FileRefusedError:
    return FileRefusedError(
        _(
            "Cell %(cell)s holds %(count)s characters; a cell can hold at most %(limit)s. "
            "Shorten it and upload the file again."
        )
        % {"cell": cell, "count": _count(length), "limit": _count(config.max_cell_chars())},
        code="cell_too_long",
    )


def check_size(size: int) -> None:
    limit = config.max_upload_bytes()
    if size > limit:
        raise FileRefusedError(
            _(
                "The file is %(size)s; a file can be at most %(limit)s. Split it into smaller "
                "files and import them one after another."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if size == 0:
        raise FileRefusedError(_("The file is empty: it has no rows to import."), code="empty")


def open_sheet(data: bytes, *, header_score: HeaderScore, full: bool = True) -> Sheet:
    """Open `data` and find its heading row. `full=False` (at upload, in the web request)
    skips what costs time on a large file; the check, in the background, does all of it."""
    check_size(len(data))
    if sniff_format(data) == XLSX:
        return _open_xlsx(data, header_score=header_score, full=full)
    return _open_csv(data, header_score=header_score)


# --- rows, whatever the format -------------------------------------------------------------


def _trimmed(values: list[Any]) -> list[Any]:
    end = len(values)
    while end and _blank(values[end - 1]):
        end -= 1
    return values[:end]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _checked(row: int, values: list[Any]) -> list[Any]:
    """The row's cells without the empty ones at its end, each within the limits."""
    values = _trimmed(values)
    if len(values) > config.max_columns():
        raise _too_many_columns(row, len(values))
    longest = config.max_cell_chars()
    for index, value in enumerate(values):
        text = value.text if isinstance(value, Formula) else value
        if isinstance(text, str) and len(text) > longest:
            raise _cell_too_long(cell_name(row, index), len(text))
    return values


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    text = value.text if isinstance(value, Formula) else str(value)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _split_header(
    numbered: Iterator[tuple[int, list[Any]]], header_score: HeaderScore
) -> tuple[int, list[str], list[tuple[int, list[Any]]], int]:
    """Read the first rows, choose the heading row; (its number, headings, the rows read after
    it, how many rows were left out above it)."""
    first: list[tuple[int, list[Any]]] = []
    for number, values in numbered:
        values = _checked(number, values)
        if values:
            first.append((number, values))
        if len(first) >= HEADER_SEARCH_ROWS:
            break
    if not first:
        raise FileRefusedError(_("The file is empty: it has no rows to import."), code="empty")
    scores = [header_score([_header_text(v) for v in values]) for _n, values in first]
    best = max(range(len(first)), key=lambda i: (scores[i], -i))
    if scores[best] <= 0:
        best = 0
    header_row, header_values = first[best]
    headers = [_header_text(value) for value in header_values]
    return header_row, headers, first[best + 1 :], best


def _data_rows(
    header_count: int,
    buffered: list[tuple[int, list[Any]]],
    numbered: Iterator[tuple[int, list[Any]]],
) -> Iterator[tuple[int, list[Any]]]:
    limit = config.max_rows()
    seen = 0

    def padded(values: list[Any]) -> list[Any]:
        return values + [None] * (header_count - len(values))

    for number, values in buffered:
        seen += 1
        yield number, padded(values)
    for number, values in numbered:
        values = _checked(number, values)
        if not values:
            continue
        seen += 1
        if seen > limit:
            raise _too_many_rows()
        yield number, padded(values)


def _with_headers(
    file_format: str,
    numbered: Iterator[tuple[int, list[Any]]],
    header_score: HeaderScore,
    *,
    merged: Callable[[int], list[str]] | None = None,
) -> Sheet:
    header_row, headers, buffered, above = _split_header(numbered, header_score)
    if merged is not None:
        ranges = merged(header_row)
        if ranges:
            raise FileRefusedError(
                _(
                    "The column headings in %(cells)s are merged cells. Unmerge them so that "
                    "each column has its own heading, all in one row, then upload the file again."
                )
                % {"cells": ", ".join(ranges[:5])},
                code="merged_header",
            )
    if len(headers) > config.max_columns():
        raise _too_many_columns(header_row, len(headers))
    return Sheet(
        format=file_format,
        header_row=header_row,
        headers=headers,
        rows=_data_rows(len(headers), buffered, numbered),
        rows_above=above,
    )


# --- Excel workbooks -----------------------------------------------------------------------


def _checked_archive(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _broken() from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > config.max_unpacked_bytes():
        raise FileRefusedError(
            _(
                "The workbook unpacks to far more data than a spreadsheet of its size holds, "
                "so it was not opened (it may be built to overload the server). Save the sheet "
                "again from Excel and upload the new file."
            ),
            code="zip_bomb",
        )
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        if any(name.startswith(("word/", "ppt/")) for name in names) or "content.xml" in names:
            raise FileRefusedError(
                _(
                    "This file is not an Excel workbook. Upload the list as an Excel workbook "
                    "(.xlsx) or as a CSV file."
                ),
                code="not_a_workbook",
            )
        raise _broken()
    return archive


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str) -> list[tuple[str, int, int]]:
    """The merged ranges of a sheet: (range, first row, last row), read from its XML as a
    stream (openpyxl's streaming mode does not read them)."""
    found: list[tuple[str, int, int]] = []
    tail = b""
    with archive.open(sheet_path) as source:
        while chunk := source.read(1024 * 1024):
            text = tail + chunk
            for match in _MERGE_CELL.finditer(text):
                ref = match.group(1).decode("ascii")
                _min_col, min_row, _max_col, max_row = range_boundaries(ref)
                found.append((ref, int(min_row or 0), int(max_row or min_row or 0)))
            # A match may straddle two chunks: the next read starts with this one's end (what
            # is matched twice is counted once).
            tail = text[-200:]
    return list(dict.fromkeys(found))


def _open_xlsx(data: bytes, *, header_score: HeaderScore, full: bool) -> Sheet:
    archive = _checked_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except FileRefusedError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error on a damaged file
        raise _broken() from None
    if not workbook.worksheets:
        workbook.close()
        raise FileRefusedError(_("The file is empty: it has no rows to import."), code="empty")
    sheet = workbook.worksheets[0]
    sheet_path = getattr(sheet, "_worksheet_path", "")
    declared_rows = sheet.max_row if isinstance(sheet.max_row, int) else None
    # Without its declared size, each row is as wide as its last cell: a declared size of
    # 16,384 columns would otherwise pad every row to that width.
    sheet.reset_dimensions()

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                yield number, [_cell_value(cell) for cell in cells]
        except FileRefusedError:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways as it is read
            raise _broken() from None

    def merged(header_row: int) -> list[str]:
        if not sheet_path:
            return []
        if not full and archive.getinfo(sheet_path).file_size > QUICK_MERGE_SCAN_BYTES:
            return []
        try:
            ranges = _merged_ranges(archive, sheet_path)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            raise _broken() from None
        return [ref for ref, first, last in ranges if first <= header_row <= last]

    result = _with_headers(XLSX, numbered(), header_score, merged=merged)
    if declared_rows:
        result.expected_rows = max(0, declared_rows - result.header_row)
    result._closers.append(workbook.close)
    result._closers.append(archive.close)
    return result


def _cell_value(cell: Any) -> Any:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or type(value).__name__ in (
        "ArrayFormula",
        "DataTableFormula",
    ):
        text = getattr(value, "text", None) or str(value)
        return Formula(text if text.startswith("=") else f"={text}")
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


# --- CSV -----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The text of a CSV file, NFC; FileRefusedError for a file that mixes encodings or is in
    none we read."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8" or data.startswith(codecs.BOM_UTF8):
            raise _mixed() from None
        if _UTF8_VIETNAMESE.search(body):
            # Some lines are UTF-8 and others are not: rows pasted from another file.
            raise _mixed() from None
        try:
            text = body.decode("cp1258")
        except UnicodeDecodeError:
            raise FileRefusedError(
                _(
                    "The file's character encoding is not one we can read. Save it as “CSV "
                    "UTF-8” or as an Excel workbook (.xlsx) and upload it again."
                ),
                code="unknown_encoding",
            ) from None
    # Windows-1258 writes tone marks as separate characters: NFC puts them back on the letter.
    return unicodedata.normalize("NFC", text)


def _mixed() -> FileRefusedError:
    return FileRefusedError(
        _(
            "The file mixes two character encodings (some lines were saved as UTF-8, others "
            "in an older Windows encoding), so some Vietnamese letters would come out garbled. "
            "Open it in Excel, save it as “CSV UTF-8” and upload it again."
        ),
        code="mixed_encoding",
    )


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(data: bytes, *, header_score: HeaderScore) -> Sheet:
    text = decode_text(data)
    if not text.strip():
        raise FileRefusedError(_("The file is empty: it has no rows to import."), code="empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))

    def numbered() -> Iterator[tuple[int, list[Any]]]:
        number = 0
        try:
            for number, values in enumerate(reader, start=1):
                yield number, list(values)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise FileRefusedError(
                    _(
                        "A cell in row %(row)s holds more than %(limit)s characters; a cell can "
                        "hold at most %(limit)s. Shorten it and upload the file again."
                    )
                    % {"row": number + 1, "limit": _count(config.max_cell_chars())},
                    code="cell_too_long",
                ) from None
            raise _broken() from None

    result = _with_headers(CSV, numbered(), header_score)
    result.expected_rows = max(0, text.count("\n") + 1 - result.header_row)
    return result
