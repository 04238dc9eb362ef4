"""The person's data export: the parts of case work that do not hang on the case directly.

Needs assessments, the plan, services, follow-ups and shelter stays point at the case, so the
privacy app's "cases" section exports them with the case already. The levels of need, the
plan's goals and its actions hang one level further down; this section adds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from donghanh.core.person_export import (
    ExportRecord,
    model_records,
    register_exporter,
    registered_exporters,
)

from .models import AssessedNeed, PlanAction, PlanGoal

if TYPE_CHECKING:
    from donghanh.people.models import Person


def export_casework(person: Person) -> list[ExportRecord]:
    needs = AssessedNeed.objects.filter(assessment__case__person=person).order_by("pk")
    goals = PlanGoal.objects.filter(plan__case__person=person).order_by("pk")
    actions = PlanAction.objects.filter(goal__plan__case__person=person).order_by("pk")
    return [
        *model_records(needs, title=_("Assessed need")),
        *model_records(goals, title=_("Goal")),
        *model_records(actions, title=pgettext("plan", "Action")),
    ]


def register_casework_exporter() -> None:
    if any(exporter.key == "casework" for exporter in registered_exporters()):
        return
    register_exporter(
        "casework",
        label=gettext_lazy("Needs and case plan"),
        covers=["casework.assessedneed", "casework.plangoal", "casework.planaction"],
        order=45,
    )(export_casework)
