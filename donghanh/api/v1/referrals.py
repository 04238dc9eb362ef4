"""Referrals: `/api/v1/referrals/received/` and `/api/v1/referrals/sent/` (lists),
`/api/v1/referrals/{id}/` (one referral) and the receiver's answers `…/accept/`, `…/decline/`
and `…/complete/`.

Everything goes through donghanh.referrals exactly as the referral pages do: `referrals_in` and
`referrals_out` for lists, `access_referral` for one referral (the sender's members only while
they may see the case, the receiver's members with case access), `shared_snapshot` for what the
receiver may read (nothing once consent to sharing is withdrawn), and the `referral_*` services,
which check the state, the consent and write the audit rows.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
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
from donghanh.cases import services as case_services
from donghanh.cases.selectors import caseload
from donghanh.core.actor import request_actor
from donghanh.core.forms import service_error_body
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals import services
from donghanh.referrals.models import Referral, ReferralKind, ReferralStatus, SharedSection
from donghanh.referrals.selectors import (
    ReferralAccess,
    access_referral,
    every_referral,
    is_overdue,
    referrals_in,
    referrals_out,
    shared_snapshot,
)
from donghanh.referrals.snapshot import snapshot_sections

# The organisations involved in a referral, the receiver's first: a member of both reads it as
# its receiver.
_ENDS = ("to_organisation_id", "from_organisation_id")
REFERRAL_ROLES = ["sender", "receiver"]


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Answers.


class OrganisationRefSerializer(OutputSerializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ReferralSummarySerializer(OutputSerializer):
    """What the referral lists show."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=ReferralKind.choices)
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    overdue = serializers.SerializerMethodField(
        help_text="Not accepted or declined by the time the receiver had."
    )
    domain = serializers.ChoiceField(
        choices=ServiceDomain.choices,
        allow_blank=True,
        help_text="The one service need referred; empty: the whole case.",
    )
    from_organisation = OrganisationRefSerializer()
    to_organisation = OrganisationRefSerializer()
    sent_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(help_text="The receiver's answer is due by then.")
    case_number = serializers.SerializerMethodField(
        help_text="The case's number, for the sender only; null for the receiver."
    )

    def get_url(self, referral: Referral) -> str:
        path = reverse("api:referral_detail", kwargs={"referral_id": referral.pk})
        return _absolute(self.context.get("request"), path)

    def get_overdue(self, referral: Referral) -> bool:
        return is_overdue(referral)

    def get_case_number(self, referral: Referral) -> str | None:
        return referral.case.number if self.context.get("is_sender") else None


class SnapshotRowSerializer(OutputSerializer):
    field = serializers.CharField()
    label = serializers.CharField(help_text="The field's name in the request's language.")
    value = serializers.CharField()


class SnapshotSectionSerializer(OutputSerializer):
    section = serializers.ChoiceField(choices=SharedSection.choices)
    title = serializers.CharField()
    rows = SnapshotRowSerializer(many=True)


class ReferralCaseSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    number = serializers.CharField()


