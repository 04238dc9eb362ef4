"""Each case's next due date: the earliest of its open plan actions' due dates and its pending
follow-ups' planned dates (`Case.next_due_on`), which the caseload's overdue filter reads.

It is refreshed whenever an action or a follow-up is saved or deleted, whatever wrote it (the
services, a cascade, the demo loaders), through the signals connected in `apps.py`; bulk
writers (the benchmark generator) call `cases_next_due_refresh` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Least

from donghanh.cases.case_models import Case
from donghanh.casework.models import ActionStatus, FollowUp, PlanAction, PlanGoal


def cases_next_due_refresh(*, case_ids: Iterable[int] | None = None) -> int:
    """Recompute `next_due_on` of the given cases (all cases if None), in one update."""
    action_due = (
        PlanAction.objects.filter(
            goal__plan__case_id=OuterRef("pk"), status=ActionStatus.OPEN, due_on__isnull=False
        )
        .order_by()
        .values("goal__plan__case_id")
        .annotate(first=Min("due_on"))
        .values("first")
    )
    follow_up_due = (
        FollowUp.objects.filter(case_id=OuterRef("pk"), done_on__isnull=True)
        .order_by()
        .values("case_id")
        .annotate(first=Min("planned_on"))
        .values("first")
    )
    action, follow_up = Subquery(action_due), Subquery(follow_up_due)
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
    # Least of two dates either of which may be missing (SQLite's MIN() would give NULL).
    return cases.update(next_due_on=Least(Coalesce(action, follow_up), Coalesce(follow_up, action)))


def _action_changed(sender: Any, instance: PlanAction, **kwargs: Any) -> None:
    case_id = PlanGoal.objects.filter(pk=instance.goal_id).values_list("plan__case_id", flat=True)
    cases_next_due_refresh(case_ids=case_id)


def _follow_up_changed(sender: Any, instance: FollowUp, **kwargs: Any) -> None:
    cases_next_due_refresh(case_ids=[instance.case_id])


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(_action_changed, sender=PlanAction, dispatch_uid="next_due_action_saved")
    post_delete.connect(_action_changed, sender=PlanAction, dispatch_uid="next_due_action_gone")
    post_save.connect(_follow_up_changed, sender=FollowUp, dispatch_uid="next_due_fu_saved")
    post_delete.connect(_follow_up_changed, sender=FollowUp, dispatch_uid="next_due_fu_gone")
