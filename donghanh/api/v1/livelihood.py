"""Livelihood and reintegration on a case: `/api/v1/cases/{id}/livelihood-plan/` (read, start,
change her plan) and `/api/v1/cases/{id}/reintegration-assessments/` (list, record, read).

Everything goes through donghanh.livelihood.plans exactly as the plan pages do: the case is
opened through `case_access_audited` (404 outside the user's organisations, 403 without the
permission, a view row in the audit log) with the right to see cases to read and to edit cases
to write; `PlanForm` and `AssessmentForm` check the fields; `plan_start`, `plan_update` and
`assessment_record` write, with their audit rows, refusing any write on a closed case.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.api.access import organisation_slug_of
from donghanh.api.serializers import (
    EditSerializer,
    ErrorSerializer,
    MoneyField,
    OutputSerializer,
    error_responses,
    form_errors,
)
from donghanh.api.v1.cases import IDEMPOTENCY_KEY, KEY_HEADER
from donghanh.api.v1.persons import EditConflictSerializer
from donghanh.cases import services as case_services
from donghanh.cases.selectors import CaseAccess, cases_of_every_organisation
from donghanh.core.actor import request_actor
from donghanh.core.editing import StaleEditError, read_baseline, sign_baseline
from donghanh.core.forms import service_error_body
from donghanh.livelihood.plans import selectors, services
from donghanh.livelihood.plans.forms import AssessmentForm, PlanForm, ReviewForm, SupportForm
from donghanh.livelihood.plans.items import ITEM_CODES, ITEMS
from donghanh.livelihood.plans.models import (
    AssessmentPoint,
    Livelihood,
    LivelihoodPlan,
    LivelihoodSupport,
    ReintegrationAssessment,
    SupportKind,
)
from donghanh.livelihood.savings.selectors import programme_choices
from donghanh.organisations.roles import Perm

# Answers.


class PlanSupportSerializer(OutputSerializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=SupportKind.choices)
    amount = serializers.IntegerField(help_text="Its value in Vietnamese đồng.")
    given_on = serializers.DateField()
    given_by = serializers.SerializerMethodField(
        help_text="The slug of the organisation that gave it; null when another giver is named."
    )
    given_by_other = serializers.CharField(help_text="The giver, when not an organisation here.")
    note = serializers.CharField()

    def get_given_by(self, support: LivelihoodSupport) -> str | None:
        return support.given_by.slug if support.given_by is not None else None


class PlanReviewSerializer(OutputSerializer):
    id = serializers.IntegerField()
    reviewed_on = serializers.DateField()
    income = serializers.IntegerField(
        allow_null=True, help_text="Her monthly income then, in đồng; null when not known."
    )
    household = serializers.CharField()
    progress = serializers.CharField()


class PlanSerializer(OutputSerializer):
    """Her livelihood plan, as the plan page shows it."""

    case = serializers.IntegerField(source="case_id")
    url = serializers.SerializerMethodField()
    goals = serializers.CharField()
    skills = serializers.CharField()
    assets = serializers.CharField()
    livelihood = serializers.ChoiceField(choices=Livelihood.choices, allow_blank=True)
    livelihood_detail = serializers.CharField()
    income_at_start = serializers.IntegerField(
        allow_null=True, help_text="Her monthly income at the start, in đồng; null when not known."
    )
    household_at_start = serializers.CharField()
    project = serializers.IntegerField(
        source="project_id",
        allow_null=True,
        help_text="The programme (project) whose figures count the plan, by id; null when none.",
    )
    support = PlanSupportSerializer(many=True, source="support.all")
    support_total = serializers.SerializerMethodField(
        help_text="The value of all the support given, in đồng."
    )
    reviews = PlanReviewSerializer(many=True, source="reviews.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Goes up by one with every saved change.")
    baseline = serializers.SerializerMethodField(
        help_text="Send it back unchanged with `version` when you change the plan."
    )

    def get_url(self, plan: LivelihoodPlan) -> str:
        return _absolute(self.context.get("request"), _plan_path(plan.case_id))

    def get_support_total(self, plan: LivelihoodPlan) -> int:
        return sum(item.amount for item in plan.support.all())

    def get_baseline(self, plan: LivelihoodPlan) -> str:
        return sign_baseline(services.PLAN_EDITS.fingerprints(plan))


class AssessmentSerializer(OutputSerializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    point = serializers.ChoiceField(choices=AssessmentPoint.choices)
    assessed_on = serializers.DateField()
    answers = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=1, max_value=5),
        help_text="Question code → her answer from 1 (not at all) to 5 (fully); null: does "
        "not apply.",
    )
    economic = serializers.IntegerField(allow_null=True, help_text="Score from 0 to 100.")
    social = serializers.IntegerField(allow_null=True, help_text="Score from 0 to 100.")
    psychosocial = serializers.IntegerField(allow_null=True, help_text="Score from 0 to 100.")
    overall = serializers.IntegerField(
        allow_null=True, help_text="The mean of the dimensions' scores, from 0 to 100."
    )
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_url(self, assessment: ReintegrationAssessment) -> str:
        path = reverse(
            "api:case_assessment_detail",
            kwargs={"case_id": assessment.case_id, "assessment_id": assessment.pk},
        )
        return _absolute(self.context.get("request"), path)


class ReviewDueSerializer(OutputSerializer):
    point = serializers.ChoiceField(choices=AssessmentPoint.choices)
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()


class AssessmentListSerializer(OutputSerializer):
    results = AssessmentSerializer(many=True, help_text="Oldest first.")
    reviews_due = ReviewDueSerializer(
        many=True,
        help_text="The 6- and 12-month assessments not recorded yet, due from the intake one.",
    )
    overall_change = serializers.IntegerField(
        allow_null=True,
        help_text="Her overall score at her latest assessment less at her first; null with "
        "fewer than two scored.",
    )


# Requests.


class PlanFieldsSerializer(serializers.Serializer):
    """The fields of the plan page's form (`PlanForm`), whose rules apply."""

    goals = serializers.CharField(required=False, allow_blank=True)
    skills = serializers.CharField(required=False, allow_blank=True)
    assets = serializers.CharField(required=False, allow_blank=True)
    livelihood = serializers.ChoiceField(
        choices=Livelihood.choices, required=False, allow_blank=True
    )
    livelihood_detail = serializers.CharField(required=False, allow_blank=True)
    income_at_start = MoneyField(required=False, allow_null=True)
    household_at_start = serializers.CharField(required=False, allow_blank=True)
    project = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="A programme (project) the case's organisation implements or is a partner "
        "of, by id; null: none.",
    )


