"""`manage.py load_demo`: the seed documents' organisations and the demo accounts (`make run`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from donghanh.demo.management.base import DemoCommand
from donghanh.demo.services import demo_load


class Command(DemoCommand):
    help = (
        "Load the organisations named in the seed documents and the demo accounts. Running it "
        "again changes nothing, except to restore demo accounts changed while testing. Refuses "
        "to run in production."
    )

    def handle_demo(self, **options: Any) -> None:
        report = demo_load()
        if not report.changed:
            self.stdout.write(_("Demo data is already loaded and up to date."))
            return
        for label, count in (
            (_("Organisations"), report.organisations),
            (_("Demo users"), report.users),
        ):
            self.stdout.write(
                _("%(what)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
                % {
                    "what": label,
                    "created": count.created,
                    "updated": count.updated,
                    "unchanged": count.unchanged,
                }
            )
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
