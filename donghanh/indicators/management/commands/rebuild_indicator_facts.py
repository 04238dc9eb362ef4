"""`manage.py rebuild_indicator_facts`: build the pre-counted facts of projects afresh."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.indicators.selectors import facts_agree_with_records
from donghanh.indicators.services import project_facts_rebuild
from donghanh.programmes.projects.models import Project

REBUILD = Actor.system("rebuild_indicator_facts")


class Command(BaseCommand):
    help = (
        "Build the pre-counted facts that indicator figures are counted from, afresh from the "
        "records: after deploying this version over existing data, after a bulk import that "
        "wrote around the services, or when a record is dated outside the years the facts "
        "cover. With --check, only compare the figures from the facts with the figures counted "
        "from the records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", type=int, action="append", help="a project id")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        projects = Project.objects.order_by("pk")
        if options["project"]:
            projects = projects.filter(pk__in=options["project"])
            if projects.count() != len(set(options["project"])):
                raise CommandError(_("No project has that id."))
        failed = []
        for project in projects:
            if options["check"]:
                differing = facts_agree_with_records(project)
                if differing:
                    failed.append(project.pk)
                    self.stdout.write(
                        _("Project %(id)d: the facts differ from the records for %(codes)s.")
                        % {"id": project.pk, "codes": ", ".join(differing)}
                    )
                continue
            started = time.perf_counter()
            rows = project_facts_rebuild(actor=REBUILD, project=project)
            self.stdout.write(
                _("Project %(id)d: %(rows)d fact rows in %(seconds).1f s.")
                % {"id": project.pk, "rows": rows, "seconds": time.perf_counter() - started}
            )
        if failed:
            raise CommandError(_("Rebuild the facts of these projects: %(ids)s.") % {
                "ids": ", ".join(str(pk) for pk in failed)})  # fmt: skip
        if options["check"]:
            self.stdout.write(_("The facts agree with the records."))