class PlanUpdateSerializer(EditSerializer, PlanFieldsSerializer):
    """Only the fields sent change; `version` and `baseline` come from the plan you read."""


class SupportCreateSerializer(serializers.Serializer):
    """The fields of the plan's support form (`SupportForm`), whose rules apply."""

    kind = serializers.ChoiceField(choices=SupportKind.choices)
    amount = MoneyField(required=False, default=0)
    given_on = serializers.DateField(help_text="Not in the future.")
    given_by = serializers.SlugField(
        required=False,
        allow_null=True,
        help_text="The slug of the organisation on the platform that gave it; or leave it out "
        "and name the giver in `given_by_other`.",
    )
    given_by_other = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True)


class ReviewCreateSerializer(serializers.Serializer):
    """The fields of the plan's review form (`ReviewForm`), whose rules apply."""

    reviewed_on = serializers.DateField(help_text="Not in the future.")
    income = MoneyField(required=False, allow_null=True, help_text="Her monthly income now.")
    household = serializers.CharField(required=False, allow_blank=True)
    progress = serializers.CharField(required=False, allow_blank=True)


class AssessmentCreateSerializer(serializers.Serializer):
    """The fields of the assessment page's form (`AssessmentForm`), whose rules apply."""

    point = serializers.ChoiceField(
        choices=AssessmentPoint.choices,
        help_text="intake, month_6 and month_12 once each; review as often as needed.",
    )
    assessed_on = serializers.DateField(help_text="Not in the future.")
    answers = serializers.DictField(
        child=serializers.IntegerField(allow_null=True, min_value=1, max_value=5),
        help_text="Question code → her answer from 1 (not at all) to 5 (fully), or null (does "
        "not apply); a question left out does not apply. At least one answered. The codes: "
        + ", ".join(item.code for item in ITEMS)
        + ".",
    )
    note = serializers.CharField(required=False, allow_blank=True)


