"""The review of records of the same person: `/api/v1/duplicates/pairs/` (the queue),
`/api/v1/duplicates/pairs/{id}/` (one pair) with `…/decision/` and `…/merge/`,
`/api/v1/duplicates/scans/` (ask for a scan) and `…/scans/{job}/` (follow it),
`/api/v1/duplicates/merges/{id}/` (one merge) and `…/undo/`.

Everything goes through donghanh.duplicates exactly as the review pages do: `pairs_to_review`
for the queue, `access_candidate_pair` and `access_person_merge` for one record (a pair only
when the caller may open both records; an outsider gets 404 as if it did not exist; reviewing
is `review_duplicates`, deciding, merging and undoing also need `edit_cases`: 403), and the
services, which check the state and versions and write the audit rows. The old id of a record
merged away answers `/api/v1/persons/{id}/` with a redirect to the surviving record.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case as Switch
from django.db.models import IntegerField, QuerySet, Value, When
from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.api.access import api_memberships, organisation_slug_of
from donghanh.api.pagination import PagePagination
from donghanh.api.serializers import (
    OutputSerializer,
    QueryParameters,
    error_responses,
    query_parameters,
)
from donghanh.api.throttling import IdentityListLimited
from donghanh.api.v1.cases import IDEMPOTENCY_KEY, KEY_HEADER
from donghanh.core.actor import request_actor
from donghanh.core.forms import service_error_body
from donghanh.duplicates import services
from donghanh.duplicates.forms import COMPARISON_LABELS, LEVEL_LABELS, field_rows
from donghanh.duplicates.models import CandidatePair, Decision, PersonMerge, RegistryScan
from donghanh.duplicates.selectors import (
    access_candidate_pair,
    access_person_merge,
    access_review_queue,
    access_scan_job,
    access_scan_request,
    every_merge,
    every_pair,
    every_scan_job,
    may_decide,
    merge_of_decided_pair,
    pairs_to_review,
    scan_of_job,
)
from donghanh.jobs.models import Job
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm
from donghanh.people.models import Person

DECISIONS = [Decision.NOT_SAME.value, Decision.LATER.value]
CHOICES = [services.SURVIVOR, services.MERGED]


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Answers.


class PersonRefSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="The record's address in the API.")
    full_name = serializers.CharField()


class EvidenceSerializer(OutputSerializer):
    field = serializers.ChoiceField(choices=list(COMPARISON_LABELS))
    label = serializers.CharField(help_text="The field's name in the request's language.")
    level = serializers.CharField(
        help_text="How the two agree, as the matcher names it; empty when one side does not say."
    )
    level_label = serializers.CharField(help_text="How the two agree, in the request's language.")
    weight = serializers.FloatField(
        help_text="Bits of evidence for (positive) or against (negative) one person."
    )
    agrees = serializers.BooleanField()


class FieldRowSerializer(OutputSerializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text="The field's name in the request's language.")
    value_a = serializers.CharField(help_text="As the record page shows it; empty when empty.")
    value_b = serializers.CharField()
    differs = serializers.BooleanField()


def _person_ref(person: Person, request: Any) -> dict[str, Any]:
    path = reverse("api:person_detail", kwargs={"person_id": person.pk})
    return {"id": person.pk, "url": _absolute(request, path), "full_name": person.full_name}


class PairSummarySerializer(OutputSerializer):
    """A pair as the queue lists it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    organisation = serializers.SlugField(source="organisation.slug")
    person_a = serializers.SerializerMethodField(help_text="The record with the lower id.")
    person_b = serializers.SerializerMethodField()
    weight = serializers.FloatField(
        help_text="The evidence that the two are one person, in bits (log2 of the odds)."
    )
    probability = serializers.FloatField(help_text="The chance that the two are one person.")
    decision = serializers.ChoiceField(choices=Decision.choices)
    version = serializers.IntegerField(help_text="Send it back with a decision.")
    cluster = serializers.IntegerField(
        allow_null=True,
        help_text="The smallest record id of the group of records linked by likely pairs.",
    )
    cluster_size = serializers.IntegerField()
    found_at = serializers.DateTimeField()
    comparisons = serializers.SerializerMethodField(
        help_text="Why they match: each field compared, strongest evidence first."
    )

    def get_url(self, pair: CandidatePair) -> str:
        path = reverse("api:duplicate_pair_detail", kwargs={"pair_id": pair.pk})
        return _absolute(self.context.get("request"), path)

    @extend_schema_field(PersonRefSerializer)
    def get_person_a(self, pair: CandidatePair) -> dict[str, Any]:
        return _person_ref(pair.person_a, self.context.get("request"))

    @extend_schema_field(PersonRefSerializer)
    def get_person_b(self, pair: CandidatePair) -> dict[str, Any]:
        return _person_ref(pair.person_b, self.context.get("request"))

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_comparisons(self, pair: CandidatePair) -> list[dict[str, Any]]:
        items = sorted(pair.comparisons, key=lambda item: -abs(float(item["weight"])))
        return [
            {
                "field": item["field"],
                "label": str(COMPARISON_LABELS.get(item["field"], item["field"])),
                "level": item["level"],
                "level_label": str(LEVEL_LABELS.get(item["level"], item["level"])),
                "weight": float(item["weight"]),
                "agrees": float(item["weight"]) > 0,
            }
            for item in items
        ]