class ReferralSerializer(ReferralSummarySerializer):
    """One referral, as its page shows it to its sender or to its receiver."""

    role = serializers.SerializerMethodField(
        help_text="Whether you read it as its sender or its receiver."
    )
    case = serializers.SerializerMethodField(help_text="The case, for the sender only.")
    to_provider = serializers.CharField(source="to_provider.name", allow_null=True)
    shared_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=SharedSection.choices)
    )
    message = serializers.SerializerMethodField(
        help_text="The sender's message; null once what was shared is no longer available."
    )
    shared = serializers.SerializerMethodField(
        help_text="What was shared, as taken when it was sent; null once the person's consent "
        "to sharing with the receiver is no longer in force, or the referral was cancelled."
    )
    snapshot_taken_at = serializers.DateTimeField(allow_null=True)
    answered_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    feedback = serializers.CharField(help_text="The receiver's feedback to the sender.")

    def _snapshot(self) -> dict[str, Any] | None:
        snapshot: dict[str, Any] | None = self.context["snapshot"]
        return snapshot

    @extend_schema_field(serializers.ChoiceField(choices=REFERRAL_ROLES))
    def get_role(self, referral: Referral) -> str:
        return "sender" if self.context["is_sender"] else "receiver"

    @extend_schema_field(ReferralCaseSerializer(allow_null=True))
    def get_case(self, referral: Referral) -> dict[str, Any] | None:
        if not self.context["is_sender"]:
            return None
        path = reverse("api:case_detail", kwargs={"case_id": referral.case_id})
        return {
            "id": referral.case_id,
            "url": _absolute(self.context.get("request"), path),
            "number": referral.case.number,
        }

    def get_message(self, referral: Referral) -> str | None:
        return None if self._snapshot() is None else referral.message

    @extend_schema_field(SnapshotSectionSerializer(many=True, allow_null=True))
    def get_shared(self, referral: Referral) -> list[dict[str, Any]] | None:
        snapshot = self._snapshot()
        if snapshot is None:
            return None
        return [
            {
                "section": section.code,
                "title": section.title,
                "rows": [
                    {"field": row.field, "label": row.label, "value": row.value}
                    for row in section.rows
                ],
            }
            for section in snapshot_sections(snapshot)
        ]


# Requests.


class ReferralListQuery(QueryParameters):
    organisation = serializers.SlugField(
        required=False,
        help_text="Only this organisation's referrals (its slug); by default every "
        "organisation where you may see cases.",
    )
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only referrals not answered in time."
    )


class SentReferralListQuery(ReferralListQuery):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The person's name (any word order, diacritics optional) or the case number.",
    )


class ReferralDetailQuery(QueryParameters):
    organisation = serializers.SlugField(
        required=False,
        help_text="Read it as this organisation (its slug), when you belong to both ends.",
    )


class ReferralDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why you decline; the sender reads it.")


class ReferralCompleteSerializer(serializers.Serializer):
    feedback = serializers.CharField(help_text="Your feedback to the sender.")


# Helpers.


def _slug_for(request: Request, referral_id: int, perm: Perm) -> str:
    org_slug = organisation_slug_of(
        request.user, every_referral(), referral_id, perm, owner_fields=_ENDS
    )
    return org_slug


def _answer(request: Request, access: ReferralAccess) -> Response:
    referral = access.referral
    context = {
        "request": request,
        "is_sender": access.is_sender,
        "snapshot": shared_snapshot(referral),
    }
    return Response(ReferralSerializer(referral, context=context).data)


def _as_receiver(request: Request, referral_id: int) -> ReferralAccess:
    """As on the pages: the receiver's members who may edit cases answer; the sender's 403."""
    org_slug = _slug_for(request, referral_id, Perm.EDIT_CASES)
    access = access_referral(request.user, org_slug, referral_id, Perm.EDIT_CASES)
    if not access.is_receiver:
        raise PermissionDenied
    return access


def _run(
    request: Request, access: ReferralAccess, action: Callable[..., Referral], **kwargs: Any
) -> Referral:
    actor = request_actor(request._request, organisation=access.membership.organisation)
    try:
        return action(actor=actor, referral=access.referral, **kwargs)
    except ValidationError as error:
        raise serializers.ValidationError(service_error_body(error)) from None


def _listed(
    request: Request, view: APIView, query: type[ReferralListQuery], *, sent: bool
) -> Response:
    params = query(data=query_parameters(request))
    params.is_valid(raise_exception=True)
    data = params.validated_data
    memberships = api_memberships(request.user, Perm.VIEW_CASES, data.get("organisation", ""))
    select = referrals_out if sent else referrals_in
    text = data.get("q", "").strip()
    found: QuerySet[Referral] = reduce(
        operator.or_,
        (
            _searched(select(m, status=data.get("status", ""), overdue=data["overdue"]), m, text)
            for m in memberships
        ),
    )
    paginator = PagePagination()
    page = paginator.paginate_queryset(found, request, view=view)
    if text:  # one audit row per organisation searched, with its matches (never the query)
        counts = dict(
            found.order_by().values_list("from_organisation_id").annotate(matches=Count("pk"))
        )
        for membership in memberships:
            case_services.case_search_record(
                organisation=membership.organisation,
                result_count=counts.get(membership.organisation_id, 0),
                actor=request_actor(request._request, membership.organisation),
            )
    answer = ReferralSummarySerializer(
        page, many=True, context={"request": request, "is_sender": sent}
    )
    return paginator.get_paginated_response(answer.data)


