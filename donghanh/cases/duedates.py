"""Each case's next due date (`Case.next_due_on`): the earliest date of the pending work that
the apps above `cases` register (`registry.DUE_DATES`): open plan actions and pending follow-ups
(casework), the 6- and 12-month reintegration reviews (livelihood). The caseload's "overdue"
filter reads this column instead of every app's rows.

Every writer of dated work calls `cases_next_due_refresh` itself, in its own transaction: the
services after each write, bulk writers (the benchmark generator) once per batch. A row that
disappears with its case (erasure) needs nothing: the case is gone too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import Coalesce, Least

from donghanh.cases.models import Case
from donghanh.cases.registry import DUE_DATES


def cases_next_due_refresh(*, case_ids: Iterable[int] | None = None) -> int:
    """Recompute `next_due_on` of the given cases (all cases if None), in one update."""
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
    dues = [DUE_DATES[key]() for key in sorted(DUE_DATES)]
    if not dues:
        return cases.update(next_due_on=None)
    if len(dues) == 1:
        return cases.update(next_due_on=dues[0])
    # The least of dates any of which may be missing (SQLite's MIN() would give NULL): each
    # term is one date, or another when it is missing, so no term is NULL unless all are.
    terms = [Coalesce(due, *dues[:index], *dues[index + 1 :]) for index, due in enumerate(dues)]
    return cases.update(next_due_on=Least(*terms))
