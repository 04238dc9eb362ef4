"""The limits of an import (docs/imports.md), read when used, so tests may change them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def max_upload_bytes() -> int:
    """The largest file accepted (IMPORTS_MAX_UPLOAD_MB, 20 by default)."""
    return int(getattr(settings, "IMPORTS_MAX_UPLOAD_MB", 20)) * 1024 * 1024


def max_rows() -> int:
    """The most data rows one file may hold (IMPORTS_MAX_ROWS)."""
    return int(getattr(settings, "IMPORTS_MAX_ROWS", 50_000))


def max_columns() -> int:
    """The most columns a sheet may use; a template has fewer than 30."""
    return int(getattr(settings, "IMPORTS_MAX_COLUMNS", 100))


def max_cell_chars() -> int:
    """The longest text a cell may hold: Excel's own limit."""
    return int(getattr(settings, "IMPORTS_MAX_CELL_CHARS", 32_767))


def max_unpacked_bytes() -> int:
    """How large a workbook may be once unpacked: a workbook is a zip of XML files, and a
    small zip can unpack to gigabytes (a "zip bomb")."""
    return int(getattr(settings, "IMPORTS_MAX_UNPACKED_MB", 300)) * 1024 * 1024


def upload_kept_for() -> timedelta:
    """How long an uploaded file that was never imported is kept (IMPORTS_UPLOAD_KEEP_DAYS)."""
    return timedelta(days=int(getattr(settings, "IMPORTS_UPLOAD_KEEP_DAYS", 7)))


def undo_window() -> timedelta:
    """How long after an import its importer's supervisor may undo it."""
    return timedelta(days=int(getattr(settings, "IMPORTS_UNDO_DAYS", 30)))
