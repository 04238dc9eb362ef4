"""Headers for a file given to a signed-in user: never shown inline, never cached."""

from __future__ import annotations

from typing import TypeVar

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

ResponseT = TypeVar("ResponseT", HttpResponse, StreamingHttpResponse, FileResponse)


def private_download(response: ResponseT, *, filename: str) -> ResponseT:
    """A download that no browser shows inline or guesses the type of, and no cache keeps."""
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
