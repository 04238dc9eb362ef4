"""Reads of the programme figures: for the dashboard and its drill-downs, the donor reports, the
projects API and the facts check (`manage.py rebuild_indicator_facts --check`).

Access is checked before: every caller holds a `ProjectAccess` from
`donghanh.programmes.selectors.access_project`. What the viewer may see of the figures depends
on where they stand (`is_outside`); which records they may drill down to is the view's to
decide by their role.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from donghanh.cases.models import Case
from donghanh.cases.selectors import cases_visible_to
from donghanh.indicators.compute import SOURCES, Scope, counted_from_records, drill_down_rows
from donghanh.indicators.fact_counts import facts_counts
from donghanh.indicators.periods import reporting_periods
from donghanh.indicators.results import IndicatorResult, indicator_result
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.selectors import ProjectAccess, ProjectRelation
from donghanh.programmes.results.models import Indicator, IndicatorSource, IndicatorTarget
from donghanh.programmes.trainings.models import Participant


def is_outside(access: ProjectAccess) -> bool:
    """Whether the viewer sees the project from outside its implementing organisation."""
    return (
        access.relation is not ProjectRelation.IMPLEMENTING
        or access.membership.role == Role.DONOR_VIEWER
    )


def project_indicators(project: Project) -> list[Indicator]:
    """The project's indicators, in framework order, with their targets and manual values."""
    return list(
        Indicator.objects.filter(project=project)
        .select_related("output__outcome__goal")
        .prefetch_related(
            Prefetch("targets", queryset=IndicatorTarget.objects.order_by("period_start", "id")),
            "manual_values",
        )
        .order_by("output__outcome__goal__code", "output__outcome__code", "output__code", "code")
    )


def project_results(
    project: Project, *, outside: bool, scope: Scope | None = None
) -> list[IndicatorResult]:
    """Every indicator of the project as the viewer may see it (`is_outside`)."""
    return [
        indicator_result(indicator, outside=outside, scope=scope)
        for indicator in project_indicators(project)
    ]


def counted_indicator(project: Project, indicator_id: int) -> Indicator:
    """A computed indicator of the project that counts records; 404 for any other."""
    indicator = (
        Indicator.objects.filter(project=project, pk=indicator_id)
        .exclude(computed_definition="")
        .first()
    )
    if indicator is None or indicator.computed_definition not in SOURCES:
        raise Http404
    return indicator


def trainees_behind(indicator: Indicator) -> QuerySet[Participant]:
    """The trainees a computed figure counts, with their province."""
    ids = drill_down_rows(indicator, Scope()).values("participant_id")
    return Participant.objects.filter(pk__in=ids).select_related("province").order_by("id")


def cases_behind(indicator: Indicator, membership: Membership) -> QuerySet[Case]:
    """The cases of the people a computed figure counts, those the member may open."""
    ids = drill_down_rows(indicator, Scope()).values("case_id")
    return cases_visible_to(membership).filter(pk__in=ids).order_by("number")


def facts_agree_with_records(project: Project) -> list[str]:
    """The codes of the project's computed indicators whose figures from the facts (the
    running tally, and the fact rows counted afresh) differ from the figures counted from
    the records; empty when the facts are exact, or not used."""
    differing = []
    computed = Indicator.objects.filter(project=project, source=IndicatorSource.COMPUTED)
    for indicator in computed.order_by("code"):
        periods = reporting_periods(indicator)
        counted = [
            facts_counts(indicator, periods, ()),
            facts_counts(indicator, periods, (), use_tally=False),
        ]
        if counted == [None, None]:
            continue
        whole, per_period, breakdowns = counted_from_records(indicator, Scope())
        expected = (whole, per_period, {name: cells for name, cells in breakdowns.items() if cells})
        if counted != [expected, expected]:
            differing.append(indicator.code)
    return differing
