"""The file of a programme publication: checked, encrypted at rest, served as a download.

Only the document types people publish are taken (PDF, Word and Excel documents, PNG and
JPEG images), recognised from their content (`donghanh.core.filetypes`) and matching their
name, up to PUBLICATION_MAX_BYTES. The file is kept under MEDIA_ROOT/publications (never served
by URL) with a random name, encrypted with the data keys the way background jobs keep their
results (`donghanh.jobs.files`); a data key rotation re-encrypts it (`files_rotate`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from donghanh.core import filetypes
from donghanh.core.crypto import rotate_token, token_is_current
from donghanh.jobs import files as stored_files

FOLDER = "publications"

# The largest file accepted, in bytes (settings.PUBLICATION_MAX_BYTES overrides it).
PUBLICATION_MAX_BYTES = 10 * 1024 * 1024

# The types a publication may be, in the order the refusal names them.
ACCEPTED_TYPES = (filetypes.PDF, filetypes.DOCX, filetypes.XLSX, filetypes.PNG, filetypes.JPEG)

# What an older file of another type is served as (files stored before types were checked).
FALLBACK_CONTENT_TYPE = stored_files.FALLBACK_CONTENT_TYPE


def max_bytes() -> int:
    return int(getattr(settings, "PUBLICATION_MAX_BYTES", PUBLICATION_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str


def _refused(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def check_file(*, name: str, size: int, read: Callable[[], bytes]) -> CheckedFile:
    """The file, if it is an accepted type under the size limit; ValidationError otherwise.

    `size` is the size sent, checked before anything is read: an upload handler may have kept
    only the first part of a file that is too large.
    """
    limit = max_bytes()
    if size > limit:
        raise _refused(
            _(
                "The file is too large (%(size)s MB): a publication may be at most %(limit)s MB. "
                "Make the file smaller, or record a link to it instead."
            )
            % {
                "size": number_format(size / (1024 * 1024), decimal_pos=1),
                "limit": f"{limit / (1024 * 1024):g}",
            },
            "too_large",
        )
    content = read()
    if not content:
        raise _refused(_("The file is empty."), "empty")
    kind = filetypes.sniff(content)
    if kind not in ACCEPTED_TYPES:
        raise _refused(
            _(
                "This file is not an accepted type. Upload a PDF, a Word (.docx) or Excel "
                "(.xlsx) document, or a PNG or JPEG image."
            ),
            "bad_type",
        )
    if not filetypes.extension_agrees(name, kind):
        raise _refused(
            _("The file name ends in “%(extension)s” but the file is really a %(kind)s file.")
            % {"extension": Path(name).suffix or "—", "kind": filetypes.LABELS[kind]},
            "extension_mismatch",
        )
    return CheckedFile(name=stored_files.safe_file_name(name), content=content, content_type=kind)


def save(content: bytes) -> str:
    """Store `content` encrypted; the random name it is stored under."""
    name = stored_files.new_stored_name()
    stored_files.write_encrypted(name, content, folder=FOLDER)
    return name


def read(stored_name: str) -> bytes:
    return b"".join(stored_files.read_decrypted(stored_name, folder=FOLDER))


def remove(stored_name: str) -> None:
    stored_files.remove_file(stored_name, folder=FOLDER)


def rotate(stored_name: str) -> bool:
    """Re-encrypt one stored file with the newest key; False when it already was (or is gone)."""
    path = stored_files.path_of(stored_name, folder=FOLDER)
    if not path.exists():
        return False
    tokens = [line.strip().decode("ascii") for line in path.read_bytes().splitlines()]
    tokens = [token for token in tokens if token]
    if all(token_is_current(token) for token in tokens):
        return False
    temporary = path.with_suffix(".rotating")
    temporary.unlink(missing_ok=True)
    with open(temporary, "xb") as out:
        temporary.chmod(0o600)
        for token in tokens:
            out.write(rotate_token(token).encode("ascii") + b"\n")
    temporary.replace(path)
    return True