class PairSerializer(PairSummarySerializer):
    """One pair, as its page shows it: the two records side by side and why they match."""

    side_by_side = serializers.SerializerMethodField(
        help_text="The two records' fields side by side."
    )
    decided_at = serializers.DateTimeField(allow_null=True)
    can_decide = serializers.SerializerMethodField(
        help_text="Whether you may decide on this pair or merge it now."
    )

    @extend_schema_field(FieldRowSerializer(many=True))
    def get_side_by_side(self, pair: CandidatePair) -> list[dict[str, Any]]:
        return [
            {
                "field": row.name,
                "label": str(row.label),
                "value_a": row.value_a,
                "value_b": row.value_b,
                "differs": row.differs,
            }
            for row in field_rows(pair.person_a, pair.person_b)
        ]

    def get_can_decide(self, pair: CandidatePair) -> bool:
        return bool(self.context.get("can_decide")) and pair.decision != Decision.MERGED


class ScanFiguresSerializer(OutputSerializer):
    outcome = serializers.ChoiceField(choices=RegistryScan.Outcome.choices)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    records = serializers.IntegerField(help_text="Records compared.")
    pairs = serializers.IntegerField(help_text="Likely pairs found.")
    new_pairs = serializers.IntegerField()
    clusters = serializers.IntegerField()


class ScanJobSerializer(OutputSerializer):
    """A scan asked for: the background job running it, and once it started, its figures."""

    id = serializers.UUIDField(source="pk")
    url = serializers.SerializerMethodField(help_text="Read it again here to follow the scan.")
    organisation = serializers.SlugField(source="organisation.slug")
    status = serializers.ChoiceField(choices=Job.Status.choices)
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField(allow_null=True)
    progress_message = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    scan = serializers.SerializerMethodField()

    def get_url(self, job: Job) -> str:
        path = reverse("api:duplicate_scan_detail", kwargs={"job_id": job.pk})
        return _absolute(self.context.get("request"), path)

    @extend_schema_field(ScanFiguresSerializer(allow_null=True))
    def get_scan(self, job: Job) -> dict[str, Any] | None:
        scan = scan_of_job(job)
        return None if scan is None else dict(ScanFiguresSerializer(scan).data)


class MergedRefSerializer(OutputSerializer):
    id = serializers.IntegerField()


