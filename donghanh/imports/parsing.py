"""Values as people write them in their spreadsheets, read into what the platform stores.

Each parser takes a cell's value as the file gave it (text from a CSV; text, a number, a date
or a `Formula` from a workbook) and returns the value, or raises `BadValueError` with a message
in the reader's language that says what was expected. An empty cell is `None` before any
parser sees it (`is_empty`).

- dates: 25/03/2024, 5/3/2024, 5/3/24, 25-03-2024, 25.03.2024, 2024-03-25, a date cell, or the
  day number Excel keeps for a date (45376) when the cell lost its date format;
- money in whole đồng: 1.500.000, 1,500,000, 1500000, 1 500 000, with or without đ, ₫, đồng
  or VND;
- names and text: NFC, spaces tidied;
- choices: the code, or the label in Vietnamese or English, with or without diacritics.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from donghanh.core.money import MONEY_MAX_VND, NotAnAmountError, parse_money
from donghanh.core.text import fold
from donghanh.imports.reading import Formula

# The day numbers Excel gives 01/01/1910 and 31/12/2099: outside them a number is not a date.
_FIRST_SERIAL, _LAST_SERIAL = 3653, 73050
_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_LIST_SEPARATORS = re.compile(r"[;,\n]+")


class BadValueError(Exception):
    """A cell's value cannot be read; the message says what was expected."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Parser = Callable[[Any], Any]


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """A cell as the text a person sees in it (for messages and the marked workbook)."""
    if value is None:
        return ""
    if isinstance(value, Formula):
        return value.text
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _refuse_formula(value: Any) -> None:
    if isinstance(value, Formula):
        raise BadValueError(
            _(
                "This cell holds a formula. Formulas are not imported: replace it with the "
                "value itself (copy, then Paste Special › Values)."
            )
        )


def _plain(value: Any) -> str:
    _refuse_formula(value)
    text = unicodedata.normalize("NFC", as_text(value))
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise BadValueError(_("This cell holds invisible control characters: type it again."))
    return text.strip()


# --- text -------------------------------------------------------------------------------------


def text(max_length: int) -> Parser:
    """Free text, NFC, at most `max_length` characters; a CSV value that starts like a formula
    (=…) is refused, as a workbook's formula is."""

    def parse(value: Any) -> str:
        result = _plain(value)
        if result.startswith("="):
            _refuse_formula(Formula(result))
        if len(result) > max_length:
            raise BadValueError(
                _("This text is %(length)s characters long; at most %(limit)s fit here.")
                % {"length": len(result), "limit": max_length}
            )
        return result

    return parse


def name(max_length: int = 200) -> Parser:
    """A name: NFC, one space between words."""
    read = text(max_length)

    def parse(value: Any) -> str:
        result = " ".join(read(value).split())
        if not any(ch.isalpha() for ch in result):
            raise BadValueError(_("A name needs letters."))
        return result

    return parse


# --- numbers ----------------------------------------------------------------------------------


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Parser:
    def parse(value: Any) -> int:
        _refuse_formula(value)
        if isinstance(value, bool):
            raise BadValueError(_("Write a whole number."))
        if isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            digits = _SPACES.sub("", _plain(value))
            if not re.fullmatch(r"-?\d+", digits):
                raise BadValueError(_("Write a whole number, for example 12."))
            number = int(digits)
        _within(number, minimum, maximum)
        return number

    return parse


def _within(number: Any, minimum: Any, maximum: Any) -> None:
    if minimum is not None and number < minimum:
        raise BadValueError(_("Write a number of at least %(limit)s.") % {"limit": minimum})
    if maximum is not None and number > maximum:
        raise BadValueError(_("Write a number of at most %(limit)s.") % {"limit": maximum})


def decimal(
    *, places: int, minimum: Decimal | None = None, maximum: Decimal | None = None
) -> Parser:
    """A number with up to `places` decimals, written 7,5 or 7.5."""

    def parse(value: Any) -> Decimal:
        _refuse_formula(value)
        if isinstance(value, bool):
            raise BadValueError(_("Write a number, for example 7,5."))
        if isinstance(value, int | float):
            number = Decimal(str(value))
        else:
            written = _SPACES.sub("", _plain(value))
            if not re.fullmatch(r"-?\d+(?:[.,]\d+)?", written):
                raise BadValueError(_("Write a number, for example 7,5."))
            number = Decimal(written.replace(",", "."))
        try:
            number = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            raise BadValueError(_("This number is too large.")) from None
        _within(number, minimum, maximum)
        return number

    return parse


