"""People: `/api/v1/persons/` (list, search, register) and `/api/v1/persons/{id}/` (read, edit).

Everything goes through donghanh.people exactly as the people pages do: `persons_search` (and so
`persons_visible_to`) for lists, `access_person` for one record, `PersonForm` for the rules on
the fields, the `person_*` services for writes and for the audit rows of every opening.
"""

from __future__ import annotations

import datetime
import operator
from functools import reduce
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
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
    EditSerializer,
    ErrorSerializer,
    OutputSerializer,
    QueryParameters,
    error_responses,
    form_errors,
    query_parameters,
)
from donghanh.api.throttling import IdentityListLimited
from donghanh.core.actor import request_actor
from donghanh.core.editing import StaleEditError, read_baseline, sign_baseline
from donghanh.core.forms import service_error_body
from donghanh.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm
from donghanh.organisations.selectors import access_membership
from donghanh.people import services
from donghanh.people.forms import PersonForm
from donghanh.people.models import Consent, ConsentStatus, Ethnicity, Guardian, Person, Sex
from donghanh.people.selectors import (
    PERSON_EDITS,
    PERSON_FIELDS,
    DuplicateReason,
    PersonAccess,
    access_person,
    person_merged_into,
    person_with_details,
    persons_of_every_organisation,
    persons_search,
)
from donghanh.places.models import AreaType

# Shown on one person's record only, never in lists (as on the people list page).
DETAIL_ONLY_FIELDS = ("other_names", "id_number", "phone", "current_address", "pre_2025_address")
DUPLICATE_REASONS = [
    DuplicateReason.NAME_AND_BIRTH_DATE,
    DuplicateReason.ID_NUMBER,
    DuplicateReason.PHONE,
    DuplicateReason.SIMILAR,
]


# Answers.


class CommuneSerializer(OutputSerializer):
    code = serializers.CharField(help_text="Five-digit commune code (2025 units).")
    name = serializers.CharField()
    province_code = serializers.CharField(source="province_id")
    province_name = serializers.CharField(source="province.name")


class PersonSummarySerializer(OutputSerializer):
    """What a list shows of a person: no ID number, phone, addresses or other names."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField(help_text="The organisation's slug.")
    full_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    age = serializers.SerializerMethodField(help_text="Age in whole years today, if known.")
    age_is_estimated = serializers.SerializerMethodField()
    current_commune = CommuneSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Goes up by one with every saved change.")

    def get_url(self, person: Person) -> str:
        path = reverse("api:person_detail", kwargs={"person_id": person.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_organisation(self, person: Person) -> str:
        slugs: dict[int, str] = self.context.get("organisation_slugs", {})
        return slugs.get(person.organisation_id) or person.organisation.slug

    def get_age(self, person: Person) -> int | None:
        return person.age

    def get_age_is_estimated(self, person: Person) -> bool:
        return person.date_of_birth is None and person.estimated_age is not None


class GuardianSerializer(OutputSerializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    relation = serializers.ChoiceField(choices=Guardian.Relation.choices)
    phone = serializers.CharField()


class ConsentSerializer(OutputSerializer):
    id = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=Consent.Purpose.choices)
    recipient_organisation = serializers.CharField(
        source="recipient_organisation.slug",
        allow_null=True,
        help_text="Slug of the organisation a sharing consent names.",
    )
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    given_by = serializers.ChoiceField(choices=Consent.GivenBy.choices)
    guardian = serializers.IntegerField(
        source="guardian_id", allow_null=True, help_text="The guardian who gave it, if any."
    )
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    given_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class PersonSerializer(PersonSummarySerializer):
    """A person's whole record, as the record page shows it."""

    other_names = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, allow_blank=True)
    nationality = serializers.CharField(help_text="Two-letter ISO 3166 code; XX: not known.")
    id_number = serializers.CharField()
    phone = serializers.CharField()
    current_address = serializers.CharField()
    area_type = serializers.ChoiceField(choices=AreaType.choices, allow_blank=True)
    pre_2025_address = serializers.CharField()
    guardians = GuardianSerializer(many=True, source="guardians.all")
    consents = ConsentSerializer(many=True, source="consents.all")
    baseline = serializers.SerializerMethodField(
        help_text="Send it back unchanged with `version` when you edit this record."
    )

    def get_baseline(self, person: Person) -> str:
        return sign_baseline(PERSON_EDITS.fingerprints(person))


class DuplicateSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=DUPLICATE_REASONS))


class DuplicatesFoundSerializer(ErrorSerializer):
    code = serializers.CharField()
    possible_duplicates = DuplicateSerializer(many=True, help_text="Matching records you may open.")


class EditConflictSerializer(ErrorSerializer):
    code = serializers.CharField()
    changed_fields = serializers.ListField(
        child=serializers.CharField(), help_text="The fields the other save changed."
    )
    current_version = serializers.IntegerField()


