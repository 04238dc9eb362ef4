"""Template filters of the livelihood pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent_of_bp(value: object) -> str:
    """Hundredths of a percent as a percentage in the reader's format: 150 → 1,5."""
    try:
        amount = Decimal(int(str(value))) / 100
    except (TypeError, ValueError):
        return ""
    return number_format(amount.normalize() if amount % 1 else amount.quantize(Decimal(1)))


@register.filter
def percent(value: object) -> str:
    """A ratio as a percentage with one decimal in the reader's format: 0,3259 → 32,6 %;
    no ratio (nothing to divide by) → —."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value.numerator) / Decimal(value.denominator)  # type: ignore[attr-defined]
    except AttributeError:
        amount = Decimal(str(value))
    return f"{number_format(amount * 100, decimal_pos=1)}\u00a0%"


@register.filter
def small_count(value: int, hide: bool) -> str:
    """A count as published to readers outside the work: 1 to 10 shown as <11."""
    if hide and 0 < value < 11:
        return "<11"
    return str(value)
