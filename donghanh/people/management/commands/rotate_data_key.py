"""Re-encrypt all personal data with the newest key in DATA_ENCRYPTION_KEYS.

Rotating a key:
1. put the new key first in DATA_ENCRYPTION_KEYS, keeping the old one after it, and restart;
2. run `manage.py rotate_data_key` (safe to run while the platform is in use, and again);
3. remove the old key and restart.

The command belongs to the people app, the lowest app that owns something it rebuilds (the
people's blind indexes). Data encrypted outside the database is re-encrypted by the steps the
apps that keep it register (`donghanh.core.key_rotation`; the attachments app: its files).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from donghanh.core.actor import Actor
from donghanh.core.crypto import models_with_encrypted_fields, reencrypt_model
from donghanh.core.key_rotation import key_rotation_steps
from donghanh.people.services import data_key_rotation_record, person_search_indexes_rebuild


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest data key and rebuild blind indexes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Rows per transaction (default 500).",
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        total_values = 0
        for model in models_with_encrypted_fields():
            count = reencrypt_model(model, batch_size=batch_size)
            total_values += count.values_rotated
            self.stdout.write(
                f"{count.model}: {count.rows} rows, {count.rows_changed} re-encrypted "
                f"({count.values_rotated} values)"
            )
        # Blind indexes are keyed from the newest data key too: rewrite those made with older keys.
        actor = Actor.system("rotate_data_key")
        rebuilt = person_search_indexes_rebuild(actor=actor, batch_size=batch_size)
        self.stdout.write(f"people.Person search indexes: {rebuilt} people rebuilt")
        data_key_rotation_record(actor=actor, values_rotated=total_values, indexes_rebuilt=rebuilt)
        # Data kept encrypted outside the database (attachment files): the steps the apps that
        # keep it registered, so that one command leaves nothing only the old key can read.
        for step in key_rotation_steps():
            step.run(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Done: the older keys can now be removed."))
