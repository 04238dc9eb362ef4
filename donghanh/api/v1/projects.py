"""Programmes: `/api/v1/projects/` and `/api/v1/projects/{id}/indicators/`.

The same access as the programme dashboard: Perm.VIEW_AGGREGATES through
`donghanh.programmes.selectors.access_project`, and the same figures, suppressed for anyone
outside the implementing organisation (`donghanh.indicators.selectors`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from donghanh.api.serializers import OutputSerializer, error_responses
from donghanh.indicators.results import IndicatorResult
from donghanh.indicators.selectors import is_outside, project_results
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import memberships_for
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.selectors import (
    ProjectAccess,
    access_project,
    projects_visible_to,
    projects_visible_to_any,
)


class ProjectSerializer(OutputSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    implementing_organisation = serializers.CharField(source="implementing_organisation.slug")
    start_on = serializers.DateField(allow_null=True)
    end_on = serializers.DateField(allow_null=True)
    status = serializers.CharField(
        source="current_status",
        help_text="The status today: a project under way follows its dates (planned before its "
        "start, completed after its end); planned, completed and suspended stay as set.",
    )
    budget_vnd = serializers.IntegerField()
    indicators_url = serializers.SerializerMethodField()

    def get_indicators_url(self, project: Project) -> str:
        path = reverse("api:project_indicators", kwargs={"project_id": project.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ProjectPageSerializer(OutputSerializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ProjectSerializer(many=True)


def _figure(figure: Any) -> dict[str, Any]:
    value = figure.value
    return {
        "value": None if value is None else float(value),
        "text": figure.text,
        "suppressed": figure.hidden,
    }


class FigureSerializer(OutputSerializer):
    value = serializers.FloatField(
        allow_null=True, help_text="The number; null when suppressed (see `text`)."
    )
    text = serializers.CharField(help_text='As shown: the number, "<11" or "x".')
    suppressed = serializers.BooleanField()


class PeriodSerializer(OutputSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    target = serializers.FloatField(allow_null=True)
    actual = FigureSerializer()


class IndicatorSerializer(OutputSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    source = serializers.CharField(help_text="`manual` or `computed`.")
    computed_definition = serializers.CharField()
    aggregation = serializers.CharField()
    baseline = serializers.FloatField()
    target = serializers.FloatField(allow_null=True)
    actual = FigureSerializer()
    percent_achieved = serializers.FloatField(allow_null=True)
    periods = PeriodSerializer(many=True)


class IndicatorListSerializer(OutputSerializer):
    project = serializers.IntegerField()
    suppressed = serializers.BooleanField(
        help_text="Small counts are suppressed: you see the project from outside its "
        "implementing organisation."
    )
    results = IndicatorSerializer(many=True)


def _indicator(result: IndicatorResult) -> dict[str, Any]:
    indicator = result.indicator
    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator.source,
        "computed_definition": indicator.computed_definition,
        "aggregation": indicator.aggregation,
        "baseline": float(result.baseline),
        "target": None if result.target is None else float(result.target),
        "actual": _figure(result.actual),
        "percent_achieved": result.percent,
        "periods": [
            {
                "start": row.period.start,
                "end": row.period.end,
                "target": None if row.target is None else float(row.target),
                "actual": _figure(row.actual),
            }
            for row in result.periods
        ],
    }


def _project_access(user: Any, project_id: int) -> ProjectAccess:
    """The project through the first of the user's organisations linked to it (404 if none;
    403 if the user may see aggregates nowhere)."""
    memberships = [m for m in memberships_for(user) if role_allows(m.role, Perm.VIEW_AGGREGATES)]
    if not memberships:
        raise PermissionDenied
    for membership in memberships:
        if projects_visible_to(membership.organisation).filter(pk=project_id).exists():
            return access_project(
                user, membership.organisation.slug, project_id, Perm.VIEW_AGGREGATES
            )
    raise Http404


class ProjectListView(APIView):
    @extend_schema(
        operation_id="projects_list",
        responses={200: ProjectPageSerializer, **error_responses(401, 403)},
        summary="Projects the user's organisations implement, partner or fund",
    )
    def get(self, request: Request) -> Response:
        memberships = [
            m for m in memberships_for(request.user) if role_allows(m.role, Perm.VIEW_AGGREGATES)
        ]
        if not memberships:
            raise PermissionDenied
        projects = projects_visible_to_any(m.organisation for m in memberships)
        page = self.paginator.paginate_queryset(projects, request, view=self)
        data = ProjectSerializer(page, many=True, context={"request": request}).data
        return self.paginator.get_paginated_response(data)

    @property
    def paginator(self) -> Any:
        if not hasattr(self, "_paginator"):
            from donghanh.api.pagination import PagePagination

            self._paginator = PagePagination()
        return self._paginator


class ProjectIndicatorsView(APIView):
    @extend_schema(
        operation_id="projects_indicators",
        responses={200: IndicatorListSerializer, **error_responses(401, 403, 404)},
        summary="A project's indicators with target and computed actual",
    )
    def get(self, request: Request, project_id: int) -> Response:
        access = _project_access(request.user, project_id)
        outside = is_outside(access)
        results = project_results(access.project, outside=outside)
        return Response(
            {
                "project": access.project.pk,
                "suppressed": outside,
                "results": [_indicator(result) for result in results],
            }
        )


# Included from donghanh/api/v1/urls.py.
urlpatterns = [
    path("projects/", ProjectListView.as_view(), name="project_list"),
    path(
        "projects/<int:project_id>/indicators/",
        ProjectIndicatorsView.as_view(),
        name="project_indicators",
    ),
]
