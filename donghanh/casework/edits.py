"""How each editable record of case work is compared for the stale-edit check
(`donghanh.core.editing`): the fields an edit form changes, fingerprinted under a purpose of
their own."""

from __future__ import annotations

from donghanh.core.editing import EditSpec

from .models import PlanAction, PlanGoal

GOAL_EDITS = EditSpec.for_model(
    PlanGoal, fields=("domain", "text"), purpose="casework.goal-baseline"
)
ACTION_EDITS = EditSpec.for_model(
    PlanAction,
    fields=("description", "owner", "due_on", "status"),
    purpose="casework.action-baseline",
)
