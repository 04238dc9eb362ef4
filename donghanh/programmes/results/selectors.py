"""Reads of a project's results framework: goals with their outcomes, outputs and indicators.
The figures of the indicators are donghanh.indicators'."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.selectors import ProjectAccess, one_or_404
from donghanh.programmes.results.models import Goal, Indicator, ManualValue, Outcome, Output


def project_indicator(access: ProjectAccess, indicator_id: int) -> Indicator:
    return one_or_404(
        Indicator.objects.filter(project=access.project).select_related("output"), indicator_id
    )


def project_manual_value(access: ProjectAccess, value_id: int) -> ManualValue:
    return one_or_404(ManualValue.objects.filter(indicator__project=access.project), value_id)


def project_goal(access: ProjectAccess, goal_id: int) -> Goal:
    return one_or_404(Goal.objects.filter(project=access.project), goal_id)


def project_outcome(access: ProjectAccess, outcome_id: int) -> Outcome:
    return one_or_404(Outcome.objects.filter(goal__project=access.project), outcome_id)


def project_framework(project: Project) -> list[Any]:
    """Goals with their outcomes, outputs and indicators, in three queries."""
    outputs = Output.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets"))
    )
    outcomes = Outcome.objects.prefetch_related(Prefetch("outputs", queryset=outputs))
    return list(
        Goal.objects.filter(project=project).prefetch_related(
            Prefetch("outcomes", queryset=outcomes)
        )
    )


def indicators_without_output(project: Project) -> QuerySet[Indicator]:
    return Indicator.objects.filter(project=project, output__isnull=True).prefetch_related(
        "targets"
    )
