"""Opening hours: whether a provider is open at a moment, in Python and in SQL, and as a table.

Hours are written in the provider's own time zone (a UK helpline keeps UK hours); "now" is any
aware moment, and a naive one is read as the platform's time (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.directory.models import VIETNAM_TIME_ZONE, OpeningHours, ProviderTimeZone, Weekday

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from donghanh.directory.models import Provider


class Period(Protocol):
    weekday: int
    opens: time
    closes: time


def local_weekday_and_time(moment: datetime, zone: str) -> tuple[int, time]:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, ZoneInfo(VIETNAM_TIME_ZONE))
    local = moment.astimezone(ZoneInfo(zone))
    return local.weekday(), local.time().replace(microsecond=0)


def period_covers(period: Period, weekday: int, at: time) -> bool:
    """Whether the period is open on `weekday` at `at` (both local to the provider)."""
    overnight = period.closes <= period.opens
    if period.weekday == weekday and period.opens <= at and (overnight or at < period.closes):
        return True
    return overnight and period.weekday == (weekday - 1) % 7 and at < period.closes


def periods_open_at(periods: Iterable[Period], zone: str, moment: datetime) -> bool:
    weekday, at = local_weekday_and_time(moment, zone)
    return any(period_covers(period, weekday, at) for period in periods)


def is_open_at(provider: Provider, moment: datetime) -> bool:
    """Whether the provider is open at `moment`. Uses prefetched `opening_hours` if present."""
    if provider.open_24_7:
        return True
    return periods_open_at(provider.opening_hours.all(), provider.time_zone, moment)


def open_at_q(moment: datetime, zones: Iterable[str] | None = None) -> Q:
    """A filter for providers open at `moment`: the SQL twin of `is_open_at`.

    `zones` are the time zones worth asking about (those in use; all of them by default).
    Zones on the same local time share one uncorrelated subquery on the opening hours, which
    the database computes once, using the (weekday, opens, closes) index, rather than once per
    provider.
    """
    zones_by_local_time: dict[tuple[int, time], list[str]] = defaultdict(list)
    for zone in ProviderTimeZone.values if zones is None else zones:
        zones_by_local_time[local_weekday_and_time(moment, zone)].append(zone)
    overnight = Q(closes__lte=F("opens"))
    condition = Q(open_24_7=True)
    for (weekday, at), same_time in zones_by_local_time.items():
        same_day = Q(weekday=weekday, opens__lte=at) & (Q(closes__gt=at) | overnight)
        from_day_before = Q(weekday=(weekday - 1) % 7, closes__gt=at) & overnight
        open_periods = OpeningHours.objects.filter(same_day | from_day_before)
        condition |= Q(time_zone__in=same_time, pk__in=open_periods.values("provider_id"))
    return condition


# --- as a table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoursRow:
    days: str
    periods: tuple[str, ...]  # empty when closed


def _period_text(opens: time, closes: time) -> str:
    if opens == closes == time(0):
        return _("all day")
    return f"{opens:%H:%M}–{closes:%H:%M}"


def _days_text(days: Sequence[int]) -> str:
    labels: list[StrOrPromise] = [Weekday(day).label for day in days]
    if len(days) > 2 and days[-1] - days[0] == len(days) - 1:
        return f"{labels[0]} – {labels[-1]}"
    return ", ".join(str(label) for label in labels)


def hours_table(periods: Iterable[Period]) -> list[HoursRow]:
    """The week as rows of consecutive days with the same hours: "Monday – Friday 08:00–17:00"."""
    by_day: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for period in periods:
        by_day[period.weekday].append((period.opens, period.closes))
    if not by_day:
        return []
    rows: list[tuple[list[int], tuple[tuple[time, time], ...]]] = []
    for day in Weekday.values:
        hours = tuple(sorted(by_day.get(day, [])))
        if rows and rows[-1][1] == hours:
            rows[-1][0].append(day)
        else:
            rows.append(([day], hours))
    return [
        HoursRow(
            days=_days_text(days),
            periods=tuple(_period_text(opens, closes) for opens, closes in hours),
        )
        for days, hours in rows
    ]


def hours_by_period(periods: Iterable[Period]) -> list[tuple[list[int], time, time]]:
    """The same hours grouped the other way round, as the edit form takes them: days per period."""
    days: dict[tuple[time, time], list[int]] = defaultdict(list)
    for period in periods:
        days[(period.opens, period.closes)].append(period.weekday)
    return sorted(
        ((sorted(weekdays), opens, closes) for (opens, closes), weekdays in days.items()),
        key=lambda row: (row[0][0], row[1]),
    )
