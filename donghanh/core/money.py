"""Amounts of money: whole đồng, stored in 64-bit integer columns.

Every form and API field that takes an amount goes through here, so that an amount the database
cannot hold is refused with a message instead of failing on save (a server error).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# The largest value of a PositiveBigIntegerField: PostgreSQL's bigint and SQLite's integer.
MONEY_MAX_VND = 2**63 - 1

TOO_LARGE = _("An amount can be at most %(limit_value)s đồng.")
NEGATIVE = _("An amount cannot be below %(limit_value)s đồng.")


def money_validators(min_value: int = 0) -> list[Any]:
    """Within what the database holds, and not below `min_value` (0: free of charge)."""
    return [
        MinValueValidator(min_value, message=NEGATIVE),
        MaxValueValidator(MONEY_MAX_VND, message=TOO_LARGE),
    ]


class MoneyField(forms.IntegerField):
    """An amount in whole đồng, typed without separators."""

    def __init__(self, *, min_value: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.extend(money_validators(min_value))
        # What the browser checks before sending; the validators above decide.
        self.widget.attrs.update({"min": str(min_value), "max": str(MONEY_MAX_VND)})
