"""Indicator figures counted from the pre-counted facts (`facts.py`) instead of the records.

Gives exactly what `compute.counted_from_records` counts from the records, from one narrow row
per unit: the total and each reporting period in one query, the breakdowns by the unit's
attributes in one more; or, for all provinces, from the indicator's running tally
(`tallies.py` keeps it) when it is valid. Returns None where the facts cannot answer exactly,
and the figures are then counted from the records: a scope with dates (the facts keep months,
not days), a reporting period that does not start and end on month boundaries, a record
outside the years the month bits cover, a value without a bit, or a project whose facts are
not built.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
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
    facts_anchor,
)
from donghanh.indicators.models import FactSource, TallyCell, UnitFact
from donghanh.programmes.results.models import ComputedDefinition, Disaggregation, Indicator

UNKNOWN = ""


@dataclass(frozen=True)
class Layout:
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
LAYOUTS: dict[str, Layout] = {
    FactSource.SERVICES: Layout(
        unit_columns=_PEOPLE,
        bit_columns={**_PEOPLE_BITS, Disaggregation.SERVICE_DOMAIN: ("domains", DOMAIN_BITS)},
    ),
    FactSource.SHELTER: Layout(unit_columns=_PEOPLE, bit_columns=_PEOPLE_BITS),
    FactSource.TRAINING: Layout(
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
class Plan:
    """The fact rows an indicator counts, and how they answer its breakdowns."""

    rows: QuerySet[UnitFact]
    layout: Layout
    one_row_per_unit: bool


def domain_filter(indicator: Indicator) -> list[str]:
    """The domains a "people served in chosen domains" indicator counts (none: all)."""
    if indicator.computed_definition != ComputedDefinition.PERSONS_SERVED_BY_DOMAIN:
        return []
    return sorted(
        {str(domain) for domain in (indicator.definition_params or {}).get("domains") or []}
    )


def plan_for(indicator: Indicator, provinces: tuple[str, ...]) -> Plan | None:
    """The fact rows of the indicator in these provinces (all: empty); None when its
    definition is not counted from facts or names a domain without a bit."""
    source = FACT_SOURCES.get(indicator.computed_definition)
    if source is None:
        return None
    rows = UnitFact.objects.filter(project_id=indicator.project_id, source=source)
    domains = domain_filter(indicator)
    if domains:
        if any(domain not in DOMAIN_BITS for domain in domains):
            return None
        rows = rows.filter(domain__in=domains)
    else:
        rows = rows.filter(domain="")
    if provinces:
        rows = rows.filter(province__in=list(provinces))
    one_row = source != FactSource.TRAINING and len(domains) <= 1
    return Plan(rows, LAYOUTS[source], one_row)


def _flags(
    indicator: Indicator, periods: list[tuple[datetime.date, datetime.date]], plan: Plan,
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


def _count_flags(plan: Plan, flags: dict[str, Any]) -> dict[str, int]:
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


Cells = dict[str, int]


def _attribute_cells(plan: Plan, wanted: list[str]) -> Cells:
    """Units per value of each attribute breakdown, as cells ("<breakdown>|<value>")."""
    cells: Cells = {}

    def add(dimension: str, value: Any, count: int) -> None:
        key = f"{dimension}|{UNKNOWN if value in (None, '') else value}"
        cells[key] = cells.get(key, 0) + count

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


def count_cells(
    indicator: Indicator, periods: list[tuple[datetime.date, datetime.date]], plan: Plan,
    anchor: int,
) -> Cells | None:  # fmt: skip
    """Every cell of the indicator counted from the fact rows (two or three queries)."""
    flags = _flags(indicator, periods, plan, anchor)
    if flags is None:
        return None
    counts = _count_flags(plan, flags)
    cells = {"whole": counts["whole"], "overflow": counts["overflow"]}
    cells.update({f"period:{index}": counts[f"p{index}"] for index in range(len(periods))})
    cells.update({name: count for name, count in counts.items() if "|" in name})
    cells.update(_attribute_cells(plan, list(indicator.disaggregations or [])))
    return cells


Counted = tuple[Decimal, list[Decimal], dict[str, dict[str, Decimal]]]


def _from_cells(cells: Cells, periods: int) -> Counted | None:
    if cells.get("overflow"):
        return None
    breakdowns: dict[str, dict[str, Decimal]] = {}
    for name, count in cells.items():
        if "|" in name and count:
            dimension, value = name.split("|", 1)
            breakdowns.setdefault(dimension, {})[value] = Decimal(count)
    per_period = [Decimal(cells.get(f"period:{index}", 0)) for index in range(periods)]
    return Decimal(cells.get("whole", 0)), per_period, breakdowns


def signature(
    indicator: Indicator, periods: list[tuple[datetime.date, datetime.date]], anchor: int
) -> str:
    """What a tally was counted for: it is valid while all of this stays the same."""
    described = repr(
        (
            str(indicator.computed_definition),
            domain_filter(indicator),
            [str(name) for name in indicator.disaggregations or []],
            [(start.isoformat(), end.isoformat()) for start, end in periods],
            anchor,
        )
    )
    return hashlib.sha256(described.encode()).hexdigest()


def facts_counts(
    indicator: Indicator,
    periods: list[tuple[datetime.date, datetime.date]],
    provinces: tuple[str, ...],
    *,
    use_tally: bool = True,
) -> Counted | None:
    """The unique count, the count per reporting period and the breakdowns of a computed
    indicator over its whole time (`periods` are its reporting periods): from its running
    tally when it has a valid one (all provinces), else from the fact rows; None when the
    facts cannot answer exactly."""
    plan = plan_for(indicator, provinces)
    anchor = facts_anchor(indicator.project_id) if plan is not None else None
    if plan is None or anchor is None:
        return None
    if use_tally and not provinces:
        stored = dict(
            TallyCell.objects.filter(
                tally__indicator_id=indicator.pk,
                tally__signature=signature(indicator, periods, anchor),
            ).values_list("cell", "count")
        )
        if stored:  # a valid tally always has its "whole" cell
            return _from_cells(stored, len(periods))
    cells = count_cells(indicator, periods, plan, anchor)
    return None if cells is None else _from_cells(cells, len(periods))
