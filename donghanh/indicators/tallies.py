"""Running tallies: the counts of each computed indicator, kept as the facts change.

A tally (`models.IndicatorTally`, `models.TallyCell`) holds how many units count in each cell of
one indicator over its whole time: "whole", each reporting period, each breakdown value. It is
counted afresh from the fact rows when the indicator is added or its definition, breakdowns or
targets change (`recount`), and moved by every write that rewrites units' facts: what the
units' new rows count in is added, what their old rows counted in is taken away
(`tally_specs`, then `tally_changes`). Both run in the writer's transaction, under the tally's
row lock, so a recount and a write take turns. A tally is valid for one `fact_counts.signature`;
`fact_counts.facts_counts` reads it only then.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from donghanh.indicators.fact_counts import (
    FACT_SOURCES,
    LAYOUTS,
    Layout,
    count_cells,
    domain_filter,
    period_masks,
    plan_for,
    signature,
)
from donghanh.indicators.facts import MONTH_COLUMNS, facts_anchor
from donghanh.indicators.models import IndicatorTally, TallyCell, UnitFact
from donghanh.indicators.periods import reporting_periods
from donghanh.programmes.results.models import Indicator, IndicatorSource


def recount(indicator: Indicator) -> None:
    """Count a computed indicator afresh from the facts and keep its tally (in the writer's
    transaction): when it is added, its definition, breakdowns or targets change, or the
    project's facts are rebuilt. An indicator the facts cannot count keeps no tally."""
    with transaction.atomic():
        tally = IndicatorTally.objects.select_for_update().filter(indicator=indicator).first()
        plan = plan_for(indicator, ())
        anchor = facts_anchor(indicator.project_id) if plan is not None else None
        periods = reporting_periods(indicator)
        cells = None
        if plan is not None and anchor is not None:
            cells = count_cells(indicator, periods, plan, anchor)
        if cells is None or anchor is None:
            if tally is not None:
                tally.delete()
            return
        counted_for = signature(indicator, periods, anchor)
        if tally is None:
            tally = IndicatorTally(indicator=indicator, signature=counted_for)
            tally.save(force_insert=True)
        else:
            tally.signature = counted_for
            tally.save(update_fields=["signature"])
        TallyCell.objects.filter(tally=tally).delete()
        TallyCell.objects.bulk_create(
            TallyCell(tally=tally, cell=cell, count=count)
            for cell, count in cells.items()
            if count or cell == "whole"
        )


@dataclass(frozen=True)
class TallySpec:
    """What a unit's fact rows add to one indicator's tally."""

    indicator_id: int
    project_id: int
    source: str
    domains: tuple[str, ...]
    period_masks: list[list[int]]
    layout: Layout
    wanted: tuple[str, ...]

    def cells(self, rows: list[UnitFact]) -> set[str]:
        """The cells one unit counts in, from its fact rows (the same rules as the SQL)."""
        mine = [
            row
            for row in rows
            if row.project_id == self.project_id
            and row.source == self.source
            and (row.domain in self.domains if self.domains else row.domain == "")
        ]
        if not mine:
            return set()
        cells = {"whole"}
        if any(row.overflow for row in mine):
            cells.add("overflow")
        months = [0] * len(MONTH_COLUMNS)
        for row in mine:
            for index, column in enumerate(MONTH_COLUMNS):
                months[index] |= getattr(row, column)
        for index, masks in enumerate(self.period_masks):
            if any(month & mask for month, mask in zip(months, masks, strict=True)):
                cells.add(f"period:{index}")
        for dimension in self.wanted:
            if dimension in self.layout.bit_columns:
                column, bits = self.layout.bit_columns[dimension]
                value = 0
                for row in mine:
                    value |= getattr(row, column)
                cells.update(f"{dimension}|{name}" for name, bit in bits.items() if value & bit)
            elif dimension in self.layout.unit_columns:
                cells.add(f"{dimension}|{getattr(mine[0], self.layout.unit_columns[dimension])}")
            elif dimension in self.layout.row_columns:
                column = self.layout.row_columns[dimension]
                cells.update(f"{dimension}|{getattr(row, column)}" for row in mine)
        return cells


def tally_specs(anchors: dict[int, int]) -> list[TallySpec]:
    """The valid tallies of these projects, locked in order until the writer commits (so a
    recount and a write take turns, and the write adds to what the recount counted)."""
    indicators = {
        indicator.pk: indicator
        for indicator in Indicator.objects.filter(
            project_id__in=list(anchors),
            source=IndicatorSource.COMPUTED,
            computed_definition__in=list(FACT_SOURCES),
        ).prefetch_related("targets")
    }
    tallies = (
        IndicatorTally.objects.select_for_update()
        .filter(indicator_id__in=list(indicators))
        .order_by("indicator_id")
        .values_list("indicator_id", "signature")
    )
    specs = []
    for indicator_id, counted_for in tallies:
        indicator = indicators[indicator_id]
        anchor = anchors[indicator.project_id]
        periods = reporting_periods(indicator)
        masks = [period_masks(anchor, start, end) for start, end in periods]
        if counted_for != signature(indicator, periods, anchor) or None in masks:
            continue  # stale: the figures are counted from the fact rows until a recount
        specs.append(
            TallySpec(
                indicator_id=indicator_id,
                project_id=indicator.project_id,
                source=FACT_SOURCES[indicator.computed_definition],
                domains=tuple(domain_filter(indicator)),
                period_masks=[mask for mask in masks if mask is not None],
                layout=LAYOUTS[FACT_SOURCES[indicator.computed_definition]],
                wanted=tuple(indicator.disaggregations or []),
            )
        )
    return specs


def tally_changes(specs: list[TallySpec], before: list[UnitFact], after: list[UnitFact]) -> None:
    """Add to the tallies what the units' new rows count in, and take away what their old
    rows counted in."""
    by_unit: dict[int, tuple[list[UnitFact], list[UnitFact]]] = {}
    for row in before:
        by_unit.setdefault(row.unit, ([], []))[0].append(row)
    for row in after:
        by_unit.setdefault(row.unit, ([], []))[1].append(row)
    deltas: dict[tuple[int, str], int] = {}
    for spec in specs:
        for old, new in by_unit.values():
            was, now = spec.cells(old), spec.cells(new)
            for cell in now - was:
                deltas[(spec.indicator_id, cell)] = deltas.get((spec.indicator_id, cell), 0) + 1
            for cell in was - now:
                deltas[(spec.indicator_id, cell)] = deltas.get((spec.indicator_id, cell), 0) - 1
    for (indicator_id, cell), delta in sorted(deltas.items()):
        if not delta:
            continue
        cells = TallyCell.objects.filter(tally_id=indicator_id, cell=cell)
        if not cells.update(count=F("count") + delta):
            TallyCell.objects.create(tally_id=indicator_id, cell=cell, count=delta)
