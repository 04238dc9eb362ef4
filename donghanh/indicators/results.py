"""An indicator as a viewer may see it: target, actual, % achieved, trend and breakdowns,
with small cells suppressed for anyone outside the implementing organisation.

Who is "outside" (`selectors.is_outside`): partner and donor organisations of the project, and
a donor viewer in any organisation. Inside, figures are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from donghanh.cases.models import CaseType
from donghanh.indicators import suppression
from donghanh.indicators.compute import MONEY_DEFINITIONS, UNKNOWN, RawResult, Scope
from donghanh.indicators.compute import raw_result as compute_raw_result
from donghanh.indicators.periods import Period, indicator_periods
from donghanh.indicators.suppression import Count, Hidden, Relation
from donghanh.people.models import Sex
from donghanh.places.models import AreaType, Province
from donghanh.programmes.codes import AgeGroup
from donghanh.programmes.results.models import (
    Aggregation,
    Disaggregation,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
)
from donghanh.programmes.trainings.models import OfficerRole, Sector
from donghanh.reference.domains import ServiceDomain

# Units that count people or organisations: their small cells are suppressed outside.
_COUNT_UNITS = ("người", "người/lượt", "people", "persons", "person", "tổ chức", "organisations")


def counts_people(indicator: Indicator) -> bool:
    if indicator.computed_definition in MONEY_DEFINITIONS:
        return False
    return (
        indicator.source == IndicatorSource.COMPUTED
        or indicator.aggregation == Aggregation.UNIQUE_PEOPLE
        or indicator.unit.strip().lower() in _COUNT_UNITS
    )


@dataclass(frozen=True)
class Figure:
    """One number as shown: its text, its value when published, and a share if any."""

    count: Count
    share: float | None = None

    @property
    def value(self) -> int | Decimal | None:
        return self.count.value

    @property
    def text(self) -> str:
        return self.count.text

    @property
    def display(self) -> str:
        """The text as people read a number on a page, grouped in thousands by the format
        modules (46.500.000); a withheld figure as `text`."""
        value = self.count.value
        if self.count.is_hidden or value is None:
            return self.count.text
        return number_format(value, force_grouping=True)

    @property
    def hidden(self) -> bool:
        return self.count.is_hidden

    @property
    def small(self) -> bool:
        return self.count.hidden is Hidden.SMALL


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    target: Decimal | None
    actual: Figure
    percent: float | None


@dataclass(frozen=True)
class BreakdownCell:
    key: str
    label: str
    figure: Figure


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    cells: list[BreakdownCell]
    withheld: bool


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    baseline: Decimal
    target: Decimal | None
    actual: Figure
    percent: float | None
    trend: str  # "up", "down", "flat" or "" (not enough published periods)
    periods: list[PeriodRow]
    breakdowns: list[Breakdown]
    suppressed: bool  # shown with small-cell suppression

    @property
    def achieved(self) -> bool:
        return self.percent is not None and self.percent >= 100


def _overall_target(indicator: Indicator, targets: list[IndicatorTarget]) -> Decimal | None:
    if not targets:
        return None
    values = [target.target_value for target in targets]
    if indicator.aggregation == Aggregation.LATEST:
        return values[-1]
    if indicator.aggregation == Aggregation.AVERAGE:
        return sum(values, Decimal(0)) / len(values)
    return sum(values, Decimal(0))


def _percent(actual: Count, target: Decimal | None) -> float | None:
    if actual.value is None or not target:
        return None
    return float(Decimal(actual.value) / target * 100)


def _trend(periods: list[PeriodRow]) -> str:
    shown = [row.actual.value for row in periods if row.actual.value is not None]
    if len(shown) < 2:
        return ""
    last, before = shown[-1], shown[-2]
    return "up" if last > before else "down" if last < before else "flat"


def _labels(dimension: str, keys: Iterable[str]) -> dict[str, str]:
    known: dict[str, dict[str, Any]] = {
        Disaggregation.SEX: dict(Sex.choices),
        Disaggregation.AGE_GROUP: dict(AgeGroup.choices),
        Disaggregation.AREA_TYPE: dict(AreaType.choices),
        Disaggregation.TARGET_GROUP: dict(CaseType.choices),
        Disaggregation.SERVICE_DOMAIN: dict(ServiceDomain.choices),
        Disaggregation.OFFICER_ROLE: dict(OfficerRole.choices),
        Disaggregation.SECTOR: dict(Sector.choices),
    }
    choices = known.get(dimension, {})
    if dimension == Disaggregation.PROVINCE:
        choices = dict(Province.objects.filter(code__in=list(keys)).values_list("code", "name"))
    return {
        key: str(choices.get(key, key)) if key != UNKNOWN else str(_("Not recorded"))
        for key in keys
    }


def _plain(value: Decimal) -> int | Decimal:
    """A whole number as an int (541, not 541.00); other values as they are."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def _as_int(value: Decimal) -> int:
    return int(value.to_integral_value())


