"""`manage.py load_directory_demo`: the confirmed hotlines, real providers and invented examples."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from donghanh.demo.directory_services import directory_demo_load
from donghanh.demo.management.base import DemoCommand


class Command(DemoCommand):
    help = (
        "Load the directory's demo providers: the confirmed hotlines, the real organisations of "
        "the seed documents and a few invented examples, marked as such. Running it again "
        "changes nothing, except to put back demo providers changed since. Links providers to "
        "the demo organisations when `load_demo` has created them. Refuses to run in production."
    )

    def handle_demo(self, **options: Any) -> None:
        report = directory_demo_load()
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