# Requests.


class PersonListQuery(QueryParameters):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=(
            "Name (any word order, diacritics optional, one letter off in a word tolerated, "
            "exact matches first), ID number or phone."
        ),
    )
    organisation = serializers.SlugField(
        required=False,
        help_text="Only this organisation's people (its slug); by default every organisation "
        "where you may see people.",
    )


class PersonFieldsSerializer(serializers.Serializer):
    """The editable fields; their rules are the registration form's (`PersonForm`)."""

    full_name = serializers.CharField(max_length=200)
    other_names = serializers.CharField(max_length=300, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=120
    )
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, allow_blank=True)
    nationality = serializers.CharField(
        max_length=2, required=False, help_text="Two-letter ISO 3166 code; VN when left out."
    )
    id_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    current_address = serializers.CharField(required=False, allow_blank=True)
    current_commune = serializers.CharField(
        max_length=5,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Five-digit code of today's commune or ward.",
    )
    area_type = serializers.ChoiceField(choices=AreaType.choices, required=False, allow_blank=True)
    pre_2025_address = serializers.CharField(required=False, allow_blank=True)


class PersonCreateSerializer(PersonFieldsSerializer):
    organisation = serializers.SlugField(help_text="The slug of the registering organisation.")
    confirm_different_person = serializers.BooleanField(
        default=False,
        help_text="Register even though possible duplicates were reported (409) before.",
    )


class PersonUpdateSerializer(EditSerializer, PersonFieldsSerializer):
    """Only the fields sent change; `version` and `baseline` come from the record you read."""

    def get_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super().get_fields()
        for name in PERSON_FIELDS:
            fields[name].required = False
        return fields


# Helpers.


def _load_baseline(value: str) -> dict[str, str]:
    """The fingerprints of the version the client read: lets a refused edit name what changed."""
    baseline = read_baseline(value)
    if baseline is None:
        raise serializers.ValidationError(
            {"baseline": [_("Send back the baseline of the record you read, unchanged.")]}
        )
    return baseline


def _as_form_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _clean_person_fields(values: dict[str, Any], initial: dict[str, Any] | None = None) -> Any:
    """The values checked by the page's own form; its errors as a 400 answer."""
    form = PersonForm(
        data={name: _as_form_value(value) for name, value in values.items()}, initial=initial
    )
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return form.person_details()


def _open_person(request: Request, person_id: int, perm: Perm) -> PersonAccess:
    """The person through the page's access check, and the opening audited as on the page."""
    org_slug = organisation_slug_of(request.user, persons_of_every_organisation(), person_id, perm)
    access = access_person(request.user, org_slug, person_id, perm)
    services.person_view_record(
        person=access.person, actor=request_actor(request._request, access.membership.organisation)
    )
    return access


def _merged_into(request: Request, person_id: int) -> int | None:
    """The surviving record of a record merged into another one, if the user may open it."""
    for membership in api_memberships(request.user, Perm.VIEW_CASES):
        survivor = person_merged_into(membership, person_id)
        if survivor is not None:
            return survivor
    return None


def _persons_found(memberships: list[Membership], query: str) -> QuerySet[Person]:
    found = reduce(operator.or_, (persons_search(m, query) for m in memberships))
    return found.defer(*DETAIL_ONLY_FIELDS)


def _record_list(
    request: Request,
    memberships: list[Membership],
    found: QuerySet[Person],
    paginator: PagePagination,
    searched: bool,
) -> None:
    """One audit row per organisation listed: the page, how many of its people were shown and
    how many matched (never the query)."""
    page = paginator.page
    counts = list_counts(memberships, found, list(page.object_list), page.paginator.count)
    for membership in memberships:
        shown, total = counts[membership.organisation_id]
        services.person_list_record(
            organisation=membership.organisation,
            searched=searched,
            shown=shown,
            total=total,
            page=page.number,
            actor=request_actor(request._request, membership.organisation),
        )


# Endpoints.


