"""`manage.py rebuild_person_tokens`: write every person's blind indexes and name tokens afresh.

Run it once after deploying a version that indexes people differently (this one adds the keys
the registration hint finds a person by, `people.indexes.person_token_indexes`): until it has
run, a person registered before the upgrade is hinted only once their record is next saved.
It is safe to run while the platform is in use, and again: one transaction per batch of people
(`--batch-size`), each row locked while its batch is written, so that no request waits long
and a large registry is never rewritten in one transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.people.services import person_search_indexes_rebuild, person_tokens_rebuild_record

REBUILD = Actor.system("rebuild_person_tokens")


class Command(BaseCommand):
    help = (
        "Write every person's blind indexes and name tokens afresh, a batch of people per "
        "transaction: after deploying a version that indexes people differently."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="People per transaction (default 500)."
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError(_("The batch size must be at least 1."))
        started = time.perf_counter()
        changed = person_search_indexes_rebuild(actor=REBUILD, batch_size=batch_size)
        person_tokens_rebuild_record(actor=REBUILD, people=changed)
        self.stdout.write(
            _("Search indexes rebuilt: %(people)d people changed, in %(seconds).1f s.")
            % {"people": changed, "seconds": time.perf_counter() - started}
        )
