"""Re-encrypt the stored attachment files with the newest key in DATA_ENCRYPTION_KEYS.

`manage.py rotate_data_key` does this too, after re-encrypting the database columns (the
attachments app registers it as a key rotation step); this command can also be run on its own,
e.g. after restoring files from a backup.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from donghanh.attachments.key_rotation import ROTATION_ACTOR, rotation_report
from donghanh.attachments.services import attachment_files_rotate
from donghanh.core.actor import Actor


class Command(BaseCommand):
    help = "Re-encrypt every stored attachment file with the newest data key."

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system(ROTATION_ACTOR)
        self.stdout.write(rotation_report(*attachment_files_rotate(actor=actor)))
        self.stdout.write(self.style.SUCCESS("Done."))
