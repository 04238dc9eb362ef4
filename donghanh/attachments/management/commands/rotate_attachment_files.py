"""Re-encrypt the stored attachment files with the newest key in DATA_ENCRYPTION_KEYS.

`manage.py rotate_data_key` does this too, after re-encrypting the database columns (the
attachments app registers it as a key rotation step); this command can also be run on its own,
e.g. after restoring files from a backup.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from donghanh.attachments.services import attachment_files_rotate, rotation_report


class Command(BaseCommand):
    help = "Re-encrypt every stored attachment file with the newest data key."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(rotation_report(*attachment_files_rotate()))
        self.stdout.write(self.style.SUCCESS("Done."))
