"""The case work's due dates, for each case's next due date (`donghanh.cases.duedates`): the
earliest due date of its open plan actions and the earliest planned date of its pending
follow-ups, registered in `CaseworkConfig.ready()`. `cases_next_due_refresh` is the cases app's,
named here for the casework writers.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Min, OuterRef, Subquery

from donghanh.cases.duedates import cases_next_due_refresh
from donghanh.casework.models import ActionStatus, FollowUp, PlanAction

__all__ = ["actions_due", "cases_next_due_refresh", "follow_ups_due"]


def actions_due() -> Any:
    """The earliest due date of the case's open plan actions."""
    return Subquery(
        PlanAction.objects.filter(
            goal__plan__case_id=OuterRef("pk"), status=ActionStatus.OPEN, due_on__isnull=False
        )
        .order_by()
        .values("goal__plan__case_id")
        .annotate(first=Min("due_on"))
        .values("first")
    )


def follow_ups_due() -> Any:
    """The earliest planned date of the case's pending follow-ups."""
    return Subquery(
        FollowUp.objects.filter(case_id=OuterRef("pk"), done_on__isnull=True)
        .order_by()
        .values("case_id")
        .annotate(first=Min("planned_on"))
        .values("first")
    )
