"""The programmes app's step of a data key rotation (`donghanh.core.key_rotation`): every
publication file re-encrypted with the newest key, and the line the command prints about it."""

from __future__ import annotations

from collections.abc import Callable

from donghanh.core.actor import Actor
from donghanh.programmes.outreach.services import publication_files_rotate

# The audit rows of a rotation name this actor, whichever command ran it.
ROTATION_ACTOR = "rotate_publication_files"


def publication_files_rotation_step(write: Callable[[str], None]) -> None:
    """The key rotation step of this app, registered in its `AppConfig.ready()`."""
    total, rotated = publication_files_rotate(actor=Actor.system(ROTATION_ACTOR))
    write(f"programmes.Publication files: {total} files, {rotated} re-encrypted")
