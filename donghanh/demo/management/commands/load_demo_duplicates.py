"""`manage.py load_demo_duplicates`: people registered twice, and a scan, for the demo."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.demo.duplicates_services import demo_duplicates_load
from donghanh.demo.management.base import DemoCommand


class Command(DemoCommand):
    help = (
        "Register a few fictional people of a demo organisation a second time, as happens, and "
        "scan the organisation for records of the same person, so that the duplicates review "
        "queue is not empty. Needs load_demo_cases first. Running it again changes nothing. "
        "Refuses to run in production."
    )

    def handle_demo(self, **options: Any) -> None:
        report = demo_duplicates_load(actor=Actor.system("load_demo_duplicates"))
        if not report.changed:
            self.stdout.write(_("The duplicates review demo is already loaded."))
            return
        self.stdout.write(
            _("Duplicates review demo loaded: %(persons)d records, %(pairs)d likely pairs.")
            % {"persons": report.persons, "pairs": report.pairs}
        )
