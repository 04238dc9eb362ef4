"""The programme dashboard, its drill-downs and the donor report downloads.

Every page goes through `access_project` with Perm.VIEW_AGGREGATES: donor viewers, case
workers and programme staff see counts; outside the implementing organisation they are
suppressed (`selectors.is_outside`). Only roles that may see the records drill down to them:
trainees for Perm.VIEW_TRAINEES, served people as case numbers for Perm.VIEW_CASES (each
linked to the case page, which checks access to that case again).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from donghanh.core.actor import request_actor
from donghanh.core.templatetags.donghanh import vnd
from donghanh.indicators import reports, services
from donghanh.indicators.charts import Bar, bar_chart, column_chart
from donghanh.indicators.results import IndicatorResult
from donghanh.indicators.selectors import (
    cases_behind,
    counted_indicator,
    is_outside,
    project_results,
    trainees_behind,
)
from donghanh.organisations.roles import Perm, role_allows
from donghanh.programmes.finance.selectors import budget_summary
from donghanh.programmes.projects.selectors import ProjectAccess, access_project
from donghanh.programmes.results.models import ComputedDefinition, Disaggregation

_TRAINEE_DEFINITIONS = {ComputedDefinition.TRAINED_PARTICIPANTS}
_PERSON_DEFINITIONS = {
    ComputedDefinition.PERSONS_SERVED,
    ComputedDefinition.PERSONS_SERVED_BY_DOMAIN,
    ComputedDefinition.SHELTERED_PERSONS,
    ComputedDefinition.LIVELIHOOD_PLANS,
    ComputedDefinition.REINTEGRATION_IMPROVED,
}


def _number_text(value: Any) -> str:
    return vnd(value).replace(" ₫", "").replace("\xa0₫", "")


def _percent_text(percent: float | None) -> str:
    return "" if percent is None else f"{percent:.0f}%"


def _charts(result: IndicatorResult) -> dict[str, Any]:
    code = result.indicator.code
    ident = f"ind-{result.indicator.pk}"
    periods = [
        Bar(
            label=f"{row.period.start:%m/%Y}",
            value=float(row.actual.value) if row.actual.value is not None else None,
            text=row.actual.text,
            target=float(row.target) if row.target is not None else None,
        )
        for row in result.periods
    ]
    charts: dict[str, Any] = {
        "over_time": column_chart(
            ident=f"{ident}-time",
            title=_("%(code)s over time") % {"code": code},
            description=", ".join(f"{bar.label}: {bar.text}" for bar in periods),
            bars=periods,
        )
        if periods
        else None
    }
    province = next((b for b in result.breakdowns if b.dimension == Disaggregation.PROVINCE), None)
    if province is not None and not province.withheld and province.cells:
        bars = [
            Bar(
                cell.label,
                float(cell.figure.value) if cell.figure.value is not None else None,
                cell.figure.text,
            )
            for cell in province.cells
        ]
        charts["by_province"] = bar_chart(
            ident=f"{ident}-province",
            title=_("%(code)s by province") % {"code": code},
            description=", ".join(f"{bar.label}: {bar.text}" for bar in bars),
            bars=bars,
        )
    return charts


def _progress_chart(results: list[IndicatorResult]) -> Any:
    bars = [
        Bar(
            label=f"{result.indicator.code} {result.indicator.local_name}"[:70],
            value=min(result.percent, 150) if result.percent is not None else None,
            text=_percent_text(result.percent) or result.actual.text,
            target=100 if result.target else None,
        )
        for result in results
    ]
    return bar_chart(
        ident="progress",
        title=_("Progress against targets"),
        description=", ".join(f"{bar.label}: {bar.text}" for bar in bars),
        bars=bars,
    )


def _budget_chart(summary: Any) -> Any:
    bars = [
        Bar(
            label=f"{row.line.code} {row.line.name}"[:70],
            value=float(row.spent_vnd),
            text=_number_text(row.spent_vnd) + " ₫",
            target=float(row.line.amount_vnd),
        )
        for row in summary.rows
    ]
    return bar_chart(
        ident="budget",
        title=_("Spending against budget"),
        description=", ".join(f"{bar.label}: {bar.text}" for bar in bars),
        bars=bars,
    )


def _can_see_people(access: ProjectAccess) -> bool:
    return not is_outside(access) and role_allows(access.membership.role, Perm.VIEW_CASES)


@require_GET
@login_required
def dashboard(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access = access_project(request.user, org, project_id, Perm.VIEW_AGGREGATES)
    outside = is_outside(access)
    results = project_results(access.project, outside=outside)
    summary = budget_summary(access.project)
    items = [
        {
            "result": result,
            "charts": _charts(result),
            "drill": (
                (
                    result.indicator.computed_definition in _TRAINEE_DEFINITIONS
                    and access.sees_trainees
                )
                or (
                    result.indicator.computed_definition in _PERSON_DEFINITIONS
                    and _can_see_people(access)
                )
            ),
        }
        for result in results
    ]
    return render(
        request,
        "indicators/dashboard.html",
        {
            "organisation": access.organisation,
            "project": access.project,
            "access": access,
            "outside": outside,
            "items": items,
            "progress_chart": _progress_chart(results) if results else None,
            "budget": summary,
            "budget_chart": _budget_chart(summary) if summary.rows else None,
        },
    )


@require_GET
@login_required
def records(request: HttpRequest, org: str, project_id: int, indicator_id: int) -> HttpResponse:
    """The records behind a computed figure: trainees, or the cases of the people served."""
    access = access_project(request.user, org, project_id, Perm.VIEW_AGGREGATES)
    indicator = counted_indicator(access.project, indicator_id)
    definition = indicator.computed_definition
    context: dict[str, Any] = {
        "organisation": access.organisation,
        "project": access.project,
        "indicator": indicator,
    }
    if definition in _TRAINEE_DEFINITIONS and access.sees_trainees:
        trainees = trainees_behind(indicator)
        context["trainees"] = trainees[:500]
        context["trainee_count"] = trainees.count()
    elif definition in _PERSON_DEFINITIONS and _can_see_people(access):
        context["cases"] = cases_behind(indicator, access.membership)[:500]
    else:
        raise PermissionDenied
    services.indicator_records_view_record(
        actor=request_actor(request, organisation=access.organisation), indicator=indicator
    )
    return render(request, "indicators/records.html", context)


def _download(
    request: HttpRequest, access: ProjectAccess, kind: str, content: bytes, content_type: str
) -> HttpResponse:
    project = access.project
    services.report_download_record(
        actor=request_actor(request, organisation=access.organisation), project=project, kind=kind
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}-{kind}"'
    return response


def _report_inputs(
    request: HttpRequest, org: str, project_id: int
) -> tuple[ProjectAccess, list[IndicatorResult], bool]:
    access = access_project(request.user, org, project_id, Perm.VIEW_AGGREGATES)
    outside = is_outside(access)
    return access, project_results(access.project, outside=outside), outside


@require_GET
@login_required
def logframe_xlsx(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access, results, outside = _report_inputs(request, org, project_id)
    content = reports.logframe_xlsx(access.project, results, outside)
    return _download(
        request,
        access,
        "logframe.xlsx",
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
@login_required
def report_pdf(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access, results, outside = _report_inputs(request, org, project_id)
    rows = budget_summary(access.project).rows
    content = reports.report_pdf(access.project, results, rows, outside)
    return _download(request, access, "report.pdf", content, "application/pdf")


@require_GET
@login_required
def iati_json(request: HttpRequest, org: str, project_id: int) -> HttpResponse:
    access, results, outside = _report_inputs(request, org, project_id)
    document = reports.iati_results(access.project, results, outside)
    content = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return _download(request, access, "iati-results.json", content, "application/json")
