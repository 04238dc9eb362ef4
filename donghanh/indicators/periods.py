"""An indicator's reporting periods: the periods of its targets.

The figures are counted per reporting period, from the records (`compute.py`) and from the
pre-counted facts (`fact_counts.py`, `tallies.py`): both take the periods from here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from donghanh.programmes.results.models import Indicator


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date


def indicator_periods(indicator: Indicator) -> list[Period]:
    """The indicator's reporting periods: those of its targets, in order, without repeats."""
    seen: dict[tuple[datetime.date, datetime.date], None] = {}
    for target in indicator.targets.all():
        seen[(target.period_start, target.period_end)] = None
    return [Period(start, end) for start, end in sorted(seen)]


def reporting_periods(indicator: Indicator) -> list[tuple[datetime.date, datetime.date]]:
    """The indicator's reporting periods as (start, end) pairs, as the facts take them."""
    return [(period.start, period.end) for period in indicator_periods(indicator)]
