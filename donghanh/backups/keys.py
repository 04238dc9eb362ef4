"""The backup key and the fingerprints of the data keys, checked before any archive is touched."""

from __future__ import annotations

import base64

from django.conf import settings
from django.utils.translation import gettext as _

from donghanh.backups.archive import decode_key, key_fingerprint
from donghanh.core.crypto import data_keys


class BackupError(Exception):
    """A backup or a restore cannot go on; the message says why, in the platform's language."""


def backup_key() -> bytes:
    """BACKUP_ENCRYPTION_KEY, checked: a key of its own, not one of the data keys."""
    text = str(getattr(settings, "BACKUP_ENCRYPTION_KEY", "") or "")
    if not text:
        raise BackupError(
            _(
                "No backup key: set BACKUP_ENCRYPTION_KEY (or BACKUP_ENCRYPTION_KEY_FILE) for "
                "this command. See docs/backup.md."
            )
        )
    try:
        key = decode_key(text)
    except ValueError:
        raise BackupError(
            _(
                "BACKUP_ENCRYPTION_KEY is not a key: it must be 32 random bytes in URL-safe "
                "base64, generated like a data key. See docs/backup.md."
            )
        ) from None
    if any(_raw(data_key) == key for data_key in data_keys()):
        raise BackupError(
            _(
                "BACKUP_ENCRYPTION_KEY is one of the data keys. The backup key must be a key of "
                "its own, kept apart from the data keys."
            )
        )
    return key


def _raw(data_key: str) -> bytes:
    return base64.urlsafe_b64decode(data_key.encode("ascii"))


def data_key_fingerprints() -> list[str]:
    return [key_fingerprint(_raw(key)) for key in data_keys()]
