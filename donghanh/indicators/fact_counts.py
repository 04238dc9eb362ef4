"""Indicator figures counted from the pre-counted facts (`facts.py`) instead of the records.

Gives exactly what `compute._computed` counts from the records, from one narrow row per unit:
the total and each reporting period in one query, the breakdowns by the unit's attributes in
one more. Returns None where the facts cannot answer exactly, and the figures are then counted
from the records: a scope with dates (the facts keep months, not days), a reporting period
that does not start and end on month boundaries, a record outside the years the month bits
cover, a value without a bit, or a project whose facts are not built.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.lookups import GreaterThan

from donghanh.indicators.facts import (
    AGE_BITS,
    DOMAIN_BITS,
    MONTH_COLUMNS,
    MONTHS_PER_COLUMN,
    TARGET_BITS,
)
from donghanh.indicators.models import FactSource, ProjectFigures, UnitFact
from donghanh.programmes.models import ComputedDefinition, Disaggregation, Indicator

UNKNOWN = ""


@dataclass(frozen=True)
class _Layout:
    """Which fact columns answer which breakdowns, for one kind of fact."""

    # Attributes of the unit: one value per unit, so a unit is in exactly one cell.
    unit_columns: dict[str, str]
    # Attributes of the row (the province of a training): a unit may be in several cells.
    row_columns: dict[str, str] = field(default_factory=dict)
    # Bits: a unit is in every cell whose bit one of its rows has.
    bit_columns: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)


_PEOPLE: dict[str, str] = {
    Disaggregation.SEX: "sex",
    Disaggregation.AREA_TYPE: "area_type",
    Disaggregation.PROVINCE: "province",
}
_PEOPLE_BITS: dict[str, tuple[str, dict[str, int]]] = {
    Disaggregation.AGE_GROUP: ("age_groups", AGE_BITS),
    Disaggregation.TARGET_GROUP: ("target_groups", TARGET_BITS),
}
_LAYOUTS: dict[str, _Layout] = {
    FactSource.SERVICES: _Layout(
        unit_columns=_PEOPLE,
        bit_columns={**_PEOPLE_BITS, Disaggregation.SERVICE_DOMAIN: ("domains", DOMAIN_BITS)},
    ),
    FactSource.SHELTER: _Layout(unit_columns=_PEOPLE, bit_columns=_PEOPLE_BITS),
    FactSource.TRAINING: _Layout(
        unit_columns={
            Disaggregation.SEX: "sex",
            Disaggregation.AREA_TYPE: "area_type",
            Disaggregation.OFFICER_ROLE: "role",
            Disaggregation.SECTOR: "sector",
        },
        row_columns={Disaggregation.PROVINCE: "province"},
        bit_columns={Disaggregation.AGE_GROUP: ("age_groups", AGE_BITS)},
    ),
}
FACT_SOURCES: dict[str, str] = {
    ComputedDefinition.TRAINED_PARTICIPANTS: FactSource.TRAINING,
    ComputedDefinition.PERSONS_SERVED: FactSource.SERVICES,
    ComputedDefinition.PERSONS_SERVED_BY_DOMAIN: FactSource.SERVICES,
    ComputedDefinition.SHELTERED_PERSONS: FactSource.SHELTER,
}


def _month_index(anchor: int, day: datetime.date) -> int:
    return (day.year - anchor) * 12 + day.month - 1


def period_masks(anchor: int, start: datetime.date, end: datetime.date) -> list[int] | None:
    """The month bits of a period, column by column; None unless it is whole months within
    the years the bits cover."""
    last_day = calendar.monthrange(end.year, end.month)[1]
    if start.day != 1 or end.day != last_day or end < start:
        return None
    first, last = _month_index(anchor, start), _month_index(anchor, end)
    if first < 0 or last >= MONTHS_PER_COLUMN * len(MONTH_COLUMNS):
        return None
    masks = [0] * len(MONTH_COLUMNS)
    for month in range(first, last + 1):
        masks[month // MONTHS_PER_COLUMN] |= 1 << (month % MONTHS_PER_COLUMN)
    return masks


def _has_any(masks: list[int]) -> GreaterThan:
    # Each term is a non-negative number below 2**60, so their sum is positive exactly when
    # one of the columns shares a bit with its mask (and cannot overflow 64 bits).
    terms = [
        F(column).bitand(mask) for column, mask in zip(MONTH_COLUMNS, masks, strict=True) if mask
    ]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return GreaterThan(total, 0)


def _has_bit(column: str, bit: int) -> GreaterThan:
    return GreaterThan(F(column).bitand(bit), 0)


def _flag(condition: Any) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


@dataclass(frozen=True)
class _Plan:
    rows: QuerySet[UnitFact]
    layout: _Layout
    one_row_per_unit: bool


def _plan(indicator: Indicator, provinces: tuple[str, ...]) -> _Plan | None:
    source = FACT_SOURCES.get(indicator.computed_definition)
    if source is None:
        return None
    rows = UnitFact.objects.filter(project_id=indicator.project_id, source=source)
    domains = list((indicator.definition_params or {}).get("domains") or [])
    by_domain = indicator.computed_definition == ComputedDefinition.PERSONS_SERVED_BY_DOMAIN
    if by_domain and domains:
        if any(domain not in DOMAIN_BITS for domain in domains):
            return None
        rows = rows.filter(domain__in=domains)
    else:
        domains = []
        rows = rows.filter(domain="")
    if provinces:
        rows = rows.filter(province__in=list(provinces))
    one_row = source != FactSource.TRAINING and len(domains) <= 1
    return _Plan(rows, _LAYOUTS[source], one_row)


def _flags(
    indicator: Indicator, periods: list[tuple[datetime.date, datetime.date]], plan: _Plan,
    anchor: int,
) -> dict[str, Any] | None:  # fmt: skip
    flags: dict[str, Any] = {"overflow": Q(overflow=True)}
    for index, (start, end) in enumerate(periods):
        masks = period_masks(anchor, start, end)
        if masks is None:
            return None
        flags[f"p{index}"] = _has_any(masks)
    for dimension in indicator.disaggregations or []:
        if dimension in plan.layout.bit_columns:
            column, bits = plan.layout.bit_columns[dimension]
            for value, bit in bits.items():
                flags[f"{dimension}|{value}"] = _has_bit(column, bit)
    return flags


def _count_flags(plan: _Plan, flags: dict[str, Any]) -> dict[str, int]:
    """How many units have each flag, and how many units there are ("whole")."""
    names = {name: f"f{index}" for index, name in enumerate(flags)}
    if plan.one_row_per_unit:
        sums = {names[name]: Sum(_flag(condition)) for name, condition in flags.items()}
        counts = plan.rows.aggregate(whole=Count("pk"), **sums)
    else:
        per_unit = (
            plan.rows.values("unit")
            .annotate(**{names[name]: Max(_flag(condition)) for name, condition in flags.items()})
            .order_by()
        )
        # The sums take names of their own: Django cannot aggregate into an annotation's name.
        summed = per_unit.aggregate(
            whole=Count("unit"), **{f"sum_{alias}": Sum(alias) for alias in names.values()}
        )
        counts = {alias: summed[f"sum_{alias}"] for alias in names.values()}
        counts["whole"] = summed["whole"]
    result = {name: int(counts[alias] or 0) for name, alias in names.items()}
    result["whole"] = int(counts["whole"] or 0)
    return result


def _attribute_cells(plan: _Plan, wanted: list[str]) -> dict[str, dict[str, Decimal]]:
    cells: dict[str, dict[str, Decimal]] = {}

    def add(dimension: str, value: Any, count: int) -> None:
        key = UNKNOWN if value in (None, "") else str(value)
        target = cells.setdefault(dimension, {})
        target[key] = target.get(key, Decimal(0)) + count

    unit_wanted = [d for d in wanted if d in plan.layout.unit_columns]
    counting: Callable[[], Count] = (
        (lambda: Count("pk")) if plan.one_row_per_unit else (lambda: Count("unit", distinct=True))
    )
    if unit_wanted:
        columns = [plan.layout.unit_columns[d] for d in unit_wanted]
        for row in plan.rows.values(*columns).annotate(n=counting()).order_by():
            for dimension, column in zip(unit_wanted, columns, strict=True):
                add(dimension, row[column], row["n"])
    for dimension in wanted:
        if dimension in plan.layout.row_columns:
            column = plan.layout.row_columns[dimension]
            for row in plan.rows.values(column).annotate(n=counting()).order_by():
                add(dimension, row[column], row["n"])
    return cells


def facts_counts(
    indicator: Indicator,
    periods: list[tuple[datetime.date, datetime.date]],
    provinces: tuple[str, ...],
) -> tuple[Decimal, list[Decimal], dict[str, dict[str, Decimal]]] | None:
    """The unique count, the count per reporting period and the breakdowns of a computed
    indicator over its whole time (`periods` are its reporting periods), from the facts;
    None when they cannot answer exactly."""
    plan = _plan(indicator, provinces)
    if plan is None:
        return None
    state = (
        ProjectFigures.objects.filter(project_id=indicator.project_id, facts_ready=True)
        .values_list("facts_anchor", flat=True)
        .first()
    )
    if state is None:
        return None
    flags = _flags(indicator, periods, plan, state)
    if flags is None:
        return None
    counts = _count_flags(plan, flags)
    if counts["overflow"]:
        return None
    per_period = [Decimal(counts[f"p{index}"]) for index in range(len(periods))]
    wanted = list(indicator.disaggregations or [])
    breakdowns = _attribute_cells(plan, wanted)
    for name, count in counts.items():
        if "|" in name and count:
            dimension, value = name.split("|", 1)
            breakdowns.setdefault(dimension, {})[value] = Decimal(count)
    return Decimal(counts["whole"]), per_period, breakdowns
