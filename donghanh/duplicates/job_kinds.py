"""The registry scan as background jobs: asked for by a supervisor, and every night.

The matcher runs over all of an organisation's people outside any transaction (it only reads);
what it finds is stored in one transaction (`ctx.atomic()`), so a scan stopped half way stores
nothing. Each scan's start and end (or failure) is audited in the organisation's log.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.core.actor import Actor
from donghanh.duplicates import services
from donghanh.duplicates.scan import find_pairs
from donghanh.duplicates.selectors import (
    NIGHTLY_SCAN_JOB_KIND,
    SCAN_JOB_KIND,
    organisations_to_scan,
    persons_to_scan,
    persons_to_scan_count,
)
from donghanh.jobs.context import JobContext
from donghanh.jobs.registry import job_kind
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import memberships_for

NIGHTLY_ACTOR = "nightly duplicate scan"


def scan_organisation(
    ctx: JobContext, organisation: Organisation, actor: Actor, *, nightly: bool
) -> None:
    """Scan one organisation's people and store the pairs found."""
    ctx.progress(0, 3, _("Reading the records"))
    scan = services.registry_scan_start(
        organisation=organisation,
        records=persons_to_scan_count(organisation),
        actor=actor,
        job_id=ctx.job_id,
        nightly=nightly,
    )
    try:
        ctx.progress(1, 3, _("Comparing the records"))
        result = find_pairs(persons_to_scan(organisation))
        ctx.progress(2, 3, _("Storing the likely pairs"))
        with ctx.atomic():
            services.registry_scan_finish(scan=scan, result=result, actor=actor)
    except BaseException:
        services.registry_scan_fail(scan=scan, actor=actor)
        raise
    ctx.progress(3, 3, _("Scan finished"))


@job_kind(SCAN_JOB_KIND, label=gettext_lazy("Scan for records of the same person"))
def scan(ctx: JobContext) -> None:
    """The scan a supervisor asked for, of their organisation, if they still review duplicates."""
    for membership in memberships_for(ctx.actor.user):
        if membership.organisation_id == ctx.organisation_id and role_allows(
            membership.role, Perm.REVIEW_DUPLICATES
        ):
            scan_organisation(
                ctx,
                membership.organisation,
                ctx.actor.within(membership.organisation),
                nightly=False,
            )
            return
    ctx.progress(
        0, 0, _("You may no longer review this organisation's duplicates: nothing was scanned.")
    )


@job_kind(
    NIGHTLY_SCAN_JOB_KIND,
    label=gettext_lazy("Nightly scan for records of the same person"),
    nightly=True,
)
def scan_nightly(ctx: JobContext) -> None:
    """Every active organisation's people, one organisation after the other."""
    actor = Actor.system(NIGHTLY_ACTOR)
    for organisation in organisations_to_scan():
        scan_organisation(ctx, organisation, actor.within(organisation), nightly=True)
