"""`manage.py backup_create --output FILE [--include-data-keys]`: one encrypted backup archive.

The archive holds the database, every file under PRIVATE_MEDIA_ROOT and a manifest, encrypted
under BACKUP_ENCRYPTION_KEY. The data keys are not in it unless --include-data-keys asks for an
escrow archive. See docs/backup.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from donghanh.backups.services import BackupError, backup_create
from donghanh.core.actor import Actor


class Command(BaseCommand):
    help = (
        "Write one archive of the database and the private files, encrypted under "
        "BACKUP_ENCRYPTION_KEY (see docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="The archive to write (new file).")
        parser.add_argument(
            "--include-data-keys",
            action="store_true",
            help="Also put the data keys in the archive (an escrow copy under the backup key).",
        )

    def handle(self, *args: Any, output: str, include_data_keys: bool, **options: Any) -> None:
        self._verbosity = int(options.get("verbosity", 1))
        try:
            summary = backup_create(
                actor=Actor.system("backup_create"),
                output=Path(output),
                include_data_keys=include_data_keys,
                progress=self._say,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _(
                "Backup written to %(path)s: the database (%(database)s bytes) and %(files)d "
                "private files (%(bytes)s bytes)."
            )
            % {
                "path": summary.path,
                "database": summary.database_bytes,
                "files": summary.files,
                "bytes": summary.file_bytes,
            }
        )
        self.stdout.write(
            _("Backup key fingerprint: %(backup)s. Data key fingerprints: %(data)s.")
            % {
                "backup": summary.backup_key_fingerprint,
                "data": ", ".join(summary.data_key_fingerprints),
            }
        )
        if summary.includes_data_keys:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "This archive holds the data keys: whoever has it and the backup key "
                        "can read every encrypted record. Keep it as you keep the keys."
                    )
                )
            )
        else:
            self.stdout.write(
                _(
                    "The data keys are not in the archive: a restore needs them as well as the "
                    "backup key."
                )
            )

    def _say(self, message: str) -> None:
        if self._verbosity >= 1:
            self.stdout.write(message)
