"""Reads of the registry scan's pairs and of merges, always scoped to what the reviewer may see.

The review queue is the supervisors' (`review_duplicates`); deciding on a pair, merging and
undoing a merge also need the right to edit cases. A pair is shown only when the reviewer may
open both records (`people.selectors.persons_visible_to`): a pair with a person of a case
restricted to others is not shown, nor told to exist; an outsider gets 404 everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Case as Switch
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from donghanh.cases.models import Case
from donghanh.core.queries import CompiledRead
from donghanh.duplicates.models import CandidatePair, Decision, PersonMerge, RegistryScan
from donghanh.duplicates.scan import ROW_COLUMNS, PersonRow
from donghanh.jobs.models import Job
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.people.models import Person
from donghanh.people.selectors import persons_visible_to

SCAN_JOB_KIND = "duplicates.scan"
NIGHTLY_SCAN_JOB_KIND = "duplicates.scan_nightly"


class PairAccess(NamedTuple):
    membership: Membership
    pair: CandidatePair


class MergeAccess(NamedTuple):
    membership: Membership
    merge: PersonMerge


def may_decide(membership: Membership) -> bool:
    """Whether the member may decide on pairs, merge and undo (besides reviewing)."""
    return role_allows(membership.role, Perm.REVIEW_DUPLICATES) and role_allows(
        membership.role, Perm.EDIT_CASES
    )


def _pairs_visible_to(membership: Membership) -> QuerySet[CandidatePair]:
    """The organisation's pairs of two records the member may open, neither merged away."""
    visible = persons_visible_to(membership)
    return CandidatePair.objects.filter(
        organisation_id=membership.organisation_id,
        person_a__in=visible.values("pk"),
        person_b__in=visible.values("pk"),
    )