def _relation_of_periods(indicator: Indicator) -> Relation:
    if indicator.aggregation == Aggregation.SUM:
        return Relation.PARTITION
    if indicator.aggregation == Aggregation.UNIQUE_PEOPLE:
        return Relation.COVER
    return Relation.NONE


def _protected(
    indicator: Indicator, raw: RawResult, outside: bool
) -> tuple[Count, list[Count], dict[str, suppression.Line[str]]]:
    """The total, the periods and the breakdowns as the viewer may see them."""
    if not outside or not counts_people(indicator):
        return (
            Count(_plain(raw.total)),
            [Count(_plain(value)) for value in raw.periods],
            {
                name: suppression.Line({key: Count(_plain(v)) for key, v in cells.items()})
                for name, cells in raw.breakdowns.items()
            },
        )
    total = _as_int(raw.total)
    lines: dict[str, tuple[Relation, dict[str, int]]] = {
        name: (
            Relation.PARTITION if name in raw.partitions else Relation.COVER,
            {key: _as_int(value) for key, value in cells.items()},
        )
        for name, cells in raw.breakdowns.items()
    }
    periods = {str(index): _as_int(value) for index, value in enumerate(raw.periods)}
    lines["__periods__"] = (_relation_of_periods(indicator), periods)
    protected = suppression.protect(total, lines)
    period_line = protected.lines.pop("__periods__")
    period_counts = [period_line.cells[str(index)] for index in range(len(raw.periods))]
    shown_total = protected.total
    if indicator.aggregation == Aggregation.AVERAGE and any(c.is_hidden for c in period_counts):
        shown_total = Count(None, Hidden.COMPLEMENTARY)
    return shown_total, period_counts, protected.lines


def indicator_result(
    indicator: Indicator, *, outside: bool, scope: Scope | None = None
) -> IndicatorResult:
    """The indicator's figures for `scope` (its whole time if None), against its targets, as
    seen from outside the implementing organisation or from inside."""
    raw = compute_raw_result(indicator, scope)
    targets = list(indicator.targets.all())
    total, period_counts, lines = _protected(indicator, raw, outside)
    by_period: dict[tuple[Any, Any], Decimal] = {}
    for target in targets:
        key = (target.period_start, target.period_end)
        by_period[key] = by_period.get(key, Decimal(0)) + target.target_value
    periods = [
        PeriodRow(
            period=period,
            target=by_period.get((period.start, period.end)),
            actual=Figure(count),
            percent=_percent(count, by_period.get((period.start, period.end))),
        )
        for period, count in zip(indicator_periods(indicator), period_counts, strict=False)
    ]
    total_target = _overall_target(indicator, targets)
    breakdowns = []
    for dimension, line in lines.items():
        labels = _labels(dimension, line.cells)
        cells = [
            BreakdownCell(key, labels[key], Figure(count, suppression.share(count, total)))
            for key, count in sorted(
                line.cells.items(), key=lambda item: (item[0] == UNKNOWN, labels[item[0]])
            )
        ]
        breakdowns.append(
            Breakdown(dimension, str(Disaggregation(dimension).label), cells, line.withheld)
        )
    return IndicatorResult(
        indicator=indicator,
        baseline=indicator.baseline,
        target=total_target,
        actual=Figure(total),
        percent=_percent(total, total_target),
        trend=_trend(periods),
        periods=periods,
        breakdowns=breakdowns,
        suppressed=outside and counts_people(indicator),
    )