# Helpers.


def _absolute(request: Any, path_: str) -> str:
    return request.build_absolute_uri(path_) if request is not None else path_


def _plan_path(case_id: int) -> str:
    return reverse("api:case_livelihood_plan", kwargs={"case_id": case_id})


def _open_case(request: Request, case_id: int, perm: Perm) -> CaseAccess:
    """The case through the page's access check, its opening audited as on the page."""
    org_slug = organisation_slug_of(request.user, cases_of_every_organisation(), case_id, perm)
    return case_services.case_access_audited(
        actor=request_actor(request._request), org_slug=org_slug, case_id=case_id, perm=perm
    )


def _form_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _plan_stored(plan: LivelihoodPlan) -> dict[str, Any]:
    stored = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    stored["project"] = plan.project_id
    return stored


def _clean_plan(
    access: CaseAccess, plan: LivelihoodPlan, sent: dict[str, Any], edit: dict[str, Any]
) -> dict[str, Any]:
    """The sent fields checked by the page's own form, on top of the stored plan: their
    cleaned values, or the form's errors as a 400 answer."""
    values = {**_plan_stored(plan), **sent, **edit}
    form = PlanForm(
        data={name: _form_value(value) for name, value in values.items()},
        projects=programme_choices(access.case.organisation_id),
    )
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    cleaned = form.edited_values()
    return {name: cleaned[name] for name in sent}


def _plan_answer(request: Request, access: CaseAccess, code: int = status.HTTP_200_OK) -> Response:
    plan = selectors.plan_of(access.case)
    if plan is None:
        raise Http404
    answer = PlanSerializer(plan, context={"request": request})
    return Response(answer.data, status=code)


NO_PLAN = OpenApiResponse(
    response=ErrorSerializer,
    description="Not found, outside the organisations the user belongs to, or the case has no "
    "livelihood plan yet (start one with POST).",
)
EDIT_CONFLICT = OpenApiResponse(
    EditConflictSerializer,
    description="Someone saved the plan after the version you sent: nothing was changed. "
    "Read it again and redo the change.",
)


# Endpoints.


