"""Unique counting, and figures that follow the records (no stale cache)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.core.actor import Actor
from donghanh.indicators.compute import Scope, raw_result
from donghanh.indicators.results import indicator_result
from donghanh.indicators.tests.conftest import Programme, make_programme
from donghanh.programmes.trainings.services import participant_enrol
from donghanh.testing.factories import UserFactory


@pytest.fixture
def user(db: None) -> Any:
    return UserFactory()


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


def _enrol(programme: Programme, index: int, training: int, user: Any) -> None:
    participant_enrol(
        training=programme.trainings[training],
        full_name=f"Lê Văn Học Viên {index}",
        sex="male",
        role="social_worker",
        sector="labour",
        actor=Actor.for_user(user),
    )


def test_a_new_participation_moves_the_cached_figure_at_once(
    programme: Programme, user: Any
) -> None:
    _enrol(programme, 1, 0, user)
    assert indicator_result(programme.indicator, outside=False).actual.value == 1
    _enrol(programme, 2, 2, user)
    result = indicator_result(programme.indicator, outside=False)
    assert result.actual.value == 2
    assert result.percent == 4.0  # 2 of 20 + 30


def test_a_write_to_one_project_keeps_the_figures_of_another(
    programme: Programme, user: Any
) -> None:
    other = make_programme()
    _enrol(programme, 1, 0, user)
    other_figures = raw_result(other.indicator)
    mine = raw_result(programme.indicator)
    _enrol(programme, 2, 1, user)
    # The other project's figures come from the cache: no counting query runs for them.
    with CaptureQueriesContext(connection) as counting:
        assert raw_result(other.indicator).total == other_figures.total
    assert not any("COUNT" in q["sql"] for q in counting.captured_queries)
    # This project's figures are read again (from its running tally), with the new trainee.
    with CaptureQueriesContext(connection) as counting:
        assert raw_result(programme.indicator).total == mine.total + 1
    assert any("indicators_tallycell" in q["sql"] for q in counting.captured_queries)


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
