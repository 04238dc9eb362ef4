"""Working days, the deadlines of a request, and the holidays they skip."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from donghanh.core.actor import Actor
from donghanh.privacy import services
from donghanh.privacy.deadlines import HolidayCalendar, add_working_days
from donghanh.privacy.models import Holiday
from donghanh.privacy.selectors import holiday_calendar
from donghanh.privacy.tests.conftest import FRIDAY, new_request

D = datetime.date
NO_HOLIDAYS = HolidayCalendar()


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (D(2026, 3, 6), 2, D(2026, 3, 10)),  # Friday + 2 = Tuesday
        (D(2026, 3, 7), 2, D(2026, 3, 10)),  # Saturday + 2 = Tuesday
        (D(2026, 3, 8), 2, D(2026, 3, 10)),  # Sunday + 2 = Tuesday
        (D(2026, 3, 9), 2, D(2026, 3, 11)),  # Monday + 2 = Wednesday
        (D(2026, 3, 12), 2, D(2026, 3, 16)),  # Thursday + 2 = Monday
        (D(2026, 3, 6), 0, D(2026, 3, 6)),
        (D(2026, 3, 6), 5, D(2026, 3, 13)),
    ],
)
def test_working_days_skip_weekends(start, count, expected):
    assert add_working_days(start, count, NO_HOLIDAYS) == expected


def test_a_dated_holiday_is_skipped():
    calendar = HolidayCalendar.from_rows([(2026, 3, 9)])
    # Friday 6/3 + 2 working days, with Monday 9/3 off: Wednesday 11/3.
    assert add_working_days(D(2026, 3, 6), 2, calendar) == D(2026, 3, 11)
    # The same date in another year is a working day.
    assert calendar.is_working_day(D(2027, 3, 9))


def test_a_recurring_holiday_is_skipped_every_year():
    calendar = HolidayCalendar.from_rows([(None, 4, 30), (None, 5, 1)])
    # Wednesday 29/4/2026 + 2: Thursday 30/4 and Friday 1/5 are off, so Tuesday 5/5.
    assert add_working_days(D(2026, 4, 29), 2, calendar) == D(2026, 5, 5)
    assert not calendar.is_working_day(D(2031, 5, 1))


def test_an_impossible_dated_holiday_is_ignored():
    calendar = HolidayCalendar.from_rows([(2026, 2, 30)])
    assert calendar.dated == frozenset()


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(FRIDAY, -1, NO_HOLIDAYS)


@pytest.mark.django_db
def test_the_seeded_fixed_holidays_are_in_the_calendar():
    calendar = holiday_calendar()
    for day in (D(2027, 1, 1), D(2027, 4, 30), D(2027, 5, 1), D(2027, 9, 2), D(2026, 9, 1)):
        assert calendar.is_holiday(day), day
    # Lunar holidays are data to enter each year: none is invented.
    assert not calendar.is_holiday(D(2026, 2, 17))


@pytest.mark.django_db
def test_the_holiday_seed_runs_twice_without_duplicates():
    seed_module = importlib.import_module("donghanh.privacy.migrations.0002_seed_public_holidays")
    before = Holiday.objects.count()
    seed_module.seed(django_apps, None)
    assert Holiday.objects.count() == before
    assert Holiday.objects.filter(year=None).count() == 4


@pytest.mark.django_db
def test_an_impossible_holiday_is_refused_by_validation():
    with pytest.raises(ValidationError):
        Holiday(name="x", month=4, day=31).full_clean()
    Holiday(name="leap", month=2, day=29).full_clean()


def test_request_deadlines_are_computed_from_the_received_date(trio, person):
    data_request = new_request(person, trio.owner, received_on=FRIDAY)
    assert data_request.acknowledge_by == D(2026, 3, 10)  # Tuesday
    assert data_request.complete_by == D(2026, 3, 21)  # 15 days


def test_a_processor_gives_twenty_days(trio, person):
    data_request = new_request(person, trio.owner, involves_processor=True)
    assert data_request.complete_by == FRIDAY + datetime.timedelta(days=20)


def test_a_configured_holiday_moves_the_acknowledgement(trio, person):
    Holiday.objects.create(name="Giỗ Tổ Hùng Vương (thử)", year=2026, month=3, day=9)
    data_request = new_request(person, trio.owner, received_on=FRIDAY)
    assert data_request.acknowledge_by == D(2026, 3, 11)


def test_a_holiday_entered_later_moves_waiting_deadlines_only(trio, person):
    waiting = new_request(person, trio.owner, received_on=FRIDAY)
    acknowledged = services.request_acknowledge(
        data_request=new_request(person, trio.owner, received_on=FRIDAY),
        actor=Actor.for_user(trio.owner),
    )
    Holiday.objects.create(name="Tết (thử)", year=2026, month=3, day=10)
    assert services.acknowledge_deadlines_refresh(actor=Actor.system("tests")) == 1
    waiting.refresh_from_db()
    acknowledged.refresh_from_db()
    assert waiting.acknowledge_by == D(2026, 3, 11)
    assert acknowledged.acknowledge_by == D(2026, 3, 10)


def test_an_extension_moves_the_completion_deadline_once(trio, person):
    data_request = new_request(person, trio.owner)
    extended = services.request_extend(
        data_request=data_request,
        days=15,
        reason="Dữ liệu ở hai văn phòng",
        actor=Actor.for_user(trio.owner),
    )
    assert extended.complete_by == D(2026, 3, 21) + datetime.timedelta(days=15)
    assert extended.was_extended
    with pytest.raises(ValidationError) as refused:
        services.request_extend(
            data_request=extended, days=1, reason="Lần nữa", actor=Actor.for_user(trio.owner)
        )
    assert refused.value.code == "already_extended"
    extended.refresh_from_db()
    assert extended.complete_by == D(2026, 4, 5)


@pytest.mark.parametrize(("days", "reason"), [(0, "lý do"), (16, "lý do"), (5, "   ")])
def test_an_extension_needs_1_to_15_days_and_a_reason(trio, person, days, reason):
    data_request = new_request(person, trio.owner)
    with pytest.raises(ValidationError):
        services.request_extend(
            data_request=data_request, days=days, reason=reason, actor=Actor.for_user(trio.owner)
        )
    data_request.refresh_from_db()
    assert not data_request.was_extended
    assert data_request.complete_by == D(2026, 3, 21)


def test_overdue_flags(trio, person):
    data_request = new_request(person, trio.owner, received_on=FRIDAY)
    assert data_request.acknowledgement_overdue_on(D(2026, 3, 11))
    assert not data_request.acknowledgement_overdue_on(D(2026, 3, 10))
    assert data_request.completion_overdue_on(D(2026, 3, 22))
    assert not data_request.completion_overdue_on(D(2026, 3, 21))
    acknowledged = services.request_acknowledge(
        data_request=data_request, actor=Actor.for_user(trio.owner)
    )
    assert not acknowledged.acknowledgement_overdue_on(D(2026, 3, 11))
    assert acknowledged.acknowledged_late  # acknowledged today, long after 10/3/2026
    assert acknowledged.next_due_on() == acknowledged.complete_by
    closed = services.request_complete(data_request=acknowledged, actor=Actor.for_user(trio.owner))
    assert not closed.completion_overdue_on(D(2026, 12, 31))
    assert closed.completed_late
    assert closed.next_due_on() is None