def money(value: Any) -> int:
    """Whole đồng: 1.500.000, 1,500,000, 1500000 đ, 1 500 000 ₫ (`donghanh.core.money`)."""
    _refuse_formula(value)
    try:
        amount = parse_money(value if isinstance(value, int | float) else _plain(value))
    except NotAnAmountError as error:
        raise BadValueError(str(error.message)) from error
    if amount < 0:
        raise BadValueError(_("An amount cannot be below 0 đồng."))
    if amount > MONEY_MAX_VND:
        raise BadValueError(_("This amount is too large."))
    return amount


# --- dates ------------------------------------------------------------------------------------


def _two_digit_year(year: int) -> int:
    """'24 is 2024 and '85 is 1985: a two-digit year is the latest such year not in the future."""
    this_year = timezone.localdate().year
    century = this_year - this_year % 100
    return century + year if century + year <= this_year else century - 100 + year


def date(value: Any) -> datetime.date:
    """dd/mm/yyyy as Vietnamese write it (d/m/yy too), a date cell, or Excel's day number."""
    _refuse_formula(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    written = _plain(value)
    if re.fullmatch(r"\d{4,5}(?:\.0+)?", written):
        return _from_serial(float(written))
    match = _DATE.match(written)
    if match:
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year = _two_digit_year(year)
    else:
        iso = _ISO_DATE.match(written)
        if not iso:
            raise _not_a_date()
        year, month, day = (int(part) for part in iso.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise BadValueError(
            _("There is no such day: write the date as day/month/year, for example 25/03/2024.")
        ) from None


def _from_serial(number: float) -> datetime.date:
    if not (_FIRST_SERIAL <= number <= _LAST_SERIAL) or not float(number).is_integer():
        raise _not_a_date()
    converted = from_excel(number)
    return converted.date() if isinstance(converted, datetime.datetime) else converted


def _not_a_date() -> BadValueError:
    return BadValueError(
        _("This is not a date: write day/month/year, for example 25/03/2024 or 5/3/24.")
    )


def year(*, minimum: int = 1900) -> Parser:
    """A year: 1985, '85 is not accepted (a person's age matters), a date gives its year."""

    def parse(value: Any) -> int:
        _refuse_formula(value)
        if isinstance(value, datetime.date):
            return value.year
        number = integer()(value)
        maximum = timezone.localdate().year
        if not minimum <= number <= maximum:
            raise BadValueError(
                _("Write a year between %(first)s and %(last)s, for example 1990.")
                % {"first": minimum, "last": maximum}
            )
        return number

    return parse


# --- yes / no and choices ---------------------------------------------------------------------

_YES = {"co", "yes", "y", "x", "1", "true", "dung", "c"}
_NO = {"khong", "no", "n", "0", "false", "sai", "k"}


def yes_no(value: Any) -> bool:
    _refuse_formula(value)
    if isinstance(value, bool):
        return value
    folded = fold(_plain(value)).rstrip(".")
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise BadValueError(_("Write “Có” (yes) or “Không” (no)."))


def _label_keys(label: Any) -> set[str]:
    keys = set()
    for language in ("vi", "en"):
        with translation.override(language):
            keys.add(fold(str(label)))
    return keys


class Choices:
    """A code list, read by code or by label (Vietnamese or English, diacritics or not)."""

    def __init__(
        self, choices: Iterable[tuple[str, Any]], *, aliases: dict[str, str] | None = None
    ):
        self.choices: list[tuple[str, Any]] = list(choices)
        self._by_key: dict[str, str] = {}
        for code, label in self.choices:
            self._by_key[fold(code)] = code
            for key in _label_keys(label):
                self._by_key.setdefault(key, code)
        for alias, code in (aliases or {}).items():
            self._by_key.setdefault(fold(alias), code)

    def labels(self) -> list[str]:
        """The labels in the active language, as a template's dropdown lists them."""
        return [str(label) for _code, label in self.choices]

    def code_of(self, written: str) -> str | None:
        return self._by_key.get(fold(written).rstrip("."))

    def one(self, value: Any) -> str:
        written = _plain(value)
        code = self.code_of(written)
        if code is None:
            raise BadValueError(self._unknown(written))
        return code

    def many(self, value: Any) -> list[str]:
        """Several choices separated by semicolons, commas or new lines."""
        codes: list[str] = []
        for part in _LIST_SEPARATORS.split(_plain(value)):
            if not part.strip():
                continue
            code = self.code_of(part)
            if code is None:
                raise BadValueError(self._unknown(part.strip()))
            if code not in codes:
                codes.append(code)
        return codes

    def _unknown(self, written: str) -> str:
        listed = "; ".join(self.labels()[:12])
        return _("“%(value)s” is not in the list. Choose one of: %(choices)s.") % {
            "value": written[:60],
            "choices": listed,
        }


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in _LIST_SEPARATORS.split(_plain(value)) if part.strip()]
