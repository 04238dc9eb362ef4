"""Cases: `/api/v1/cases/` (the caseload, searched and filtered), `/api/v1/cases/{id}/` (one
case) and `/api/v1/cases/{id}/services/` (the services delivered: list, record).

Everything goes through donghanh.cases and donghanh.casework exactly as the case pages do:
`caseload` (and so `cases_visible_to`) for lists, `case_access_audited` (`access_case` and the
audit row of every opening) for one case, `ServiceForm` and `service_record` for a new service
(which also checks the project it is counted under).
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.api.access import (
    api_memberships,
    list_counts,
    organisation_slug_of,
    organisation_slugs,
)
from donghanh.api.pagination import PagePagination
from donghanh.api.serializers import (
    MoneyField,
    OutputSerializer,
    QueryParameters,
    error_responses,
    form_errors,
    query_parameters,
)
from donghanh.api.throttling import IdentityListLimited
from donghanh.api.v1.persons import CommuneSerializer
from donghanh.cases import services as case_services
from donghanh.cases.models import (
    Case,
    CaseStatus,
    CaseType,
    ClosureReason,
    IdentificationStatus,
    IntakeChannel,
    LegalRegime,
    ReintegrationOutcome,
    SupportGroup,
    SupportRegime,
)
from donghanh.cases.selectors import (
    CaseAccess,
    case_with_details,
    caseload,
    cases_of_every_organisation,
    regimes_entitled,
    support_group_for,
)
from donghanh.casework import selectors as casework_selectors
from donghanh.casework import services as casework_services
from donghanh.casework.checks import refusal_about_project
from donghanh.casework.forms import ServiceForm
from donghanh.casework.models import ServiceDelivery
from donghanh.core.actor import request_actor
from donghanh.core.forms import service_error_body
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm
from donghanh.reference.domains import ServiceDomain

KEY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = OpenApiParameter(
    KEY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[A-Za-z0-9_-]{16,64}$",
    description="A random key (16 to 64 letters, digits, - or _) made once per record to "
    "create: a request sent again with the same key, after a lost answer say, creates "
    "nothing more and answers with the record the first one created.",
)


def _absolute(request: Any, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Answers.


class CasePersonSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    full_name = serializers.CharField()

    def get_url(self, person: Any) -> str:
        path = reverse("api:person_detail", kwargs={"person_id": person.pk})
        return _absolute(self.context.get("request"), path)


class CaseWorkerSerializer(OutputSerializer):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.display_name")


class CaseSummarySerializer(OutputSerializer):
    """What the caseload shows of a case."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField(help_text="The organisation's slug.")
    number = serializers.CharField()
    case_type = serializers.ChoiceField(choices=CaseType.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    identification_status = serializers.ChoiceField(choices=IdentificationStatus.choices)
    opened_on = serializers.DateField()
    updated_at = serializers.DateTimeField()
    is_restricted = serializers.BooleanField(help_text="Open only to the users named on it.")
    person = CasePersonSerializer()
    workers = CaseWorkerSerializer(many=True, source="assignment_list")

    def get_url(self, case: Case) -> str:
        path = reverse("api:case_detail", kwargs={"case_id": case.pk})
        return _absolute(self.context.get("request"), path)

    def get_organisation(self, case: Case) -> str:
        slugs: dict[int, str] = self.context.get("organisation_slugs", {})
        return slugs.get(case.organisation_id) or case.organisation.slug


class EntitledRegimeSerializer(OutputSerializer):
    code = serializers.ChoiceField(choices=SupportRegime.choices)
    label = serializers.CharField()
    case_by_case = serializers.BooleanField(help_text="Decided case by case, not by right.")
    legal_basis = serializers.CharField()


class CaseSerializer(CaseSummarySerializer):
    """A whole case, as the case page shows it."""

    intake_channel = serializers.ChoiceField(choices=IntakeChannel.choices)
    intake_date = serializers.DateField()
    is_abroad = serializers.BooleanField()
    intake_note = serializers.CharField()
    origin_commune = CommuneSerializer(allow_null=True)
    transit_countries = serializers.ListField(
        child=serializers.CharField(), help_text="Country codes."
    )
    destination_country = serializers.CharField()
    departure_date = serializers.DateField(allow_null=True)
    return_date = serializers.DateField(allow_null=True)
    recruiter_relation = serializers.CharField()
    recruiter_details = serializers.CharField()
    journey_details = serializers.CharField()
    exploitation_types = serializers.ListField(child=serializers.CharField())
    control_means = serializers.ListField(child=serializers.CharField())
    ilo_indicators = serializers.DictField(
        child=serializers.CharField(), help_text="ILO forced-labour indicator code → answer."
    )
    screened_on = serializers.DateField(allow_null=True)
    screening_note = serializers.CharField()
    identified_on = serializers.DateField(allow_null=True)
    identifying_organisation = serializers.CharField(
        source="identifying_organisation.slug", allow_null=True
    )
    identifying_agency = serializers.CharField()
    legal_regime = serializers.ChoiceField(choices=LegalRegime.choices, allow_blank=True)
    support_group = serializers.SerializerMethodField()
    regimes_entitled = serializers.SerializerMethodField(
        help_text="The Art. 37 support regimes the person is entitled to today."
    )
    closure_reason = serializers.ChoiceField(choices=ClosureReason.choices, allow_blank=True)
    reintegration_outcome = serializers.ChoiceField(
        choices=ReintegrationOutcome.choices, allow_blank=True
    )
    closed_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(help_text="Goes up by one with every saved change.")
    services_url = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.ChoiceField(choices=SupportGroup.choices, allow_null=True),
    )
    def get_support_group(self, case: Case) -> str | None:
        group = support_group_for(case)
        return None if group is None else str(group)

    @extend_schema_field(EntitledRegimeSerializer(many=True))
    def get_regimes_entitled(self, case: Case) -> Any:
        return EntitledRegimeSerializer(regimes_entitled(case), many=True).data

    def get_services_url(self, case: Case) -> str:
        path = reverse("api:case_service_list", kwargs={"case_id": case.pk})
        return _absolute(self.context.get("request"), path)


