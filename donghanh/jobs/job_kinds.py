"""The jobs app's own job kind: the nightly deletion of expired result files."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from donghanh.jobs.context import JobContext
from donghanh.jobs.registry import job_kind
from donghanh.jobs.services import job_results_purge_expired


@job_kind("jobs.purge_expired_results", label=_("Deleting expired result files"), nightly=True)
def purge_expired_results(ctx: JobContext) -> None:
    ctx.progress(0, 1, _("Deleting expired result files"))
    deleted = job_results_purge_expired(actor=ctx.actor)
    message = ngettext(
        "%(count)s expired result file deleted", "%(count)s expired result files deleted", deleted
    )
    ctx.progress(1, 1, message % {"count": deleted})
