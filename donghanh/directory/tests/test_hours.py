from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from donghanh.directory.hours import hours_by_period, hours_table, is_open_at
from donghanh.directory.models import OpeningHours, Provider, ProviderTimeZone
from donghanh.directory.selectors import providers_search
from donghanh.directory.services import HoursInput
from donghanh.directory.tests.conftest import office_hours

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# 24 November 2026 is a Tuesday; 29 November a Sunday.
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=VN)
SUNDAY_10 = datetime(2026, 11, 29, 10, 0, tzinfo=VN)


def open_ids(moment):
    return set(providers_search(at=moment).values_list("pk", flat=True))


def test_office_hours_open_on_tuesday_morning_and_closed_on_sunday(make_provider):
    office = make_provider(hours=office_hours())

    assert is_open_at(office, TUESDAY_10)
    assert not is_open_at(office, SUNDAY_10)
    assert office.pk in open_ids(TUESDAY_10)
    assert office.pk not in open_ids(SUNDAY_10)


@pytest.mark.parametrize(
    ("hour", "minute", "is_open"),
    [(7, 59, False), (8, 0, True), (16, 59, True), (17, 0, False), (23, 0, False)],
)
def test_opening_and_closing_minutes(make_provider, hour, minute, is_open):
    office = make_provider(hours=office_hours())
    moment = TUESDAY_10.replace(hour=hour, minute=minute)

    assert is_open_at(office, moment) is is_open
    assert (office.pk in open_ids(moment)) is is_open


def test_open_24_7_is_always_open(make_provider):
    hotline = make_provider("Tổng đài 111", kind=Provider.Kind.HOTLINE, open_24_7=True)

    for moment in (TUESDAY_10, SUNDAY_10, SUNDAY_10.replace(hour=3)):
        assert is_open_at(hotline, moment)
        assert hotline.pk in open_ids(moment)


def test_24_7_ignores_any_hours_given(make_provider):
    hotline = make_provider(open_24_7=True, hours=office_hours())
    assert not OpeningHours.objects.filter(provider=hotline).exists()


def test_overnight_period_runs_into_the_next_day(make_provider):
    # Saturday 20:00 to Sunday 01:00.
    evening = make_provider(hours=[HoursInput(weekday=5, opens=time(20), closes=time(1))])
    saturday_21 = SUNDAY_10 - timedelta(hours=13)
    sunday_0030 = SUNDAY_10.replace(hour=0, minute=30)
    sunday_0130 = SUNDAY_10.replace(hour=1, minute=30)

    assert is_open_at(evening, saturday_21) and evening.pk in open_ids(saturday_21)
    assert is_open_at(evening, sunday_0030) and evening.pk in open_ids(sunday_0030)
    assert not is_open_at(evening, sunday_0130) and evening.pk not in open_ids(sunday_0130)


def test_hours_abroad_are_read_in_the_providers_time_zone(make_provider):
    # 09:00–17:00 London time on weekdays; Tuesday 10:00 in Vietnam is 03:00 in London.
    london = make_provider(hours=office_hours(time(9)), time_zone=ProviderTimeZone.UNITED_KINGDOM)
    tuesday_18_vn = TUESDAY_10.replace(hour=18)  # 11:00 in London

    assert not is_open_at(london, TUESDAY_10) and london.pk not in open_ids(TUESDAY_10)
    assert is_open_at(london, tuesday_18_vn) and london.pk in open_ids(tuesday_18_vn)


def test_a_naive_moment_is_vietnam_time(make_provider):
    office = make_provider(hours=office_hours())
    assert is_open_at(office, datetime(2026, 11, 24, 10, 0))
    assert not is_open_at(office, datetime(2026, 11, 24, 7, 0))


def test_sql_and_python_agree_over_a_whole_week(make_provider):
    providers = [
        make_provider("Văn phòng", hours=office_hours()),
        make_provider(
            "Nghỉ trưa",
            hours=[
                *office_hours(time(7, 30), time(11, 30)),
                *office_hours(time(13, 30), time(17)),
            ],
        ),
        make_provider("Buổi tối", hours=[HoursInput(d, time(20), time(1)) for d in range(7)]),
        make_provider("Cả ngày thứ Bảy", hours=[HoursInput(5, time(0), time(0))]),
        make_provider("London", hours=office_hours(), time_zone=ProviderTimeZone.UNITED_KINGDOM),
        make_provider("24/7", open_24_7=True),
        make_provider("Không rõ giờ"),
    ]
    fetched = {p.pk: p for p in providers_search()}
    start = datetime(2026, 11, 23, 0, 15, tzinfo=VN)  # a Monday
    for step in range(0, 7 * 24 * 2):
        moment = start + timedelta(minutes=30 * step + 7 * (step % 5))
        in_sql = open_ids(moment)
        in_python = {p.pk for p in providers if is_open_at(fetched[p.pk], moment)}
        assert in_sql == in_python, moment


def test_hours_table_groups_consecutive_days(make_provider):
    provider = make_provider(
        hours=[
            *office_hours(time(7, 30), time(11, 30)),
            *office_hours(time(13, 30), time(17)),
            HoursInput(5, time(7, 30), time(11, 30)),
        ]
    )
    with translation.override("en"):
        rows = hours_table(provider.opening_hours.all())

    assert [(row.days, row.periods) for row in rows] == [
        ("Monday – Friday", ("07:30–11:30", "13:30–17:00")),
        ("Saturday", ("07:30–11:30",)),
        ("Sunday", ()),
    ]


def test_hours_by_period_is_what_the_edit_form_shows(make_provider):
    provider = make_provider(hours=[*office_hours(), HoursInput(5, time(8), time(12))])
    assert hours_by_period(provider.opening_hours.all()) == [
        ([0, 1, 2, 3, 4], time(8), time(17)),
        ([5], time(8), time(12)),
    ]
