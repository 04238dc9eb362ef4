"""Small-cell suppression: no hidden count can be worked out from what is published.

The attacker here is brute force, independent of the module's own audit: it tries every
value each hidden cell could take given the markers ("<11" is 1..10, "x" is at least 11 and
at most the total) and keeps the combinations that agree with the published total.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donghanh.indicators.suppression import (
    Count,
    Hidden,
    K,
    Line,
    Relation,
    count_shown,
    protect,
    protect_line,
    share,
)


def attacker_values(line: Line[str], total: int, relation: Relation) -> dict[str, set[int]]:
    """Every value each "<11" cell can take, by trying all completions of the hidden cells."""
    published = {
        key: int(cell.value or 0) for key, cell in line.cells.items() if not cell.is_hidden
    }
    hidden = [key for key, cell in line.cells.items() if cell.is_hidden]
    ranges = [
        range(1, K) if line.cells[key].hidden is Hidden.SMALL else range(K, total + 1)
        for key in hidden
    ]
    possible: dict[str, set[int]] = {
        key: set() for key in hidden if line.cells[key].hidden is Hidden.SMALL
    }
    for guess in itertools.product(*ranges):
        cells = [*published.values(), *guess]
        if relation is Relation.PARTITION and sum(cells) != total:
            continue
        if relation is Relation.COVER and (max(cells) > total or sum(cells) < total):
            continue
        for key, value in zip(hidden, guess, strict=True):
            if key in possible:
                possible[key].add(value)
    return possible


small_or_not = st.one_of(st.integers(0, 12), st.integers(0, 30))


@st.composite
def lines(draw: st.DrawFn) -> tuple[Relation, dict[str, int], int]:
    relation = draw(st.sampled_from([Relation.PARTITION, Relation.COVER]))
    values = draw(st.lists(small_or_not, min_size=1, max_size=5))
    if relation is Relation.PARTITION:
        total = sum(values)
    else:
        total = draw(st.integers(max(values), max(sum(values), max(values))))
    return relation, {f"c{i}": value for i, value in enumerate(values)}, total


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(lines())
def test_no_small_cell_can_be_worked_out(line_spec: tuple[Relation, dict[str, int], int]) -> None:
    relation, values, total = line_spec
    result = protect(total, {"line": (relation, values)})
    line = result.lines["line"]
    if result.total.is_hidden:
        assert result.total.hidden is Hidden.SMALL and 1 <= total < K
        assert line.withheld and all(cell.value is None for cell in line.cells.values())
        return
    assert result.total.value == total
    if line.withheld:
        assert all(cell.value is None for cell in line.cells.values())
        return
    for key, cell in line.cells.items():
        if 1 <= values[key] < K:
            assert cell.hidden is Hidden.SMALL and cell.value is None
        if not cell.is_hidden:
            assert cell.value == values[key]
    hidden_count = sum(cell.is_hidden for cell in line.cells.values())
    if hidden_count > 4 or total > 45:
        return  # too many completions to try by brute force; smaller cases cover the logic
    for key, possible in attacker_values(line, total, relation).items():
        assert values[key] in possible
        assert len(possible) >= 2, f"{key} = {values[key]} recoverable from {line} / {total}"


def test_a_lone_small_cell_hides_a_second_cell() -> None:
    line = protect_line({"female": 300, "male": 5, "other": 0}, 305, Relation.PARTITION)
    assert [cell.text for cell in line.cells.values()] == ["x", "<11", "0"]


def test_a_complementary_cell_too_close_to_eleven_is_not_enough() -> None:
    # 1 + 11 = 12: hiding the 11 as well still tells the small cell is 1 (the 11 is at least
    # 11), so the line has nothing left to hide and is withheld.
    line = protect_line({"a": 1, "b": 11}, 12, Relation.PARTITION)
    assert line.withheld
    assert all(cell.value is None for cell in line.cells.values())


def test_unique_people_over_periods_hide_a_second_period() -> None:
    # Unique counting: 10 new in the first period would show through "110 in all, 100 in the
    # second" unless the second is hidden too.
    line = protect_line({"2025": 10, "2026": 100}, 110, Relation.COVER)
    assert line.cells["2026"].hidden is Hidden.COMPLEMENTARY


def test_cells_that_say_nothing_about_the_total_are_hidden_only_when_small() -> None:
    line = protect_line({"q1": 4, "q2": 30}, 30, Relation.NONE)
    assert [cell.text for cell in line.cells.values()] == ["<11", "30"]


def test_small_total_withholds_every_breakdown() -> None:
    result = protect(7, {"sex": (Relation.PARTITION, {"female": 7, "male": 0})})
    assert result.total.text == "<11"
    assert result.lines["sex"].withheld


def test_zero_and_eleven_are_published() -> None:
    assert count_shown(0).text == "0"
    assert count_shown(11).text == "11"
    assert count_shown(10).text == "<11"


def test_no_percentage_of_a_hidden_count() -> None:
    assert share(Count(None, Hidden.SMALL), Count(100)) is None
    assert share(Count(25), Count(None, Hidden.COMPLEMENTARY)) is None
    assert share(Count(25), Count(100)) == pytest.approx(0.25)


def test_a_figure_on_a_page_is_grouped_in_thousands_and_a_withheld_one_stays_withheld():
    from decimal import Decimal

    from django.utils import translation

    from donghanh.indicators.results import Figure
    from donghanh.indicators.suppression import Count, Hidden

    money = Figure(Count(46_500_000))
    with translation.override("vi"):
        assert money.display == "46.500.000"
        assert Figure(Count(Decimal("1234.5"))).display == "1.234,5"
    with translation.override("en"):  # the platform writes numbers the Vietnamese way in both
        assert money.display == "46.500.000"
    assert money.text == "46500000"  # files and the API keep the plain number
    assert Figure(Count.of(3, Hidden.SMALL)).display == Figure(Count.of(3, Hidden.SMALL)).text
    assert Figure(Count.of(3, Hidden.SMALL)).display.startswith("<")
