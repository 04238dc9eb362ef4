"""A paginator that stops counting at a cap, for lists whose exact size nobody needs.

Counting every case an organisation of 300,000 may see costs the database more than the page it
shows; "more than 10,000" says what a person needs to know. The count reads at most `cap` + 1
rows (a LIMITed subquery, whatever the total), and is exact whenever it is under the cap, or when
the page is asked for its exact count.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """`Paginator` whose `count` is at most `cap` + 1 (exact below it; `cap=None`: always)."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        if self.cap is None or not isinstance(self.object_list, QuerySet):
            return super().count
        # Only the keys, without the joins the rows need (a join to the people would make the
        # database read them all to count the cases).
        counted = self.object_list.order_by().select_related(None).values("pk")
        return counted[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """Whether there are more than `cap` items (and so `count` is not their number)."""
        return self.cap is not None and self.count > self.cap