class ServiceSerializer(OutputSerializer):
    id = serializers.IntegerField()
    domain = serializers.ChoiceField(choices=ServiceDomain.choices)
    provider = serializers.IntegerField(
        source="provider_id", allow_null=True, help_text="The provider in the directory, if any."
    )
    provider_name = serializers.SerializerMethodField(
        help_text="The directory provider's name, or the name written in."
    )
    delivered_on = serializers.DateField()
    cost_vnd = serializers.IntegerField(help_text="Cost in Vietnamese đồng.")
    regime = serializers.ChoiceField(
        choices=SupportRegime.choices,
        allow_blank=True,
        help_text="The Art. 37 support regime that pays for it; empty when none.",
    )
    note = serializers.CharField()
    project = serializers.IntegerField(
        source="project_id",
        allow_null=True,
        help_text="The project (programme) it was delivered under, by id; null when none.",
    )
    created_at = serializers.DateTimeField()

    def get_provider_name(self, service: ServiceDelivery) -> str:
        return service.provider.name if service.provider is not None else service.provider_name


# Requests.


class CaseListQuery(QueryParameters):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=(
            "The person's name (any word order, diacritics optional, one letter off in a word "
            "tolerated, exact matches first) or a case number."
        ),
    )
    organisation = serializers.SlugField(
        required=False,
        help_text="Only this organisation's cases (its slug); by default every organisation "
        "where you may see cases.",
    )
    case_type = serializers.ChoiceField(choices=CaseType.choices, required=False)
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    province = serializers.RegexField(
        r"^[0-9]{2}$",
        required=False,
        error_messages={"invalid": _("Choose a province from the list.")},
        help_text="Two-digit code of today's province: where the person lives now or where "
        "their journey began. A code no province has matches no case.",
    )
    worker = serializers.IntegerField(
        required=False, min_value=1, help_text="Only cases this user (by id) works on."
    )
    overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only cases with a plan action or a follow-up past its date.",
    )


class ServiceCreateSerializer(serializers.Serializer):
    """The fields of the page's service form (`ServiceForm`), whose rules apply."""

    domain = serializers.ChoiceField(choices=ServiceDomain.choices)
    provider = serializers.IntegerField(
        required=False, allow_null=True, help_text="A provider of the directory, by id."
    )
    provider_name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Or the provider's name."
    )
    delivered_on = serializers.DateField()
    cost_vnd = MoneyField(required=False, default=0)
    regime = serializers.ChoiceField(
        choices=SupportRegime.choices,
        required=False,
        allow_blank=True,
        help_text="Refused when the person is not entitled to it on that day.",
    )
    note = serializers.CharField(required=False, allow_blank=True)
    project = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The project (programme) it was delivered under, by id: one the case's "
        "organisation implements or is a partner of, running on that day. Null or left out: "
        "none.",
    )


# Helpers.


def _open_case(request: Request, case_id: int, perm: Perm) -> CaseAccess:
    """The case through the page's access check, its opening audited as on the page."""
    org_slug = organisation_slug_of(request.user, cases_of_every_organisation(), case_id, perm)
    return case_services.case_access_audited(
        actor=request_actor(request._request), org_slug=org_slug, case_id=case_id, perm=perm
    )


def _cases_found(memberships: list[Membership], filters: dict[str, Any]) -> QuerySet[Case]:
    return reduce(operator.or_, (caseload(m, **filters) for m in memberships))


