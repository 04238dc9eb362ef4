"""A paginator that stops counting at a cap, for lists whose exact size nobody needs.

Counting every case an organisation of 300,000 may see costs the database more than the page it
shows; "more than 10,000" says what a person needs to know. The count reads at most `cap` + 1
rows (a LIMITed subquery, whatever the total), and is exact whenever it is under the cap, or when
the page is asked for its exact count.

With `keys_first`, a page's rows are read by their keys, chosen first: one query selects the
keys of the page, ordered and limited, without any join the rows need (an index of the filtered
columns can answer it alone), and counts every item as it goes (a window count, exact, capped
like the other); a second reads only the rows of those keys, with their joins. For lists ordered
by something computed over every match (a name search ranks exact matches first), which the
database otherwise joins and reads whole to keep a page of them, and counts again to count.
`rows`, given, reads those keys' rows instead of the list filtered by them: a read that need
not repeat the list's filters (a name search's word checks) for rows already chosen by them,
in the keys' order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """`Paginator` whose `count` is at most `cap` + 1 (exact below it; `cap=None`: always)."""

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int | None,
        keys_first: bool = False,
        rows: Callable[[list[Any]], list[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.keys_first = keys_first
        self.rows = rows
        self._keys: tuple[int, list[Any]] = (0, [])

    @cached_property
    def count(self) -> int:
        if self.cap is None or not isinstance(self.object_list, QuerySet):
            return super().count
        # Only the keys, without the joins the rows need (a join to the people would make the
        # database read them all to count the cases).
        counted = self.object_list.order_by().select_related(None).values("pk")
        return counted[: self.cap + 1].count()

    def _read_keys(self, number: int) -> list[Any]:
        """The keys of page `number` (with the orphans the last page takes), and from the same
        query the number of items, which it counts anyway to rank them (`count`, capped)."""
        bottom = (number - 1) * self.per_page
        cases: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        rows = list(
            cases.select_related(None)
            .prefetch_related(None)
            .annotate(_items=Window(Count("*")))
            .values_list("pk", "_items")[bottom : bottom + self.per_page + self.orphans]
        )
        if "count" not in self.__dict__ and (rows or number == 1):
            items = rows[0][1] if rows else 0
            self.__dict__["count"] = items if self.cap is None else min(items, self.cap + 1)
        keys = [key for key, _items in rows]
        self._keys = (number, keys)
        return keys

    def validate_number(self, number: Any) -> int:
        if self.keys_first and isinstance(self.object_list, QuerySet):
            # The page asked for is read first: its query also counts (one query, not two).
            try:
                asked = int(number)
            except (TypeError, ValueError):
                asked = 0
            if asked >= 1 and "count" not in self.__dict__:
                self._read_keys(asked)
        return super().validate_number(number)

    def page(self, number: Any) -> Page:
        if not (self.keys_first and isinstance(self.object_list, QuerySet)):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self._keys[1] if self._keys[0] == number else self._read_keys(number)
        keys = keys[: top - bottom]
        if self.rows is None:
            cases: QuerySet[Any] = self.object_list
            return Page(cases.filter(pk__in=keys), number, self)
        found = {row.pk: row for row in self.rows(keys)} if keys else {}
        # In the keys' order; a row gone since its key was read is left out.
        return Page([found[key] for key in keys if key in found], number, self)

    @property
    def capped(self) -> bool:
        """Whether there are more than `cap` items (and so `count` is not their number)."""
        return self.cap is not None and self.count > self.cap


class ReadPaginator(Paginator):
    """The paginator of one page already read: its rows (`rows`, page `number`), whether
    items follow it (`more`), and the number of items, exact or `estimated` (rounded to two
    significant figures; `at_least`: likely more than that).

    For a list read until its page was full rather than counted (a name search read newest
    first): its pages are numbered, but the last one is not known unless the count is exact."""

    def __init__(
        self,
        rows: list[Any],
        number: int,
        per_page: int,
        *,
        count: int,
        more: bool,
        estimated: bool = False,
        at_least: bool = False,
    ) -> None:
        super().__init__(rows, per_page)
        self.rows = rows
        self.number = number
        self.more = more
        self.estimated = estimated
        self.at_least = at_least
        self.cap = None
        self.__dict__["count"] = _two_figures(count) if estimated else count

    @property
    def capped(self) -> bool:
        return False

    @cached_property
    def num_pages(self) -> int:
        counted = -(-self.count // self.per_page) if self.count else 1
        # An estimate is not the last page: the page read, and the next if items follow.
        return max(counted, self.number + 1 if self.more else self.number)

    def page(self, number: Any) -> Page:
        if self.validate_number(number) != self.number:
            raise ValueError("only the page read can be shown")
        return Page(self.rows, self.number, self)

    def get_page(self, number: Any) -> Page:
        return Page(self.rows, self.number, self)


def _two_figures(number: int) -> int:
    """9,339 → 9,300; 11,524 → 12,000; 152 → 150: an estimate said as precisely as it is."""
    if number < 100:
        return number
    scale = 10 ** (len(str(number)) - 2)
    return round(number / scale) * scale
