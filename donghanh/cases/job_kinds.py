"""The caseload's exports as background jobs: the Excel list and the de-identified HTCDS CSV.

A list of any length is written by a worker, never inside a web request. The job acts as the
member who asked for it and checks, when it runs, that they may still export the
organisation's cases (a role changed in between ends it with nothing written). The file is
stored encrypted by the jobs app, downloaded by its owner alone until it expires, and every
download is audited there; the export itself is audited here with its kind and its number
of cases, never who is in it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from donghanh.cases import exports, services
from donghanh.cases.models import Case
from donghanh.jobs.context import JobContext
from donghanh.jobs.files import XLSX
from donghanh.jobs.registry import job_kind
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import memberships_for

# How often, in cases, the job reports its progress (and may be stopped).
PROGRESS_EVERY = 200


def _membership(ctx: JobContext) -> Membership | None:
    """The owner's membership of the job's organisation, if it still allows exporting."""
    for membership in memberships_for(ctx.actor.user):
        if membership.organisation_id == ctx.organisation_id:
            return membership if role_allows(membership.role, Perm.EXPORT_CASES) else None
    return None


def _export(
    ctx: JobContext,
    *,
    cases: Callable[[Membership], QuerySet[Case]],
    rows: Callable[[Membership, QuerySet[Case]], Iterator[list[Any]]],
    write: Callable[[Membership, Iterator[list[Any]], IO[bytes]], None],
    message: str,
    name: tuple[str, str],
    content_type: str,
    audited_as: str,
) -> None:
    """The export's common course: check the owner may still export, write the cases a chunk
    at a time to an anonymous temporary file (gone once closed), reporting progress, store it
    encrypted as the job's result, and audit the export with its number of cases."""
    membership = _membership(ctx)
    if membership is None:
        ctx.progress(
            0, 0, _("You may no longer export this organisation's cases: nothing was exported.")
        )
        return
    chosen = cases(membership)
    total = chosen.count()

    def counted() -> Iterator[list[Any]]:
        done = 0
        ctx.progress(0, total, message)
        for row in rows(membership, chosen):
            yield row
            done += 1
            if done % PROGRESS_EVERY == 0:
                ctx.progress(done, total, message)
        ctx.progress(done, total, message)

    with tempfile.TemporaryFile() as target:
        write(membership, counted(), target)
        target.seek(0)
        stamp = timezone.localdate().strftime("%Y%m%d")
        prefix, extension = name
        file_name = f"{prefix}-{membership.organisation.slug}-{stamp}.{extension}"
        ctx.save_result_file(file_name, content_type, target)
    with ctx.atomic():
        services.case_export_record(
            organisation=membership.organisation, kind=audited_as, count=total, actor=ctx.actor
        )


def _filters(ctx: JobContext) -> dict[str, Any]:
    return dict(ctx.parameters.get("filters", {}))


@job_kind(services.EXPORT_JOB_KINDS["xlsx"], label=gettext_lazy("Excel list of cases"))
def export_xlsx(ctx: JobContext) -> None:
    def cases(membership: Membership) -> QuerySet[Case]:
        identities = exports.sees_identities(membership.role)
        return exports.cases_for_list_export(membership, _filters(ctx), identities=identities)

    def rows(membership: Membership, chosen: QuerySet[Case]) -> Iterator[list[Any]]:
        return exports.xlsx_rows(chosen, identities=exports.sees_identities(membership.role))

    def write(membership: Membership, found: Iterator[list[Any]], target: IO[bytes]) -> None:
        exports.write_xlsx(found, target, identities=exports.sees_identities(membership.role))

    _export(
        ctx,
        cases=cases,
        rows=rows,
        write=write,
        message=_("Writing the spreadsheet"),
        name=("cases", "xlsx"),
        content_type=XLSX,
        audited_as="xlsx",
    )


@job_kind(
    services.EXPORT_JOB_KINDS["htcds"],
    label=gettext_lazy("De-identified statistics of cases (HTCDS CSV)"),
)
def export_htcds_csv(ctx: JobContext) -> None:
    def write(_membership: Membership, found: Iterator[list[Any]], target: IO[bytes]) -> None:
        for line in exports.htcds_csv_lines(found):
            target.write(line)

    _export(
        ctx,
        cases=lambda membership: exports.cases_for_statistics(membership, _filters(ctx)),
        rows=lambda _membership, chosen: exports.htcds_rows(chosen),
        write=write,
        message=_("Writing the CSV file"),
        name=("htcds", "csv"),
        content_type="text/csv",
        audited_as="htcds csv, de-identified",
    )
