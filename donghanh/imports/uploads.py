"""Receiving an uploaded spreadsheet: in memory only, never in a temporary file on disk (a
list of people must not lie around unencrypted), and never more than the import limit.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file. The upload
page uses this handler instead: it keeps at most IMPORTS_MAX_UPLOAD_MB in memory and, past that,
only counts the bytes, so that the page can say how large the file was.
"""

from __future__ import annotations

from typing import Any

from donghanh.core.uploads import BoundedMemoryUploadHandler
from donghanh.imports import config


class ImportUploadHandler(BoundedMemoryUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request, limit=config.max_upload_bytes())
