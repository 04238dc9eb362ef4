"""Amounts of money: whole đồng, stored in 64-bit integer columns, written as people write them.

Every form and API field that takes an amount goes through here, so that `1.500.000`,
`1,500,000`, `1500000`, `1.500.000 đ` and `1.500.000 ₫` are the same amount wherever it is
typed, anything else is refused with a message that shows how to write one, and an amount the
database cannot hold is refused with a message instead of failing on save (a server error).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# The largest value of a PositiveBigIntegerField: PostgreSQL's bigint and SQLite's integer.
MONEY_MAX_VND = 2**63 - 1

TOO_LARGE = _("An amount can be at most %(limit_value)s đồng.")
NEGATIVE = _("An amount cannot be below %(limit_value)s đồng.")
NOT_AN_AMOUNT = _("Write an amount in đồng, for example %(example)s.")
WHOLE_DONG = _("An amount is in whole đồng, without decimals.")
EXAMPLE = "1.500.000"

_CURRENCY = re.compile(r"(?:vnd|vnđ|đồng|dong|đ|₫|d)\.?$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# The strings the API documents as amounts (its schema's pattern): digits, grouped by dots or
# by commas or not at all, then đ or ₫ if the writer wants.
API_PATTERN = r"^(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]{1,3}(?:,[0-9]{3})+)(?: ?[đ₫])?$"


class NotAnAmountError(ValueError):
    """What was written is not an amount of đồng; `message` says how to write one."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def parse_money(value: Any) -> int:
    """Whole đồng from what a person wrote: 1.500.000, 1,500,000, 1500000, 1 500 000 đ,
    1.500.000 ₫, 1.500.000 VND, 1.500.000,00. A minus sign is read (the range is the
    validators' business); decimals, or anything else, raise `NotAnAmountError`."""
    if isinstance(value, bool):
        raise NotAnAmountError(NOT_AN_AMOUNT % {"example": EXAMPLE})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise NotAnAmountError(WHOLE_DONG)
        return int(value)
    written = _SPACES.sub("", unicodedata.normalize("NFC", str(value)))
    written = _CURRENCY.sub("", written.lower())
    sign = ""
    if written.startswith(("-", "\u2212")):
        sign, written = "-", written[1:]
    # "1.500.000,00" or "1500000.00": no đồng fractions, only how the cell was formatted.
    written = re.sub(r"(?<=\d)[.,]0{1,2}$", "", written)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", written):
        written = written.replace(".", "")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+", written):
        written = written.replace(",", "")
    elif re.fullmatch(r"\d+[.,]\d{1,2}", written):
        raise NotAnAmountError(WHOLE_DONG)
    if not re.fullmatch(r"\d+", written):
        raise NotAnAmountError(NOT_AN_AMOUNT % {"example": EXAMPLE})
    return int(sign + written)


def money_text(amount: Any) -> str:
    """An amount as it is typed back into a field: 1.500.000 (dots between thousands)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        return "" if amount is None else str(amount)
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def money_validators(min_value: int = 0) -> list[Any]:
    """Within what the database holds, and not below `min_value` (0: free of charge)."""
    return [
        MinValueValidator(min_value, message=NEGATIVE),
        MaxValueValidator(MONEY_MAX_VND, message=TOO_LARGE),
    ]


class MoneyInput(forms.TextInput):
    """A text box with the phone's number pad: a number box would turn `250.000` into 250 in
    some browsers, and refuses `1.500.000 ₫`."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "placeholder": EXAMPLE, **(attrs or {})}
        )

    def format_value(self, value: Any) -> str | None:
        return money_text(value) if isinstance(value, int) else super().format_value(value)


class MoneyField(forms.Field):
    """An amount in whole đồng, written as people write it (see `parse_money`)."""

    widget = MoneyInput
    default_error_messages = {"invalid": NOT_AN_AMOUNT}

    def __init__(self, *, min_value: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.min_value = min_value
        self.validators.extend(money_validators(min_value))

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_money(value)
        except NotAnAmountError as error:
            raise ValidationError(str(error.message), code="invalid") from error
