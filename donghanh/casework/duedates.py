"""Each case's next due date: the earliest of its open plan actions' due dates and its pending
follow-ups' planned dates (`Case.next_due_on`), which the caseload's overdue filter reads.

Every writer of actions or follow-ups calls `cases_next_due_refresh` itself, in its own
transaction: the casework services (which the demo loaders go through) after each write, bulk
writers (the benchmark generator) once per batch. A row that disappears with its case (erasure)
needs nothing: the case is gone too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Least

from donghanh.cases.models import Case
from donghanh.casework.models import ActionStatus, FollowUp, PlanAction


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
