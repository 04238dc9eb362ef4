"""`manage.py load_demo_livelihood`: the 003 livelihood and reintegration model for the demo."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.demo.livelihood_services import demo_livelihood_load
from donghanh.demo.management.base import DemoCommand


class Command(DemoCommand):
    help = (
        "Load the Centre for Women and Development's livelihood model (programme 003): returned "
        "women's livelihood plans and reintegration assessments, savings groups with a cycle "
        "of meetings and a share-out, safe addresses and the trainees of the three training "
        "rounds. Needs load_demo and load_demo_programmes first. Running it again changes "
        "nothing. Refuses to run in production."
    )

    def handle_demo(self, **options: Any) -> None:
        report = demo_livelihood_load(actor=Actor.system("load_demo_livelihood"))
        if not report.changed:
            self.stdout.write(_("The livelihood demo is already loaded."))
            return
        self.stdout.write(
            _(
                "Livelihood demo loaded: %(women)d women with plans, %(groups)d savings groups "
                "(%(meetings)d meetings), %(places)d safe addresses, %(trainees)d trainees."
            )
            % {
                "women": report.women,
                "groups": report.groups,
                "meetings": report.meetings,
                "places": report.safe_addresses,
                "trainees": report.trainees,
            }
        )
