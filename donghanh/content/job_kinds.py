"""The public search's indexes, renewed by a job of the background workers after a publication.

A publication (or a change of a public provider) queues one job (`search_indexes_renewal_queue`,
at most one waiting at a time); the job builds the indexes of the current publication into the
shared cache, in small pieces, and the web processes load them from there one piece at a time
while their previous index keeps answering (`donghanh.core.page_cache.PerGeneration`). No web
process builds an index, and none holds the interpreter for long while it loads one.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.content.search import RENEWAL_JOB_KIND, share_search_indexes
from donghanh.jobs.context import JobContext
from donghanh.jobs.registry import job_kind


@job_kind(RENEWAL_JOB_KIND, label=gettext_lazy("Renewal of the public search index"))
def renew_search_indexes(ctx: JobContext) -> None:
    ctx.progress(0, 1, _("Building the public search index"))
    share_search_indexes()
    ctx.progress(1, 1, _("Public search index ready"))
