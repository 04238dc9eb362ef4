"""Checking, encrypting and storing attachment files.

Types are recognised from the first bytes of the file (its "magic number"), never from the
name or the type the browser claims; the extension must then agree with what was found.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from donghanh.attachments.models import Attachment
from donghanh.core import filetypes
from donghanh.core.crypto import DecryptionError, data_fernet, rotate_token, token_is_current

# The largest file accepted, in bytes (settings.ATTACHMENT_MAX_BYTES overrides it).
ATTACHMENT_MAX_BYTES = 15 * 1024 * 1024

EXTENSIONS: dict[str, tuple[str, ...]] = {
    kind: filetypes.EXTENSIONS[kind] for kind in Attachment.Kind.values
}


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES))


def sniff(content: bytes) -> str | None:
    """The file type the content really is, or None when it is none of the accepted ones."""
    kind = filetypes.sniff(content)
    return kind if kind in EXTENSIONS else None


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    sha256: str


def check_file(*, name: str, content: bytes) -> CheckedFile:
    """The file, if it is an accepted type under the size limit; ValidationError otherwise."""
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    limit = max_bytes()
    if len(content) > limit:
        raise ValidationError(
            _("The file is too large: at most %(limit)s MB is accepted.")
            % {"limit": f"{limit / (1024 * 1024):g}"},
            code="too_large",
        )
    kind = sniff(content)
    if kind is None:
        raise ValidationError(
            _(
                "This file is not an accepted type. Upload a PDF, a JPEG, PNG or HEIC photo, "
                "or a Word (.docx) document."
            ),
            code="bad_type",
        )
    if Path(name).suffix.lower() not in EXTENSIONS[kind]:
        raise ValidationError(
            _("The file name ends in “%(extension)s” but the file is really a %(kind)s file.")
            % {"extension": Path(name).suffix or "—", "kind": Attachment.Kind(kind).label},
            code="extension_mismatch",
        )
    return CheckedFile(
        content=content, content_type=kind, sha256=hashlib.sha256(content).hexdigest()
    )


# --- Storage ------------------------------------------------------------------------------


def attachment_root() -> Path:
    # The folder keeps the app's old name: the files already stored are there.
    return Path(settings.MEDIA_ROOT) / "casefiles"


def path_of(stored_name: str) -> Path:
    root = attachment_root().resolve()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise ValueError("an attachment path must stay inside the attachment folder")
    return path


def new_stored_name(organisation_id: int) -> str:
    return f"{organisation_id}/{secrets.token_hex(16)}.bin"


def write_encrypted(stored_name: str, content: bytes) -> None:
    """Encrypt the content with the newest data key and write it (never over another file)."""
    path = path_of(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = data_fernet().encrypt(content)
    with open(path, "xb") as out:
        out.write(token)
    path.chmod(0o600)


def read_decrypted(stored_name: str) -> bytes:
    token = path_of(stored_name).read_bytes()
    try:
        return data_fernet().decrypt(token)
    except InvalidToken:
        raise DecryptionError(
            "an attachment cannot be decrypted with any key in DATA_ENCRYPTION_KEYS; "
            "was a key removed before `manage.py rotate_attachment_files` ran?"
        ) from None


def remove_file(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def rotate_file(stored_name: str) -> bool:
    """Re-encrypt one stored file with the newest key; False when it already was."""
    path = path_of(stored_name)
    if not path.exists():
        return False
    token = path.read_bytes().decode("ascii")
    if token_is_current(token):
        return False
    rotated = rotate_token(token).encode("ascii")
    temporary = path.with_suffix(".rotating")
    temporary.write_bytes(rotated)
    temporary.chmod(0o600)
    temporary.replace(path)
    return True
