"""Charts drawn on the server as SVG: no script, nothing fetched, readable without colour.

Each chart is an image with a title and a text description (`role="img"`,
`aria-labelledby`), and the page shows the same numbers in a table beside it. Colours are
SVG presentation attributes, which the Content Security Policy allows (it forbids inline
`style`). A hidden count (suppressed for outside viewers) draws no bar: only its marker text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1d5b8f"
TARGET_COLOUR = "#7a3e00"
OVER_COLOUR = "#2e6b30"
TEXT_COLOUR = "#1f1f1f"
TRACK_COLOUR = "#e6e6e6"
WIDTH = 600
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: hidden, only `text` is shown
    text: str
    target: float | None = None


def _n(number: float) -> str:
    return f"{number:.1f}"


def _scale(bars: Sequence[Bar]) -> float:
    largest = max([bar.value or 0 for bar in bars] + [bar.target or 0 for bar in bars], default=0)
    return largest if largest > 0 else 1


def _frame(ident: str, title: str, description: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        ident,
        ident,
        ident,
        title,
        ident,
        description,
        body,
    )


def bar_chart(*, ident: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, one row each: the label above, the bar, its value at the end, and a
    dark tick where the target lies."""
    scale = _scale(bars)
    usable = WIDTH - 90
    rows = []
    for index, bar in enumerate(bars):
        top = index * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP)
        bar_top = top + LABEL_HEIGHT
        length = 0.0 if bar.value is None else usable * bar.value / scale
        over = bar.target is not None and bar.value is not None and bar.value >= bar.target
        parts = [
            format_html(
                '<text x="0" y="{}" font-size="13" fill="{}">{}</text>',
                top + 13,
                TEXT_COLOUR,
                bar.label,
            ),
            format_html(
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>',
                bar_top,
                usable,
                BAR_HEIGHT,
                TRACK_COLOUR,
            ),
            format_html(
                '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>',
                bar_top,
                _n(length),
                BAR_HEIGHT,
                OVER_COLOUR if over else BAR_COLOUR,
            ),
            format_html(
                '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                usable + 6,
                bar_top + 13,
                TEXT_COLOUR,
                bar.text,
            ),
        ]
        if bar.target is not None:
            tick = usable * bar.target / scale
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="3" height="{}" fill="{}"/>',
                    _n(max(tick - 1.5, 0)),
                    bar_top - 3,
                    BAR_HEIGHT + 6,
                    TARGET_COLOUR,
                )
            )
        rows.append(mark_safe("".join(parts)))  # noqa: S308 - every part is format_html output
    height = max(len(bars), 1) * (LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP)
    body = format_html_join("", "{}", ((row,) for row in rows))
    return _frame(ident, title, description, height, body)


def column_chart(*, ident: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Columns over time, left to right, with the value above each and the period below."""
    scale = _scale(bars)
    plot_height = 160
    top_margin = 20
    count = max(len(bars), 1)
    slot = WIDTH / count
    column = min(slot * 0.6, 80)
    parts = [
        format_html(
            '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            top_margin + plot_height,
            WIDTH,
            top_margin + plot_height,
            TEXT_COLOUR,
        )
    ]
    for index, bar in enumerate(bars):
        centre = slot * index + slot / 2
        height = 0.0 if bar.value is None else plot_height * bar.value / scale
        bottom = top_margin + plot_height
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                _n(centre - column / 2),
                _n(bottom - height),
                _n(column),
                _n(height),
                BAR_COLOUR,
            )
        )
        if bar.target is not None:
            level = bottom - plot_height * bar.target / scale
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="3" fill="{}"/>',
                    _n(centre - column / 2 - 4),
                    _n(level - 1.5),
                    _n(column + 8),
                    TARGET_COLOUR,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="13" text-anchor="middle" fill="{}">{}</text>',
                _n(centre),
                _n(max(bottom - height - 4, 12)),
                TEXT_COLOUR,
                bar.text,
            )
        )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="{}">{}</text>',
                _n(centre),
                bottom + 16,
                TEXT_COLOUR,
                bar.label,
            )
        )
    body = format_html_join("", "{}", ((part,) for part in parts))
    return _frame(ident, title, description, top_margin + plot_height + 24, body)
