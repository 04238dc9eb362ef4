"""Receiving an uploaded spreadsheet: in memory only, never in a temporary file on disk (a
list of people must not lie around unencrypted), and never more than the import limit.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file. The upload
page uses this handler instead: it keeps at most IMPORTS_MAX_UPLOAD_MB in memory and, past that,
only counts the bytes, so that the page can say how large the file was.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from donghanh.imports import config


class ImportUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.limit = config.max_upload_bytes()
        self.buffer = io.BytesIO()
        self.size = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.size = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.size += len(raw_data)
        if self.size <= self.limit:
            self.buffer.write(raw_data)
        # Past the limit the bytes are dropped: the page refuses the file by its size.
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
