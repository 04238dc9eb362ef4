"""Re-encrypt the stored attachment files with the newest key in DATA_ENCRYPTION_KEYS.

`manage.py rotate_data_key` runs this command after re-encrypting the database columns; it
can also be run on its own, e.g. after restoring files from a backup.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.casefiles import files
from donghanh.casefiles.models import Attachment


class Command(BaseCommand):
    help = "Re-encrypt every stored attachment file with the newest data key."

    def handle(self, *args: Any, **options: Any) -> None:
        total = rotated = 0
        names = Attachment.objects.order_by("pk").values_list("stored_name", flat=True)
        for stored_name in names.iterator(chunk_size=500):
            total += 1
            if files.rotate_file(stored_name):
                rotated += 1
        self.stdout.write(f"casefiles.Attachment files: {total} files, {rotated} re-encrypted")
        with transaction.atomic():
            audit_record(
                action=AuditAction.UPDATE,
                actor_username="rotate_attachment_files",
                summary=f"data key rotation: {rotated} attachment files re-encrypted",
            )
        self.stdout.write(self.style.SUCCESS("Done."))
