"""A bar chart of a group's measures over its cycles, drawn on the server as SVG (no script,
no inline style: the bars take their colours from the stylesheet by class)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from .measures import CycleMeasures

HEIGHT = 120  # the plot's height: 100 % of a measure
BAR = 14
GAP = 4
CYCLE_GAP = 18
LEFT = 4

SERIES = (
    ("annualised_return", "bar-return", _("Annualised return on savings")),
    ("attendance", "bar-attendance", _("Attendance")),
    ("portfolio_at_risk", "bar-risk", _("Portfolio at risk (30 days)")),
)


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    css: str
    value: Fraction | None


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[int, int]]  # x of the label, cycle number
    legend: list[tuple[str, str]]  # css class, label


def over_cycles(measures: Sequence[CycleMeasures]) -> Chart:
    bars: list[Bar] = []
    labels = []
    x = LEFT
    for cycle_measures in measures:
        start = x
        for name, css, _label in SERIES:
            value: Fraction | None = getattr(cycle_measures, name)
            shown = min(max(value or Fraction(0), Fraction(0)), Fraction(1))
            height = round(shown * HEIGHT)
            bars.append(Bar(x=x, y=HEIGHT - height, height=height, css=css, value=value))
            x += BAR + GAP
        labels.append(((start + x - GAP) // 2, cycle_measures.cycle.number))
        x += CYCLE_GAP
    return Chart(
        width=max(x, 120),
        height=HEIGHT + 20,
        bars=bars,
        labels=labels,
        legend=[(css, str(label)) for _name, css, label in SERIES],
    )
