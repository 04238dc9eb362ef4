"""Receiving an upload in memory only, and never more of it than a limit.

Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file on disk. A
page whose files must never lie around unencrypted, or whose files have a size limit, sets this
handler instead (before anything reads `request.POST`, so the view is `csrf_exempt` and checks
the token itself once the handler is set):

    request.upload_handlers = [BoundedMemoryUploadHandler(request, limit=10 * 1024 * 1024)]

It keeps at most `limit` bytes of each file in memory and, past that, only counts them: the
file's `size` is the size sent, so that the page can refuse it and say how large it was.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
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