class PersonListView(IdentityListLimited, APIView):
    # A registration runs the duplicate check: it counts against the list reads' limit.
    identity_read_methods = frozenset({"GET", "POST"})

    pagination_class = PagePagination

    @extend_schema(
        summary="List or search people",
        parameters=[PersonListQuery],
        responses={
            200: PersonSummarySerializer(many=True),
            **error_responses(400, 401, 403, 404, 429),
        },
    )
    def get(self, request: Request) -> Response:
        params = PersonListQuery(data=query_parameters(request))
        params.is_valid(raise_exception=True)
        memberships = api_memberships(
            request.user, Perm.VIEW_CASES, params.validated_data.get("organisation", "")
        )
        query = params.validated_data.get("q", "").strip()
        found = _persons_found(memberships, query)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        _record_list(request, memberships, found, paginator, searched=bool(query))
        answer = PersonSummarySerializer(
            page,
            many=True,
            context={"request": request, "organisation_slugs": organisation_slugs(memberships)},
        )
        return paginator.get_paginated_response(answer.data)

    @extend_schema(
        summary="Register a person",
        request=PersonCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="16 to 64 letters, digits, `-` or `_`, new for each registration. "
                "A call sent again with the same key registers nobody new: it answers with the "
                "person the first call registered.",
            )
        ],
        responses={
            201: PersonSerializer,
            **error_responses(400, 401, 403, 404, 429),
            409: OpenApiResponse(
                DuplicatesFoundSerializer,
                description="Possible duplicates: check them, then send again with "
                "`confirm_different_person: true` if this is someone else.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        payload = PersonCreateSerializer(data=request.data)
        valid = payload.is_valid()
        if "organisation" in payload.errors or not isinstance(request.data, dict):
            raise serializers.ValidationError(payload.errors)
        # As on the page, the permission is checked before the rest of the form.
        membership = access_membership(request.user, request.data["organisation"], Perm.EDIT_CASES)
        if not valid:
            raise serializers.ValidationError(payload.errors)
        data = payload.validated_data
        sent = {n: data[n] for n in PERSON_FIELDS if n in data}
        details = _clean_person_fields({"nationality": "VN", **sent})
        try:
            person = services.person_register_once(
                actor=request_actor(request._request, membership.organisation),
                membership=membership,
                idempotency_key=request.META.get(IDEMPOTENCY_HEADER, ""),
                different_person=data["confirm_different_person"],
                **details,
            )
        except services.PossibleDuplicates as stopped:
            services.person_duplicates_shown_record(
                organisation=membership.organisation,
                shown=len(stopped.found.visible),
                actor=request_actor(request._request, membership.organisation),
            )
            return _duplicates_answer(request, stopped.found)
        except ValidationError as error:
            raise serializers.ValidationError(service_error_body(error)) from None
        answer = PersonSerializer(person_with_details(person), context={"request": request})
        return Response(
            answer.data, status=status.HTTP_201_CREATED, headers={"Location": answer.data["url"]}
        )


def _duplicates_answer(request: Request, duplicates: Any) -> Response:
    body = {
        "detail": _(
            "This person may already be registered. Check the possible duplicates; if this is "
            "someone else, send the registration again with confirm_different_person: true."
        ),
        "code": "possible_duplicates",
        "possible_duplicates": [
            {
                "id": found.person.pk,
                "url": request.build_absolute_uri(
                    reverse("api:person_detail", kwargs={"person_id": found.person.pk})
                ),
                "reasons": found.reasons,
            }
            for found in duplicates.visible
        ],
    }
    return Response(body, status=status.HTTP_409_CONFLICT)


class PersonDetailView(APIView):
    @extend_schema(
        summary="Read a person's record",
        responses={200: PersonSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, person_id: int) -> Response | HttpResponseRedirect:
        try:
            _membership, person = _open_person(request, person_id, Perm.VIEW_CASES)
        except Http404:
            # A record merged into another one: its old id leads to the surviving record.
            survivor = _merged_into(request, person_id)
            if survivor is None:
                raise
            return HttpResponseRedirect(
                reverse("api:person_detail", kwargs={"person_id": survivor})
            )
        answer = PersonSerializer(person_with_details(person), context={"request": request})
        return Response(answer.data)

    @extend_schema(
        summary="Change a person's record",
        request=PersonUpdateSerializer,
        responses={
            200: PersonSerializer,
            **error_responses(400, 401, 403, 404),
            409: OpenApiResponse(
                EditConflictSerializer,
                description="Someone saved the record after the version you sent: nothing "
                "was changed. Read it again and redo the edit.",
            ),
        },
    )
    def patch(self, request: Request, person_id: int) -> Response:
        membership, person = _open_person(request, person_id, Perm.EDIT_CASES)
        payload = PersonUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        baseline = _load_baseline(data["baseline"])
        sent = [name for name in PERSON_FIELDS if name in data]
        current = PersonForm.initial_for(person)
        details = _clean_person_fields(
            {**current, **{name: data[name] for name in sent}}, initial=current
        )
        changes = {name: details[name] for name in sent}
        if "current_commune" in changes:
            changes["area_type"] = details["area_type"]  # the form's default for the commune
        try:
            updated = services.person_update(
                person=person,
                expected_version=data["version"],
                baseline=baseline,
                actor=request_actor(request._request, membership.organisation),
                **changes,
            )
        except StaleEditError as error:
            return Response(error.as_api_body(data["version"]), status=status.HTTP_409_CONFLICT)
        except ValidationError as error:
            raise serializers.ValidationError(service_error_body(error)) from None
        answer = PersonSerializer(person_with_details(updated), context={"request": request})
        return Response(answer.data)
