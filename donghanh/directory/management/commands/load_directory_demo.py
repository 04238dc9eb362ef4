"""`manage.py load_directory_demo`: the confirmed hotlines, real providers and invented examples."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from donghanh.directory.services import DirectoryDemoError, directory_demo_load


class Command(BaseCommand):
    help = (
        "Load the directory's demo providers: the confirmed hotlines, the real organisations of "
        "the seed documents and a few invented examples, marked as such. Running it again "
        "changes nothing, except to put back demo providers changed since. Links providers to "
        "the demo organisations when `load_demo` has created them. Refuses to run in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = directory_demo_load()
        except DirectoryDemoError as exc:
            raise CommandError(str(exc)) from exc
        if not report.changed:
            self.stdout.write(_("Directory demo data is already loaded and up to date."))
            return
        self.stdout.write(
            _("Providers: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )
        self.stdout.write(self.style.SUCCESS(_("Directory demo data loaded.")))