class LivelihoodPlanView(APIView):
    @extend_schema(
        summary="Read the livelihood plan of a case",
        responses={200: PlanSerializer, **error_responses(401, 403), 404: NO_PLAN},
    )
    def get(self, request: Request, case_id: int) -> Response:
        access = _open_case(request, case_id, Perm.VIEW_CASES)
        if selectors.plan_of(access.case) is None:
            raise Http404(_("This case has no livelihood plan yet."))
        return _plan_answer(request, access)

    @extend_schema(
        summary="Start the livelihood plan of a case",
        request=PlanFieldsSerializer,
        responses={
            201: OpenApiResponse(PlanSerializer, description="The plan was started."),
            200: OpenApiResponse(
                PlanSerializer,
                description="The case has a plan already (a request sent again, say): nothing "
                "was changed. Change the plan with PATCH.",
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, case_id: int) -> Response:
        # As on the page, the case is opened (and the permission checked) before the form.
        access = _open_case(request, case_id, Perm.EDIT_CASES)
        if selectors.plan_of(access.case) is not None:
            return _plan_answer(request, access)
        payload = PlanFieldsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        sent = dict(payload.validated_data)
        actor = request_actor(request._request, access.case.organisation)
        try:
            if sent:
                # Checked against an empty plan before anything is written.
                empty = LivelihoodPlan(case=access.case)
                _clean_plan(access, empty, sent, services.PLAN_EDITS.baseline_initial(empty))
            plan = services.plan_start(actor=actor, case=access.case)
            if sent:
                services.plan_update(
                    actor=actor,
                    plan=plan,
                    expected_version=plan.version,
                    baseline=services.PLAN_EDITS.fingerprints(plan),
                    **_clean_plan(access, plan, sent, services.PLAN_EDITS.baseline_initial(plan)),
                )
        except ValidationError as error:
            raise serializers.ValidationError(service_error_body(error)) from None
        return _plan_answer(request, access, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change the livelihood plan of a case",
        request=PlanUpdateSerializer,
        responses={
            200: PlanSerializer,
            **error_responses(400, 401, 403),
            404: NO_PLAN,
            409: EDIT_CONFLICT,
        },
    )
    def patch(self, request: Request, case_id: int) -> Response:
        access = _open_case(request, case_id, Perm.EDIT_CASES)
        plan = selectors.plan_of(access.case)
        if plan is None:
            raise Http404(_("This case has no livelihood plan yet."))
        payload = PlanUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        edit = {"version": data.pop("version"), "baseline": data.pop("baseline")}
        baseline = read_baseline(edit["baseline"])
        if baseline is None:
            raise serializers.ValidationError(
                {"baseline": [_("Send back the baseline of the record you read, unchanged.")]}
            )
        changes = _clean_plan(access, plan, data, edit)
        try:
            services.plan_update(
                actor=request_actor(request._request, access.case.organisation),
                plan=plan,
                expected_version=edit["version"],
                baseline=baseline,
                **changes,
            )
        except StaleEditError as error:
            return Response(error.as_api_body(edit["version"]), status=status.HTTP_409_CONFLICT)
        except ValidationError as error:
            raise serializers.ValidationError(service_error_body(error)) from None
        return _plan_answer(request, access)


def _add_to_plan(
    request: Request,
    case_id: int,
    *,
    payload_class: type[serializers.Serializer],
    form_class: type[Any],
    save: Any,
    answer_class: type[OutputSerializer],
) -> Response:
    """Support or a review added to her plan through the page's form and service."""
    access = _open_case(request, case_id, Perm.EDIT_CASES)
    plan = selectors.plan_of(access.case)
    if plan is None:
        raise Http404(_("This case has no livelihood plan yet."))
    payload = payload_class(data=request.data)
    payload.is_valid(raise_exception=True)
    form = form_class(
        data={name: _form_value(value) for name, value in payload.validated_data.items()}
    )
    if "given_by" in form.fields:
        form.fields["given_by"].to_field_name = "slug"  # the API names organisations by slug
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    data = dict(form.cleaned_data)
    data.pop("idempotency_key")
    try:
        created = save(
            actor=request_actor(request._request, access.case.organisation),
            plan=plan,
            idempotency_key=request.headers.get(KEY_HEADER, ""),
            **data,
        )
    except ValidationError as error:
        raise serializers.ValidationError(service_error_body(error)) from None
    return Response(answer_class(created).data, status=status.HTTP_201_CREATED)


def _created(what: type[OutputSerializer], record: str) -> OpenApiResponse:
    return OpenApiResponse(
        what,
        description=f"The {record} was recorded (or, for a request repeated with the same "
        f"Idempotency-Key, the {record} the first one recorded).",
    )


class PlanSupportView(APIView):
    @extend_schema(
        summary="Record support given to her livelihood",
        request=SupportCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: _created(PlanSupportSerializer, "support"),
            **error_responses(400, 401, 403),
            404: NO_PLAN,
        },
    )
    def post(self, request: Request, case_id: int) -> Response:
        return _add_to_plan(
            request,
            case_id,
            payload_class=SupportCreateSerializer,
            form_class=SupportForm,
            save=services.support_add,
            answer_class=PlanSupportSerializer,
        )


class PlanReviewView(APIView):
    @extend_schema(
        summary="Record a review of her livelihood: her income and household now",
        request=ReviewCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: _created(PlanReviewSerializer, "review"),
            **error_responses(400, 401, 403),
            404: NO_PLAN,
        },
    )
    def post(self, request: Request, case_id: int) -> Response:
        return _add_to_plan(
            request,
            case_id,
            payload_class=ReviewCreateSerializer,
            form_class=ReviewForm,
            save=services.review_add,
            answer_class=PlanReviewSerializer,
        )


