"""Refresh the places tables from donghanh/places/data/places.json.gz (safe to run again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from donghanh.core.actor import Actor
from donghanh.places.loading import DATA_FILE
from donghanh.places.services import places_refresh


class Command(BaseCommand):
    help = "Load or refresh Vietnam's administrative units from the committed data file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="places data file")

    def handle(self, *args: Any, **options: Any) -> None:
        report = places_refresh(actor=Actor.system("manage.py load_places"), path=options["file"])
        if report.changed:
            self.stdout.write(f"places updated: {report.summary()}")
        else:
            self.stdout.write("places already up to date")