def _searched(
    referrals: QuerySet[Referral], membership: Membership, text: str
) -> QuerySet[Referral]:
    """The sender's referrals of the cases the caseload search finds (name or case number)."""
    if not text:
        return referrals
    cases = caseload(membership, query=text).prefetch_related(None).values("pk")
    return referrals.filter(case__in=cases)


# Endpoints.


class ReceivedReferralListView(APIView):
    pagination_class = PagePagination

    @extend_schema(
        summary="List the referrals your organisations received",
        parameters=[ReferralListQuery],
        responses={
            200: ReferralSummarySerializer(many=True),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        return _listed(request, self, ReferralListQuery, sent=False)


class SentReferralListView(APIView):
    pagination_class = PagePagination

    @extend_schema(
        summary="List the referrals your organisations sent, of the cases you may see",
        parameters=[SentReferralListQuery],
        responses={
            200: ReferralSummarySerializer(many=True),
            **error_responses(400, 401, 403, 404),
        },
    )
    def get(self, request: Request) -> Response:
        return _listed(request, self, SentReferralListQuery, sent=True)


class ReferralDetailView(APIView):
    @extend_schema(
        summary="Read a referral (its receiver reads only what was shared)",
        parameters=[ReferralDetailQuery],
        responses={200: ReferralSerializer, **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request, referral_id: int) -> Response:
        params = ReferralDetailQuery(data=query_parameters(request))
        params.is_valid(raise_exception=True)
        org_slug = params.validated_data.get("organisation") or _slug_for(
            request, referral_id, Perm.VIEW_CASES
        )
        access = access_referral(request.user, org_slug, referral_id, Perm.VIEW_CASES)
        services.referral_view_record(
            referral=access.referral,
            actor=request_actor(request._request, organisation=access.membership.organisation),
        )
        return _answer(request, access)


_ACTION_ERRORS = error_responses(400, 401, 403, 404)


class ReferralAcceptView(APIView):
    @extend_schema(
        summary="Accept a referral received (a transfer: take over the case)",
        request=None,
        responses={200: ReferralSerializer, **_ACTION_ERRORS},
    )
    def post(self, request: Request, referral_id: int) -> Response:
        access = _as_receiver(request, referral_id)
        _run(request, access, services.referral_accept)
        return _answer(request, _reread(request, access))


class ReferralDeclineView(APIView):
    @extend_schema(
        summary="Decline a referral received, saying why",
        request=ReferralDeclineSerializer,
        responses={200: ReferralSerializer, **_ACTION_ERRORS},
    )
    def post(self, request: Request, referral_id: int) -> Response:
        access = _as_receiver(request, referral_id)
        payload = ReferralDeclineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _run(
            request,
            access,
            services.referral_decline,
            reason=payload.validated_data["reason"],
        )
        return _answer(request, _reread(request, access))


class ReferralCompleteView(APIView):
    @extend_schema(
        summary="Complete an accepted referral, with feedback to the sender",
        request=ReferralCompleteSerializer,
        responses={200: ReferralSerializer, **_ACTION_ERRORS},
    )
    def post(self, request: Request, referral_id: int) -> Response:
        access = _as_receiver(request, referral_id)
        payload = ReferralCompleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        _run(
            request,
            access,
            services.referral_complete,
            feedback=payload.validated_data["feedback"],
        )
        return _answer(request, _reread(request, access))


def _reread(request: Request, access: ReferralAccess) -> ReferralAccess:
    """The referral after the answer, through the access check again (a transfer moved it)."""
    slug = access.membership.organisation.slug
    return access_referral(request.user, slug, access.referral.pk, Perm.VIEW_CASES)
