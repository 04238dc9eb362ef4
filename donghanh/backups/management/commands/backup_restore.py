"""`manage.py backup_restore FILE`: restore a backup archive into an empty database.

Checks the whole archive first (every chunk, every checksum, and that the configured data keys
decrypt it), then restores the database and the private files, then decrypts every encrypted
value of the restored database. Runs as the owner of the tables when DATABASE_OWNER_URL is
set. See docs/backup.md.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.backups.services import BackupError, backup_restore
from donghanh.core.actor import Actor


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and file folder, after checking it "
        "(see docs/backup.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The archive made by backup_create.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even into a database or file folder that is not empty, or from an "
            "archive of another version.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only check the archive and that the configured data keys read it.",
        )
        parser.add_argument(
            "--extract-data-keys",
            metavar="FILE",
            help="Write the data keys held by an escrow archive to a new FILE, restore nothing.",
        )

    def handle(
        self,
        *args: Any,
        archive: str,
        force: bool,
        verify_only: bool,
        extract_data_keys: str | None,
        **options: Any,
    ) -> None:
        self._verbosity = int(options.get("verbosity", 1))
        try:
            summary = backup_restore(
                actor=Actor.system("backup_restore"),
                archive=Path(archive),
                force=force,
                verify_only=verify_only,
                extract_data_keys_to=Path(extract_data_keys) if extract_data_keys else None,
                progress=self._say,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest, contents = summary.manifest, summary.contents
        self.stdout.write(
            _(
                "Archive made on %(created)s by version %(version)s: a %(vendor)s database "
                "(%(database)s bytes) and %(files)d private files, %(encrypted)d of them "
                "encrypted. Every checksum matches."
            )
            % {
                "created": _local_time(str(manifest.get("created_at", ""))),
                "version": manifest.get("software", {}).get("donghanh") or "?",
                "vendor": manifest.get("database", {}).get("vendor", "?"),
                "database": contents.database_bytes,
                "files": contents.files,
                "encrypted": contents.encrypted_files,
            }
        )
        if summary.data_keys_file is not None:
            self.stdout.write(
                _(
                    "The data keys were written to %(path)s. Put that file where "
                    "DATA_ENCRYPTION_KEYS_FILE points, and keep it as you keep the keys."
                )
                % {"path": summary.data_keys_file}
            )
        elif summary.restored:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Restored. All %(values)d encrypted values of the database were "
                        "decrypted with the configured data keys. Run `manage.py migrate` if "
                        "this version of the platform is newer than the archive."
                    )
                    % {"values": summary.values_checked}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "The archive can be restored: the configured data keys decrypt its "
                        "encrypted files."
                    )
                )
            )

    def _say(self, message: str) -> None:
        if self._verbosity >= 1:
            self.stdout.write(message)


def _local_time(stamp: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp or "?"
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