def pairs_to_review(membership: Membership) -> QuerySet[CandidatePair]:
    """The pairs to review, strongest first, those postponed after (none for a role that does
    not review duplicates)."""
    pairs = _pairs_visible_to(membership).filter(decision__in=[Decision.OPEN, Decision.LATER])
    if not role_allows(membership.role, Perm.REVIEW_DUPLICATES):
        return pairs.none()
    return pairs.select_related(
        "person_a__current_commune__province", "person_b__current_commune__province"
    ).order_by(
        Switch(
            When(decision=Decision.LATER, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        "-weight",
        "id",
    )


def recent_merges(membership: Membership, *, limit: int = 10) -> list[PersonMerge]:
    """The organisation's latest merges whose surviving record the member may open."""
    if not role_allows(membership.role, Perm.REVIEW_DUPLICATES):
        return []
    return list(
        PersonMerge.objects.filter(
            organisation_id=membership.organisation_id,
            survivor__in=persons_visible_to(membership).values("pk"),
        )
        .select_related("survivor")
        .order_by("-merged_at", "-id")[:limit]
    )


def access_review_queue(user: Any, org_slug: str) -> Membership:
    return access_membership(user, org_slug, Perm.REVIEW_DUPLICATES)


def access_scan_request(user: Any, org_slug: str) -> Membership:
    return access_membership(user, org_slug, Perm.REVIEW_DUPLICATES)


def access_candidate_pair(user: Any, org_slug: str, pair_id: int, *, decide: bool) -> PairAccess:
    """A pair of the organisation whose two records the member may open (404 otherwise, as if
    it did not exist); `decide`: the member must also be allowed to decide (403)."""
    membership = access_membership(user, org_slug, Perm.REVIEW_DUPLICATES)
    if decide and not may_decide(membership):
        raise PermissionDenied
    try:
        pair = (
            _pairs_visible_to(membership)
            .select_related(
                "organisation",
                "person_a__current_commune__province",
                "person_b__current_commune__province",
            )
            .get(pk=pair_id)
        )
    except CandidatePair.DoesNotExist:
        raise Http404 from None
    return PairAccess(membership, pair)


def access_person_merge(user: Any, org_slug: str, merge_id: int, *, decide: bool) -> MergeAccess:
    """A merge of the organisation whose surviving record the member may open."""
    membership = access_membership(user, org_slug, Perm.REVIEW_DUPLICATES)
    if decide and not may_decide(membership):
        raise PermissionDenied
    try:
        merge = (
            PersonMerge.objects.filter(
                organisation_id=membership.organisation_id,
                survivor__in=persons_visible_to(membership).values("pk"),
            )
            .select_related("survivor", "merged", "organisation")
            .get(pk=merge_id)
        )
    except PersonMerge.DoesNotExist:
        raise Http404 from None
    return MergeAccess(membership, merge)


def last_scan(organisation: Organisation) -> RegistryScan | None:
    return RegistryScan.objects.filter(organisation=organisation).order_by("-started_at").first()


def scan_waiting(organisation: Organisation) -> Job | None:
    """A scan of the organisation asked for and not finished yet, if there is one."""
    return (
        Job.objects.filter(
            organisation=organisation,
            kind=SCAN_JOB_KIND,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        )
        .order_by("created_at")
        .first()
    )


# How many people a scan reads at a time.
SCAN_BATCH = 2000


def _scan_persons(organisation: Organisation) -> QuerySet[Person]:
    return Person.objects.filter(organisation=organisation, merged_into__isnull=True)


def persons_to_scan_count(organisation: Organisation) -> int:
    return _scan_persons(organisation).count()


def persons_to_scan(organisation: Organisation, *, batch: int = SCAN_BATCH) -> Iterator[PersonRow]:
    """Every person of the organisation not merged away, as the columns the matcher compares,
    read `batch` at a time in id order (never the whole organisation's records at once)."""
    last = 0
    while True:
        rows = list(
            _scan_persons(organisation)
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list(*ROW_COLUMNS)[:batch]
        )
        for values in rows:
            yield PersonRow(*values)
        if len(rows) < batch:
            return
        last = rows[-1][0]


def organisations_to_scan() -> list[Organisation]:
    """The active organisations with at least two people, for the nightly scan."""
    return list(
        Organisation.objects.filter(is_active=True)
        .annotate(people=Count("persons", filter=Q(persons__merged_into__isnull=True)))
        .filter(people__gte=2)
        .order_by("pk")
    )


def merge_of_decided_pair(membership: Membership, pair_id: int) -> PersonMerge | None:
    """The merge a pair of the organisation ended in, if the member may open its survivor (a
    merge form sent twice finds the merge the first one made)."""
    return (
        PersonMerge.objects.filter(
            pair_id=pair_id,
            organisation_id=membership.organisation_id,
            undone_at__isnull=True,
            survivor__in=persons_visible_to(membership).values("pk"),
        )
        .order_by("-merged_at")
        .first()
    )


def has_restricted_case(person_ids: list[int]) -> bool:
    return Case.objects.filter(person_id__in=person_ids, is_restricted=True).exists()


# --- for the API: which organisation a record belongs to (`api.access.organisation_slug_of`) -


def every_pair() -> QuerySet[CandidatePair]:
    return CandidatePair.objects.all()


def every_merge() -> QuerySet[PersonMerge]:
    return PersonMerge.objects.all()


def every_scan_job() -> QuerySet[Job]:
    return Job.objects.filter(kind=SCAN_JOB_KIND)


def access_scan_job(user: Any, org_slug: str, job_id: Any) -> tuple[Membership, Job]:
    """A scan asked for in the organisation (by any of its reviewers), for a reviewer there."""
    membership = access_membership(user, org_slug, Perm.REVIEW_DUPLICATES)
    job = every_scan_job().filter(organisation_id=membership.organisation_id, pk=job_id).first()
    if job is None:
        raise Http404
    return membership, job


def scan_of_job(job: Job) -> RegistryScan | None:
    """What the scan the job ran found, once it started."""
    return RegistryScan.objects.filter(job=job).order_by("-started_at").first()


def merges_into(membership: Membership, person_id: int) -> list[PersonMerge]:
    """The merges (not undone) that made other records one with this person's, oldest first,
    for the note on the person's page (ids and dates only)."""
    return list(
        PersonMerge.objects.filter(
            organisation_id=membership.organisation_id,
            survivor_id=person_id,
            undone_at__isnull=True,
        ).order_by("merged_at", "id")
    )


def merge_note(
    membership: Membership, person_id: int, merges: list[PersonMerge] | None = None
) -> dict[str, Any]:
    """The note of the merges into the person's record (`merges`, if already read)."""
    return {
        "merges": merges_into(membership, person_id) if merges is None else merges,
        "can_open": role_allows(membership.role, Perm.REVIEW_DUPLICATES),
    }


# The case page's read of the merges into its person's record, compiled once per process and
# run with the page's other reads (`donghanh.core.sections`).
_merges_into_person = CompiledRead(
    lambda organisation_id, person_id: (
        PersonMerge.objects.filter(
            organisation_id=organisation_id, survivor_id=person_id, undone_at__isnull=True
        )
        # What the note shows: not the encrypted record kept to undo the merge.
        .only("organisation_id", "survivor_id", "merged_id", "merged_at", "undone_at")
        .order_by("merged_at", "id")
    )
)
CASE_PAGE_READS: dict[str, CompiledRead[Any]] = {"merges": _merges_into_person}