class AssessmentListView(APIView):
    @extend_schema(
        operation_id="cases_reintegration_assessments_list",
        summary="List the reintegration assessments of a case",
        responses={200: AssessmentListSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, case_id: int) -> Response:
        access = _open_case(request, case_id, Perm.VIEW_CASES)
        assessments = selectors.assessments_of(access.case)
        trend = selectors.Trend(assessments)
        answer = AssessmentListSerializer(
            {
                "results": assessments,
                "reviews_due": selectors.reviews_due(assessments),
                "overall_change": trend.change,
            },
            context={"request": request},
        )
        return Response(answer.data)

    @extend_schema(
        summary="Record a reintegration assessment of a case",
        request=AssessmentCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(
                AssessmentSerializer,
                description="The assessment was recorded (or, for a request repeated with the "
                "same Idempotency-Key, the assessment the first one recorded).",
            ),
            **error_responses(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, case_id: int) -> Response:
        access = _open_case(request, case_id, Perm.EDIT_CASES)
        payload = AssessmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        unknown = sorted(set(data["answers"]) - ITEM_CODES)
        if unknown:
            raise serializers.ValidationError(
                {"answers": [_("There is no question %(codes)s.") % {"codes": ", ".join(unknown)}]}
            )
        form = AssessmentForm(
            data={
                "point": data["point"],
                "assessed_on": data["assessed_on"].isoformat(),
                "note": data.get("note", ""),
                **{code: _form_value(value) for code, value in data["answers"].items()},
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        try:
            assessment = services.assessment_record(
                actor=request_actor(request._request, access.case.organisation),
                case=access.case,
                point=form.cleaned_data["point"],
                assessed_on=form.cleaned_data["assessed_on"],
                answers=form.answers(),
                note=form.cleaned_data["note"],
                idempotency_key=request.headers.get(KEY_HEADER, ""),
            )
        except ValidationError as error:
            raise serializers.ValidationError(service_error_body(error)) from None
        answer = AssessmentSerializer(assessment, context={"request": request})
        return Response(
            answer.data, status=status.HTTP_201_CREATED, headers={"Location": answer.data["url"]}
        )


class AssessmentDetailView(APIView):
    @extend_schema(
        summary="Read a reintegration assessment of a case",
        responses={200: AssessmentSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request: Request, case_id: int, assessment_id: int) -> Response:
        access = _open_case(request, case_id, Perm.VIEW_CASES)
        assessment = selectors.access_assessment(access.case, assessment_id)
        return Response(AssessmentSerializer(assessment, context={"request": request}).data)


# Included from donghanh/api/v1/urls.py.
urlpatterns = [
    path(
        "cases/<int:case_id>/livelihood-plan/",
        LivelihoodPlanView.as_view(),
        name="case_livelihood_plan",
    ),
    path(
        "cases/<int:case_id>/livelihood-plan/support/",
        PlanSupportView.as_view(),
        name="case_livelihood_support",
    ),
    path(
        "cases/<int:case_id>/livelihood-plan/reviews/",
        PlanReviewView.as_view(),
        name="case_livelihood_review",
    ),
    path(
        "cases/<int:case_id>/reintegration-assessments/",
        AssessmentListView.as_view(),
        name="case_assessment_list",
    ),
    path(
        "cases/<int:case_id>/reintegration-assessments/<int:assessment_id>/",
        AssessmentDetailView.as_view(),
        name="case_assessment_detail",
    ),
]