class MergeSerializer(OutputSerializer):
    """Two records made one, and whether it can still be undone."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    organisation = serializers.SlugField(source="organisation.slug")
    survivor = serializers.SerializerMethodField(help_text="The record kept.")
    merged = serializers.SerializerMethodField(
        help_text="The record merged away: its address leads to the record kept."
    )
    pair = serializers.IntegerField(source="pair_id", allow_null=True)
    merged_at = serializers.DateTimeField()
    chosen = serializers.DictField(
        child=serializers.ChoiceField(choices=CHOICES),
        help_text="Whose value each field kept: the record kept's or the merged record's.",
    )
    moved = serializers.IntegerField(
        source="moved_count", help_text="Rows of other records moved to the record kept."
    )
    undo_until = serializers.DateTimeField()
    can_be_undone = serializers.BooleanField()
    undone_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, merge: PersonMerge) -> str:
        path = reverse("api:duplicate_merge_detail", kwargs={"merge_id": merge.pk})
        return _absolute(self.context.get("request"), path)

    @extend_schema_field(PersonRefSerializer)
    def get_survivor(self, merge: PersonMerge) -> dict[str, Any]:
        return _person_ref(merge.survivor, self.context.get("request"))

    @extend_schema_field(MergedRefSerializer)
    def get_merged(self, merge: PersonMerge) -> dict[str, Any]:
        return {"id": merge.merged_id}


# Requests.


class PairListQuery(QueryParameters):
    organisation = serializers.SlugField(
        required=False,
        help_text="Only this organisation's pairs (its slug); by default every organisation "
        "where you review duplicates.",
    )
    decision = serializers.ChoiceField(
        choices=[Decision.OPEN.value, Decision.LATER.value],
        required=False,
        help_text="Only the pairs to review, or only those postponed; by default both, the "
        "postponed ones last.",
    )


class ScanRequestSerializer(serializers.Serializer):
    organisation = serializers.SlugField(help_text="The organisation to scan (its slug).")


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=DECISIONS,
        help_text="`not_same`: not the same person (no scan suggests them again); `later`: "
        "the pair stays in the queue, after the others.",
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The pair's `version` as you read it."
    )


class MergeRequestSerializer(serializers.Serializer):
    survivor = serializers.IntegerField(help_text="The id of the record to keep (one of the two).")
    choices = serializers.DictField(
        child=serializers.ChoiceField(choices=CHOICES),
        required=False,
        default=dict,
        help_text="For a field on which the two differ, whose value to keep: `survivor` (the "
        "record kept's, the default) or `merged`. Fields: " + ", ".join(services.CHOSEN_FIELDS),
    )
    version_a = serializers.IntegerField(
        required=False, help_text="`person_a`'s version as you read it (the record's `version`)."
    )
    version_b = serializers.IntegerField(required=False)


# Helpers.


def _actor(request: Request, membership: Membership) -> Any:
    return request_actor(request._request, organisation=membership.organisation)


def _pair(request: Request, pair_id: int, *, decide: bool) -> tuple[Membership, CandidatePair]:
    slug = organisation_slug_of(request.user, every_pair(), pair_id, Perm.REVIEW_DUPLICATES)
    membership, pair = access_candidate_pair(request.user, slug, pair_id, decide=decide)
    return membership, pair


def _merge(request: Request, merge_id: int, *, decide: bool) -> tuple[Membership, PersonMerge]:
    slug = organisation_slug_of(request.user, every_merge(), merge_id, Perm.REVIEW_DUPLICATES)
    membership, merge = access_person_merge(request.user, slug, merge_id, decide=decide)
    return membership, merge


def _pair_answer(request: Request, membership: Membership, pair: CandidatePair) -> Response:
    context = {"request": request, "can_decide": may_decide(membership)}
    return Response(PairSerializer(pair, context=context).data)


def _refusal(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(service_error_body(error))


# Endpoints.


class PairListView(IdentityListLimited, APIView):
    pagination_class = PagePagination

    @extend_schema(
        summary="List the likely pairs of records of the same person to review",
        description="Strongest first, those postponed last; only pairs of two records you "
        "may open.",
        parameters=[PairListQuery],
        responses={
            200: PairSummarySerializer(many=True),
            **error_responses(400, 401, 403, 404, 429),
        },
    )
    def get(self, request: Request) -> Response:
        params = PairListQuery(data=query_parameters(request))
        params.is_valid(raise_exception=True)
        data = params.validated_data
        memberships = api_memberships(
            request.user, Perm.REVIEW_DUPLICATES, data.get("organisation", "")
        )
        found: QuerySet[CandidatePair] = reduce(
            operator.or_, (pairs_to_review(m).order_by() for m in memberships)
        )
        if data.get("decision"):
            found = found.filter(decision=data["decision"])
        found = found.select_related("organisation", "person_a", "person_b").order_by(
            Switch(
                When(decision=Decision.LATER, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-weight",
            "id",
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(found, request, view=self)
        shown: dict[int, int] = {}
        for pair in page or []:
            shown[pair.organisation_id] = shown.get(pair.organisation_id, 0) + 1
        for membership in memberships:
            services.review_queue_view_record(
                organisation=membership.organisation,
                shown=shown.get(membership.organisation_id, 0),
                actor=_actor(request, membership),
            )
        answer = PairSummarySerializer(page, many=True, context={"request": request})
        return paginator.get_paginated_response(answer.data)


class PairDetailView(APIView):
    @extend_schema(
        summary="Read a likely pair: the two records side by side and why they match",
        responses={200: PairSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, pair_id: int) -> Response:
        membership, pair = _pair(request, pair_id, decide=False)
        services.pair_view_record(pair=pair, actor=_actor(request, membership))
        return _pair_answer(request, membership, pair)


class PairDecisionView(APIView):
    @extend_schema(
        summary='Decide on a pair: "not the same person" or "later"',
        description="The same decision sent again changes nothing more.",
        request=DecisionSerializer,
        responses={200: PairSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, pair_id: int) -> Response:
        membership, pair = _pair(request, pair_id, decide=True)
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            decided = services.pair_decide(
                pair=pair,
                decision=payload.validated_data["decision"],
                expected_version=payload.validated_data.get("version"),
                actor=_actor(request, membership),
            )
        except ValidationError as error:
            raise _refusal(error) from None
        membership, pair = access_candidate_pair(
            request.user, membership.organisation.slug, decided.pk, decide=False
        )
        return _pair_answer(request, membership, pair)


class PairMergeView(APIView):
    @extend_schema(
        summary="Merge the two records of a pair, choosing whose value each field keeps",
        description="Everything of the other record moves to the record kept; the merge can "
        "be undone for 30 days. The same merge sent again (or with the same Idempotency-Key) "
        "is done once and answers with the first one's merge.",
        request=MergeRequestSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(MergeSerializer, description="The two records are now one."),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, pair_id: int) -> Response:
        try:
            membership, pair = _pair(request, pair_id, decide=True)
        except Http404:
            # Sent again: the first one merged the pair, the second finds its merge.
            slug = organisation_slug_of(request.user, every_pair(), pair_id, Perm.REVIEW_DUPLICATES)
            membership = access_review_queue(request.user, slug)
            earlier = merge_of_decided_pair(membership, pair_id) if may_decide(membership) else None
            if earlier is None:
                raise
            return self._answer(request, membership, earlier)
        payload = MergeRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        versions = {
            pair.person_a_id: data.get("version_a"),
            pair.person_b_id: data.get("version_b"),
        }
        try:
            merge = services.person_merge(
                pair=pair,
                survivor_id=data["survivor"],
                choices=data["choices"],
                expected_versions=(
                    {pk: version for pk, version in versions.items() if version is not None}
                    if None not in versions.values()
                    else None
                ),
                actor=_actor(request, membership),
                idempotency_key=request.headers.get(KEY_HEADER, ""),
            )
        except ValidationError as error:
            raise _refusal(error) from None
        return self._answer(request, membership, merge)

    def _answer(self, request: Request, membership: Membership, merge: PersonMerge) -> Response:
        _membership, merge = access_person_merge(
            request.user, membership.organisation.slug, merge.pk, decide=False
        )
        return Response(
            MergeSerializer(merge, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ScanRequestView(APIView):
    @extend_schema(
        summary="Ask for a scan of an organisation's records for the same person",
        description="The scan runs in the background: follow it at the job's `url`. A scan "
        "already waiting or running is the answer, and a request sent again with the same "
        "Idempotency-Key queues nothing more.",
        request=ScanRequestSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            202: OpenApiResponse(ScanJobSerializer, description="The scan is queued or running."),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request) -> Response:
        payload = ScanRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = access_scan_request(request.user, payload.validated_data["organisation"])
        job = services.registry_scan_request(
            actor=_actor(request, membership),
            idempotency_key=request.headers.get(KEY_HEADER, ""),
        )
        _membership, job = access_scan_job(request.user, membership.organisation.slug, job.pk)
        return Response(
            ScanJobSerializer(job, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class ScanDetailView(APIView):
    @extend_schema(
        summary="Follow a scan asked for: its job's state and, once started, its figures",
        responses={200: ScanJobSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, job_id: Any) -> Response:
        slug = organisation_slug_of(request.user, every_scan_job(), job_id, Perm.REVIEW_DUPLICATES)
        _membership, job = access_scan_job(request.user, slug, job_id)
        return Response(ScanJobSerializer(job, context={"request": request}).data)


class MergeDetailView(APIView):
    @extend_schema(
        summary="Read a merge of two records, and until when it can be undone",
        responses={200: MergeSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, merge_id: int) -> Response:
        membership, merge = _merge(request, merge_id, decide=False)
        services.merge_view_record(merge=merge, actor=_actor(request, membership))
        return Response(MergeSerializer(merge, context={"request": request}).data)


class MergeUndoView(APIView):
    @extend_schema(
        summary="Undo a merge (within 30 days): both records back as they were",
        description="Undoing a merge already undone changes nothing more.",
        request=None,
        responses={200: MergeSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request: Request, merge_id: int) -> Response:
        membership, merge = _merge(request, merge_id, decide=True)
        try:
            undone = services.person_merge_undo(merge=merge, actor=_actor(request, membership))
        except ValidationError as error:
            raise _refusal(error) from None
        _membership, undone = access_person_merge(
            request.user, membership.organisation.slug, undone.pk, decide=False
        )
        return Response(MergeSerializer(undone, context={"request": request}).data)


urlpatterns = [
    path("duplicates/pairs/", PairListView.as_view(), name="duplicate_pair_list"),
    path(
        "duplicates/pairs/<int:pair_id>/",
        PairDetailView.as_view(),
        name="duplicate_pair_detail",
    ),
    path(
        "duplicates/pairs/<int:pair_id>/decision/",
        PairDecisionView.as_view(),
        name="duplicate_pair_decision",
    ),
    path(
        "duplicates/pairs/<int:pair_id>/merge/",
        PairMergeView.as_view(),
        name="duplicate_pair_merge",
    ),
    path("duplicates/scans/", ScanRequestView.as_view(), name="duplicate_scan_request"),
    path(
        "duplicates/scans/<uuid:job_id>/",
        ScanDetailView.as_view(),
        name="duplicate_scan_detail",
    ),
    path(
        "duplicates/merges/<int:merge_id>/",
        MergeDetailView.as_view(),
        name="duplicate_merge_detail",
    ),
    path(
        "duplicates/merges/<int:merge_id>/undo/",
        MergeUndoView.as_view(),
        name="duplicate_merge_undo",
    ),
]
