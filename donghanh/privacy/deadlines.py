"""The deadlines of a data-subject request, and the working days they are counted in.

From the Law on Personal Data Protection (91/2025/QH15) and Decree 356/2025/NĐ-CP, as
summarised in docs/domain.md §5: a request is acknowledged within 2 working days and carried
out within 15 days (20 when a processor holds some of the data), with one extension. The
length of the extension is not in our sources: 15 days at most is this platform's reading,
kept here as a constant so it is changed in one place.

Working days are Monday to Friday except public holidays (`Holiday` rows). The count starts
the day after the request is received, so a request received on a Friday is acknowledged by
the Tuesday after. The completion deadline counts calendar days and is never moved off a
weekend: moving it later would shorten nobody's wait but ours.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

ACKNOWLEDGE_WORKING_DAYS = 2
COMPLETE_DAYS = 15
COMPLETE_DAYS_WITH_PROCESSOR = 20
MAX_EXTENSION_DAYS = 15

SATURDAY = 5


@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays: solar dates that recur every year, and days of one year only."""

    recurring: frozenset[tuple[int, int]] = frozenset()
    dated: frozenset[datetime.date] = frozenset()

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int | None, int, int]]) -> HolidayCalendar:
        """From (year or None, month, day) triples, as the `Holiday` table stores them."""
        recurring: set[tuple[int, int]] = set()
        dated: set[datetime.date] = set()
        for year, month, day in rows:
            if year is None:
                recurring.add((month, day))
            else:
                try:
                    dated.add(datetime.date(year, month, day))
                except ValueError:
                    continue  # a day that does not exist cannot be a day off
        return cls(recurring=frozenset(recurring), dated=frozenset(dated))

    def is_holiday(self, day: datetime.date) -> bool:
        return day in self.dated or (day.month, day.day) in self.recurring

    def is_working_day(self, day: datetime.date) -> bool:
        return day.weekday() < SATURDAY and not self.is_holiday(day)


def add_working_days(start: datetime.date, count: int, calendar: HolidayCalendar) -> datetime.date:
    """The day `count` working days after `start` (`start` itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def acknowledge_deadline(received_on: datetime.date, calendar: HolidayCalendar) -> datetime.date:
    return add_working_days(received_on, ACKNOWLEDGE_WORKING_DAYS, calendar)


def complete_deadline(received_on: datetime.date, *, involves_processor: bool) -> datetime.date:
    days = COMPLETE_DAYS_WITH_PROCESSOR if involves_processor else COMPLETE_DAYS
    return received_on + datetime.timedelta(days=days)
