"""`manage.py load_demo_programmes`: the five seed programmes with fictional records."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from donghanh.demo.management.base import DemoCommand
from donghanh.demo.programme_services import demo_programmes_load


class Command(DemoCommand):
    help = (
        "Load the five seed programmes with their published figures as targets, and fictional "
        "trainings, trainees, people served and shelter stays from which the indicators are "
        "computed. Needs load_demo first. Running it again changes nothing. Refuses to run in "
        "production."
    )

    def handle_demo(self, **options: Any) -> None:
        report = demo_programmes_load()
        if not report.changed:
            self.stdout.write(_("Demo programmes are already loaded."))
            return
        self.stdout.write(
            _(
                "Demo programmes loaded: %(projects)d projects, %(trainees)d trainees, "
                "%(participations)d participations, %(persons)d people, %(services)d services, "
                "%(stays)d shelter stays."
            )
            % {
                "projects": report.projects,
                "trainees": report.trainees,
                "participations": report.participations,
                "persons": report.persons,
                "services": report.services,
                "stays": report.stays,
            }
        )
