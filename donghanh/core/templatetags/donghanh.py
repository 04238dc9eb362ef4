from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from donghanh.core.language import localized

register = template.Library()


@register.filter
def vnd(value: object) -> str:
    """Format an amount of đồng as Vietnamese money: 1.000.000 ₫ (no decimals)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    rounded = int(amount.quantize(Decimal(1)))
    sign = "-" if rounded < 0 else ""
    grouped = f"{abs(rounded):,}".replace(",", ".")
    return f"{sign}{grouped}\u00a0₫"


@register.filter
def local_name(record: object, field: str = "name") -> str:
    """A record's name in the reader's language: `name_en` in English when it has one."""
    vietnamese = str(getattr(record, field, "") or "")
    return localized(vietnamese, str(getattr(record, f"{field}_en", "") or ""))