def _record_list(
    request: Request,
    memberships: list[Membership],
    found: QuerySet[Case],
    paginator: PagePagination,
    filters: dict[str, Any],
) -> None:
    """One audit row per organisation listed: the filters as codes, the page, how many of its
    cases were shown and how many matched (never the words searched for)."""
    page = paginator.page
    counts = list_counts(memberships, found, list(page.object_list), page.paginator.count)
    for membership in memberships:
        shown, total = counts[membership.organisation_id]
        case_services.case_list_record(
            organisation=membership.organisation,
            filters=filters,
            shown=shown,
            total=total,
            page=page.number,
            actor=request_actor(request._request, membership.organisation),
        )


def _form_value(value: Any) -> str:
    return "" if value is None else str(value)


# Endpoints.


class CaseListView(IdentityListLimited, APIView):
    pagination_class = PagePagination

    @extend_schema(
        summary="List, search and filter cases (the caseload)",
        parameters=[CaseListQuery],
        responses={
            200: CaseSummarySerializer(many=True),
            **error_responses(400, 401, 403, 404, 429),
        },
    )
    def get(self, request: Request) -> Response:
        params = CaseListQuery(data=query_parameters(request))
        params.is_valid(raise_exception=True)
        data = params.validated_data
        memberships = api_memberships(request.user, Perm.VIEW_CASES, data.get("organisation", ""))
        query = data.get("q", "").strip()
        filters = {
            "query": query,
            "case_type": data.get("case_type", ""),
            "status": data.get("status", ""),
            "worker_id": data.get("worker"),
            "province": data.get("province", ""),
            "overdue": data["overdue"],
        }
        found = _cases_found(memberships, filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        _record_list(request, memberships, found, paginator, filters)
        answer = CaseSummarySerializer(
            page,
            many=True,
            context={"request": request, "organisation_slugs": organisation_slugs(memberships)},
        )
        return paginator.get_paginated_response(answer.data)


class CaseDetailView(APIView):
    @extend_schema(
        summary="Read a case",
        responses={200: CaseSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        _membership, case = _open_case(request, case_id, Perm.VIEW_CASES)
        answer = CaseSerializer(case_with_details(case), context={"request": request})
        return Response(answer.data)


class CaseProjectSerializer(OutputSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    start_on = serializers.DateField(allow_null=True)
    end_on = serializers.DateField(allow_null=True)


class CaseProjectsQuery(QueryParameters):
    on = serializers.DateField(
        required=False,
        help_text="The date of the record (YYYY-MM-DD); today when left out.",
    )


class CaseProjectListView(APIView):
    @extend_schema(
        summary="List the projects a record of the case can be counted under",
        parameters=[CaseProjectsQuery],
        responses={200: CaseProjectSerializer(many=True), **error_responses(400, 401, 403, 404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        # As for the case itself: the case is opened (and the permission checked) first.
        _membership, case = _open_case(request, case_id, Perm.VIEW_CASES)
        params = CaseProjectsQuery(data=query_parameters(request))
        params.is_valid(raise_exception=True)
        day = params.validated_data.get("on") or timezone.localdate()
        projects = casework_selectors.projects_for_case(case, day)
        return Response(CaseProjectSerializer(projects, many=True).data)


class CaseServiceListView(APIView):
    pagination_class = PagePagination

    @extend_schema(
        summary="List the services delivered on a case",
        responses={200: ServiceSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        _membership, case = _open_case(request, case_id, Perm.VIEW_CASES)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(casework_selectors.services_of(case), request, view=self)
        return paginator.get_paginated_response(ServiceSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a service delivered on a case",
        request=ServiceCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(
                ServiceSerializer,
                description="The service was recorded (or, for a request repeated with the "
                "same Idempotency-Key, the service the first one recorded).",
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, case_id: int) -> Response:
        # As on the page, the case is opened (and the permission checked) before the form.
        membership, case = _open_case(request, case_id, Perm.EDIT_CASES)
        payload = ServiceCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        # The project is checked by the service itself (the form only lists the eligible ones).
        project = fields.pop("project", None)
        form = ServiceForm(data={name: _form_value(value) for name, value in fields.items()})
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        try:
            service = casework_services.service_record(
                case=case,
                project=project,
                actor=request_actor(request._request, organisation=membership.organisation),
                **{**form.cleaned_data, "idempotency_key": request.headers.get(KEY_HEADER, "")},
            )
        except ValidationError as error:
            raise serializers.ValidationError(
                service_error_body(refusal_about_project(error))
            ) from None
        service = casework_selectors.service_of(case, service.pk)
        return Response(ServiceSerializer(service).data, status=status.HTTP_201_CREATED)
