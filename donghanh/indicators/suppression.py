"""Small-cell suppression: what of a count may be published outside the organisation.

A count from 1 to 10 is shown as "<11" (k = 11, as IOM's CTDC publishes). That alone is not
enough: a total and the other cells of a breakdown would give the hidden cell back by
differencing. So each breakdown ("line") is audited exactly, as an attacker would, against
what is published; while a small cell can still be worked out, the smallest published cell is
hidden as well ("x", complementary suppression), and when nothing is left to hide the line is
withheld altogether.

What an attacker knows, and what the audit assumes:
- a published cell or total is exact; zeros are published, so a hidden cell is never 0;
- a "<11" cell lies in 1..10; an "x" cell is neither 0 nor small, so it is at least 11;
- the total of every line of an indicator is the same published number (or "<11", and then no
  breakdown is published at all: there is nothing worth breaking down in fewer than 11).

Lines relate their cells to the total in one of three ways (`Relation`): a partition (the
total is the sum, e.g. people by sex), a cover (unique people: no cell exceeds the total and
the total is at most the sum, e.g. people by period or by service domain), or none (each cell
stands alone, e.g. the periods of a "latest value" indicator). Lines share no cells, and
outside viewers only ever see these fixed tables, never a total over a chosen subset.

This module is pure: no database, no Django models, so it can be tested exhaustively.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

K = 11  # the smallest count that may be published as it is
SMALL_MAX = K - 1
UNBOUNDED = 10**15

Key = TypeVar("Key", bound=Hashable)


class Hidden(StrEnum):
    NO = ""
    SMALL = "small"  # a count from 1 to 10, shown as "<11"
    COMPLEMENTARY = "complementary"  # hidden so that a small count cannot be worked out


class Relation(StrEnum):
    PARTITION = "partition"  # total = sum of the cells
    COVER = "cover"  # every cell <= total <= sum of the cells (unique people)
    NONE = "none"  # the cells say nothing about the total


def is_small(count: int) -> bool:
    return 1 <= count <= SMALL_MAX


@dataclass(frozen=True)
class Count:
    """A count as it may be shown: the number, or only why it is hidden (never both)."""

    value: int | Decimal | None
    hidden: Hidden = Hidden.NO

    @classmethod
    def of(cls, count: int, hidden: Hidden = Hidden.NO) -> Count:
        if hidden is Hidden.NO:
            return cls(count)
        return cls(None, hidden)

    @property
    def is_hidden(self) -> bool:
        return self.hidden is not Hidden.NO

    @property
    def text(self) -> str:
        if self.hidden is Hidden.SMALL:
            return f"<{K}"
        if self.hidden is Hidden.COMPLEMENTARY:
            return "x"
        return str(self.value)


@dataclass(frozen=True)
class Line(Generic[Key]):
    """One breakdown of an indicator's total, as it may be published."""

    cells: dict[Key, Count]
    withheld: bool = False


def count_shown(count: int) -> Count:
    """A count that stands alone: hidden only if small."""
    return Count.of(count, Hidden.SMALL if is_small(count) else Hidden.NO)


def share(part: Count, whole: Count) -> float | None:
    """`part` as a fraction of `whole`, or None when either is hidden (a percentage of a
    hidden count would give it back)."""
    if part.value is None or whole.value is None or whole.value == 0:
        return None
    return float(part.value) / float(whole.value)


def _domain(value: int, hidden: Hidden) -> tuple[int, int]:
    if hidden is Hidden.SMALL:
        return 1, SMALL_MAX
    if hidden is Hidden.COMPLEMENTARY:
        return K, UNBOUNDED
    return value, value


def small_cell_values(
    values: Mapping[Key, int], hidden: Mapping[Key, Hidden], total: int, relation: Relation
) -> dict[Key, range]:
    """For each "<11" cell, every value an attacker cannot rule out, given the published
    total, the published cells and what the markers tell. Exact for the three relations."""
    domains = {key: _domain(values[key], hidden[key]) for key in values}
    result: dict[Key, range] = {}
    for key, state in hidden.items():
        if state is not Hidden.SMALL:
            continue
        others = [domain for other, domain in domains.items() if other != key]
        low, high = 1, SMALL_MAX
        if relation is Relation.PARTITION:
            low = max(low, total - sum(min(hi, UNBOUNDED) for _, hi in others))
            high = min(high, total - sum(lo for lo, _ in others))
        elif relation is Relation.COVER:
            # The total may not exceed this cell plus the others at their largest (each at
            # most the total); no cell may exceed the total.
            low = max(low, total - sum(min(hi, total) for _, hi in others))
            high = min(high, total)
        result[key] = range(low, high + 1)
    return result


def _leaks(
    values: Mapping[Key, int], hidden: Mapping[Key, Hidden], total: int, relation: Relation
) -> bool:
    return any(
        len(possible) <= 1
        for possible in small_cell_values(values, hidden, total, relation).values()
    )


def protect_line(values: Mapping[Key, int], total: int, relation: Relation) -> Line[Key]:
    """The line as it may be published beside a published `total` (0 or at least 11)."""
    if is_small(total):
        raise ValueError("a line is published only beside a total of 0 or at least 11")
    hidden: dict[Key, Hidden] = {
        key: Hidden.SMALL if is_small(value) else Hidden.NO for key, value in values.items()
    }
    while relation is not Relation.NONE and _leaks(values, hidden, total, relation):
        candidates = [
            (value, str(key), key)
            for key, value in values.items()
            if hidden[key] is Hidden.NO and value > 0
        ]
        if not candidates:
            return Line({key: Count(None, Hidden.COMPLEMENTARY) for key in values}, withheld=True)
        _, _, smallest = min(candidates, key=lambda item: (item[0], item[1]))
        hidden[smallest] = Hidden.COMPLEMENTARY
    return Line({key: Count.of(values[key], hidden[key]) for key in values})


@dataclass(frozen=True)
class Protected(Generic[Key]):
    """An indicator's total and its breakdowns, as they may be shown outside."""

    total: Count
    lines: dict[str, Line[Key]]


def protect(total: int, lines: Mapping[str, tuple[Relation, Mapping[Key, int]]]) -> Protected[Key]:
    """Suppress an indicator for outside viewers: a small total is "<11" and then no line is
    published; otherwise each line is protected on its own beside the published total."""
    shown_total = count_shown(total)
    if shown_total.is_hidden:
        return Protected(
            shown_total,
            {
                name: Line({key: Count(None, Hidden.COMPLEMENTARY) for key in values}, True)
                for name, (_, values) in lines.items()
            },
        )
    return Protected(
        shown_total,
        {name: protect_line(values, total, relation) for name, (relation, values) in lines.items()},
    )


def publish_all(
    total: int, lines: Mapping[str, tuple[Relation, Mapping[Key, int]]]
) -> Protected[Key]:
    """Everything as it is: for the implementing organisation's own staff."""
    return Protected(
        Count(total),
        {
            name: Line({key: Count(value) for key, value in values.items()})
            for name, (_, values) in lines.items()
        },
    )
