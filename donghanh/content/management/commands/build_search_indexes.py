"""Build the public search's indexes and the directory's vocabularies into the shared cache, as a
deployment step.

Run after `migrate` (and after loading articles) on a new platform: the web processes then load
the built copy when they start, and no search ever waits for a build. Safe to run again: an
index already built for the current publication is loaded, not built a second time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from donghanh.content.search import build_search_indexes, indexes
from donghanh.directory.search import build_directory_vocabularies, vocabularies


class Command(BaseCommand):
    help = "Build the public search's indexes and the directory's vocabularies (shared cache)."

    def handle(self, *args: Any, **options: Any) -> None:
        before = indexes.builds + vocabularies.builds
        build_search_indexes()
        build_directory_vocabularies()
        self.stdout.write(
            _("Search indexes ready (%(built)s built, the others loaded).")
            % {"built": indexes.builds + vocabularies.builds - before}
        )
