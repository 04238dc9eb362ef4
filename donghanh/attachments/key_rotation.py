"""The attachments app's step of a data key rotation (`donghanh.core.key_rotation`): every
stored file re-encrypted with the newest key, and the line the command prints about it."""

from __future__ import annotations

from collections.abc import Callable

from donghanh.attachments.services import attachment_files_rotate
from donghanh.core.actor import Actor

# The audit rows of a rotation name this actor, whichever command ran it.
ROTATION_ACTOR = "rotate_attachment_files"


def rotation_report(total: int, rotated: int) -> str:
    return f"attachments.Attachment files: {total} files, {rotated} re-encrypted"


def attachment_files_rotation_step(write: Callable[[str], None]) -> None:
    """The key rotation step of this app, registered in its `AppConfig.ready()`."""
    write(rotation_report(*attachment_files_rotate(actor=Actor.system(ROTATION_ACTOR))))
