"""`manage.py load_demo_cases`: fictional people and cases for the demo (`make run`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.demo.case_services import demo_cases_load
from donghanh.demo.management.base import DemoCommand


class Command(DemoCommand):
    help = (
        "Load fictional people and cases (with consents, needs, plans, services, shelter stays, "
        "follow-ups and referrals) for the demo organisations. Needs load_demo and "
        "load_directory_demo first. Running it again changes nothing. Refuses to run in "
        "production."
    )

    def handle_demo(self, **options: Any) -> None:
        report = demo_cases_load(actor=Actor.system("load_demo_cases"))
        if not report.changed:
            self.stdout.write(_("Demo cases are already loaded."))
            return
        if not report.persons:
            self.stdout.write(
                _("Demo cases are already loaded; %(count)d of them now have their demo worker.")
                % {"count": report.assigned}
            )
            return
        self.stdout.write(
            _(
                "Demo cases loaded: %(persons)d people, %(cases)d cases, %(services)d services, "
                "%(referrals)d referrals."
            )
            % {
                "persons": report.persons,
                "cases": report.cases,
                "services": report.services,
                "referrals": report.referrals,
            }
        )
