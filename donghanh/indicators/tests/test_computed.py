"""Unique counting, and figures that follow the records (no stale cache)."""

from __future__ import annotations

import datetime

from donghanh.indicators.compute import Scope, raw_result
from donghanh.indicators.results import indicator_result
from donghanh.indicators.tests.conftest import Programme


def test_a_trainee_in_three_trainings_counts_once(programme: Programme) -> None:
    person = programme.trainee(1)
    programme.attend(person, *programme.trainings)
    result = raw_result(programme.indicator)
    assert result.total == 1
    assert result.periods == [1, 1]  # once in 2025 (two trainings), once in 2026
    assert result.breakdowns["sex"] == {"female": 1}


def test_unique_over_any_period_and_provinces(programme: Programme) -> None:
    for index in range(15):
        programme.attend(programme.trainee(index), *programme.trainings[: 1 + index % 3])
    assert raw_result(programme.indicator).total == 15
    in_2026 = Scope(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    assert raw_result(programme.indicator, in_2026).total == 5
    assert raw_result(programme.indicator, Scope(provinces=("01",))).total == 0


def test_a_new_training_moves_the_cached_figure(programme: Programme) -> None:
    programme.attend(programme.trainee(1), programme.trainings[0])
    assert indicator_result(programme.indicator, outside=False).actual.value == 1
    programme.attend(programme.trainee(2), programme.trainings[2])
    result = indicator_result(programme.indicator, outside=False)
    assert result.actual.value == 2
    assert result.percent == 4.0  # 2 of 20 + 30


def test_outside_viewers_see_small_counts_suppressed(programme: Programme) -> None:
    for index in range(14):
        programme.attend(
            programme.trainee(index, "male" if index < 3 else "female"), programme.trainings[0]
        )
    inside = indicator_result(programme.indicator, outside=False)
    outside = indicator_result(programme.indicator, outside=True)
    assert inside.actual.text == "14" and outside.actual.text == "14"
    sex = {cell.key: cell.figure.text for cell in outside.breakdowns[0].cells}
    # 3 men would follow from 14 - 11 women: the women's count is hidden too.
    assert sex == {"male": "<11", "female": "x"}
    assert all(cell.figure.share is None for cell in outside.breakdowns[0].cells)
    assert [row.actual.text for row in outside.periods] == ["14", "0"]
