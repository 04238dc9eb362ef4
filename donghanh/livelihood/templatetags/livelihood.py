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
