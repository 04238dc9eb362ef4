"""Vietnamese normalisation of the fields a duplicate is recognised by: plain Python, no database.

Every function here takes what a person typed (or an import carried) and returns a value that
compares equal for the spellings of the same thing:

- names: NFC or NFD, tone marks placed either way (hoà/hòa), with or without diacritics, đ/d
  (all through `donghanh.core.text.fold`), Huỳnh/Hoàng and Vũ/Võ (`fold_name`), the family name
  first or last, Thị/Văn present or absent, the family name abbreviated ("Ng. Thị Hoa");
- birth dates: dd/mm/yyyy (also with - or .), yyyy-mm-dd, a year alone, or nothing; the
  comparison (`donghanh.duplicates.matcher`) then tolerates day and month swapped and a year off;
- sex in Vietnamese or English words and letters;
- phone numbers in every written form: +84, 84, 0084 or 0, spaces, dots, dashes, brackets, and
  the eleven-digit mobile numbers renumbered to ten digits in 2018.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from donghanh.core.text import fold, fold_name, within_one_edit


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Family names of Vietnam, folded, with Huỳnh and Võ already mapped to Hoàng and Vũ. The first
# fourteen cover more than nine people in ten; the rest are the less common ones that records
# still meet, including those of ethnic minorities (Lò, Sùng, Giàng, Vàng, Hầu, Thào…).
FAMILY_NAMES: frozenset[str] = _words(
    """
    nguyen tran le pham hoang phan vu dang bui do ho ngo duong ly dinh trinh doan lam mai
    truong cao luong luu ha ta to chu quach kieu ton thai la vuong tang dong lai trieu lac khuc
    kim bach tieu thach lu nong nghiem hua quan giang au mac tong tu dam vi luc khong phung
    ninh cu ung diep lo sung vang hau thao mua giap tiet khuat
    """
)
# The most common of them: when a name begins with a rarer family name that is also a given
# name ("Mai", "Hà") and ends with one of these, the family name is written last.
COMMON_FAMILY_NAMES: frozenset[str] = _words(
    "nguyen tran le pham hoang phan vu dang bui do ho ngo duong"
)

# Middle words that say the person's sex rather than who they are: present on one record and
# absent on another of the same person.
SEX_MARKERS: frozenset[str] = frozenset({"thi", "van"})

# Family names as people shorten them ("Ng.", "Tr."), folded, to the name they stand for.
FAMILY_ABBREVIATIONS: dict[str, str] = {
    "ng": "nguyen",
    "nguy": "nguyen",
    "tr": "tran",
    "ph": "pham",
    "hg": "hoang",
    "dg": "duong",
}

_WORD = re.compile(r"[^\W\d_]+")

# Family names as written before `fold_name` maps Huỳnh and Võ: a typo is one edit from these.
_FAMILY_SPELLINGS: frozenset[str] = FAMILY_NAMES | {"huynh", "vo"}
# Shortest word taken for a family name with one letter wrong ("Nguyn", "Phbam", "Huyh"):
# shorter ones ("Ha", "Lo") are one edit from too many names.
_FAMILY_TYPO_MIN_LENGTH = 4
# Real syllables one edit from Thị or Văn, which a middle name may be: never taken for a typo
# of the marker.
_NOT_MARKER_TYPOS: frozenset[str] = _words(
    "thu tho thy thai tri chi phi khi thin tan lan an ban han man dan can nan ngan xan vien"
)


@lru_cache(maxsize=65536)
def corrected_family(word: str) -> str:
    """The family name a word of at least four letters is one typo from, when only one is
    ("nguyn" → "nguyen", "huyh" → "hoang"); "" otherwise (and for family names themselves)."""
    if word in FAMILY_NAMES or len(word) < _FAMILY_TYPO_MIN_LENGTH:
        return ""
    found = {
        fold_name(name)
        for name in _FAMILY_SPELLINGS
        if word != name and within_one_edit(word, name)
    }
    return found.pop() if len(found) == 1 else ""


@lru_cache(maxsize=65536)
def corrected_marker(word: str) -> str:
    """Thị or Văn (folded) when a word is one typo from it ("tih", "vn", "thcị"), else ""."""
    if word in SEX_MARKERS or word in _NOT_MARKER_TYPOS or word in FAMILY_NAMES:
        return ""
    found = [
        marker for marker in sorted(SEX_MARKERS) if word != marker and within_one_edit(word, marker)
    ]
    return found[0] if len(found) == 1 else ""


@dataclass(frozen=True, slots=True)
class Name:
    """A name split into its parts, folded.

    `family` is a whole family name, or an initial (`family_initial` true) when the record only
    abbreviates it ("N. Thị Hoa", "Ng Hoa"); `middle` are the middle words that are not Thị or
    Văn; `given` is the given name; `words` every folded word, for comparisons that ignore order.
    """

    family: str = ""
    middle: tuple[str, ...] = ()
    given: str = ""
    family_initial: bool = False
    words: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.given and not self.family


@lru_cache(maxsize=65536)
def _piece_words(piece: str) -> tuple[tuple[str, bool], ...]:
    """The folded words of one piece of a name as written, each with whether it is abbreviated:
    a dot after it ("Ng.") or a known abbreviation or a single letter."""
    parts = _WORD.findall(fold(piece))
    found = []
    for index, part in enumerate(parts):
        word = fold_name(part)
        dotted = piece.endswith(".") and index == len(parts) - 1
        found.append((word, dotted or word in FAMILY_ABBREVIATIONS or len(word) == 1))
    return tuple(found)


@lru_cache(maxsize=262144)
def split_name(full_name: str) -> Name:
    """The parts of a Vietnamese name written in any usual way.

    "Nguyễn Thị Hoà", "NGUYEN THI HOA", "Hoa Nguyen Thi", "Thi Hoa Nguyen", "Nguyễn Hoa" and
    "Ng. Thị Hoa" all give family "nguyen" (an initial for the last), given "hoa".
    """
    pieces = full_name.replace(",", " ").split()
    words: list[str] = []
    abbreviated: list[bool] = []
    for piece in pieces:
        for word, is_abbreviation in _piece_words(piece):
            words.append(word)
            abbreviated.append(is_abbreviation)
    if not words:
        return Name()
    family_at = _family_position(words, abbreviated)
    if family_at is None:
        if len(words) == 1:
            return Name(given=words[0], words=tuple(words))
        family_at = 0
    if not abbreviated[family_at] and (corrected := corrected_family(words[family_at])):
        words[family_at] = corrected  # "Nguyn Thị Hoa": a typo in the family name
    family = words[family_at]
    initial = abbreviated[family_at] and family not in FAMILY_NAMES
    if initial:
        family = FAMILY_ABBREVIATIONS.get(family, family)
        initial = family not in FAMILY_NAMES
    elif abbreviated[family_at] and _starts_other_family_name(family):
        initial = True  # "Ho.": Hồ, or Hoàng shortened
    rest = words[family_at + 1 :] + words[:family_at]
    # "Nguyễn Tịh Hoa", "Trần Vn Nam": Thị or Văn with a typo, where it stands.
    typo = len(rest) > 1 and not any(word in SEX_MARKERS for word in rest[:-1])
    if typo and (marker := corrected_marker(rest[0])):
        rest[0] = marker
        words[(family_at + 1) % len(words)] = marker
    named = [word for word in rest if word not in SEX_MARKERS]
    if rest and (rest[-1] not in SEX_MARKERS or not named or rest[-1] == "van"):
        # The given name is the last word, even Vân or Thi ("Nguyễn Thị Vân", "Ngọc Vân":
        # Văn is never written after the given name).
        given, middle = rest[-1], tuple(word for word in rest[:-1] if word not in SEX_MARKERS)
    else:
        # "Nguyen Hoa Thi": Thị written after the given name.
        given, middle = (named[-1], tuple(named[:-1])) if named else ("", ())
    if not given:
        # Only a family name (or a given name that is also one): take it as the given name.
        return Name(given=family, words=tuple(words))
    return Name(
        family=family,
        middle=middle,
        given=given,
        family_initial=initial,
        words=tuple(dict.fromkeys(words)),
    )


@lru_cache(maxsize=256)
def _starts_other_family_name(family: str) -> bool:
    return any(other != family and other.startswith(family) for other in _FAMILY_SPELLINGS)


def _family_position(words: list[str], abbreviated: list[bool]) -> int | None:
    """Where the family name stands: first (Vietnamese order) unless only the last is one."""
    if len(words) == 1:
        return None
    first, last = words[0], words[-1]
    if abbreviated[0]:
        return 0
    if first in FAMILY_NAMES:
        if last in COMMON_FAMILY_NAMES and first not in COMMON_FAMILY_NAMES:
            return len(words) - 1  # "Mai Thi Nguyen"
        return 0
    if corrected_family(first) in COMMON_FAMILY_NAMES and last not in COMMON_FAMILY_NAMES:
        return 0  # "Phom Ngọc Mai": Phạm with a typo, Mai the given name
    if last in FAMILY_NAMES or (abbreviated[-1] and len(words) > 2):
        return len(words) - 1
    if corrected_family(last) in COMMON_FAMILY_NAMES:
        return len(words) - 1  # "Thị Hậu Nguyn"
    for index in range(1, len(words) - 1):
        if words[index] in FAMILY_NAMES:
            return index  # "Hoa Nguyen Thi": given name, family name, middle
    if first in SEX_MARKERS and len(words) > 2:
        # "Thị Hoa Nguyen" with a family name we do not know: it is the last word.
        return len(words) - 1
    return 0


# --- birth dates -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date as far as it is known: a year alone has month and day 0; nothing is year 0."""

    year: int = 0
    month: int = 0
    day: int = 0

    @property
    def is_known(self) -> bool:
        return self.year > 0

    @property
    def is_full(self) -> bool:
        return self.day > 0


_DMY = re.compile(r"^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_Y = re.compile(r"^(\d{4})$")
_EARLIEST_YEAR = 1900


def _plausible(year: int, month: int, day: int) -> BirthDate:
    if not _EARLIEST_YEAR <= year <= datetime.date.today().year:
        return BirthDate()
    if month == 0:
        return BirthDate(year)
    if not 1 <= day <= 31 or not 1 <= month <= 31:
        return BirthDate(year)
    if month > 12:
        # Written month first: keep the digits as they are; the comparison tolerates swaps.
        if day > 12:
            return BirthDate(year)
        return BirthDate(year, day, month)
    return BirthDate(year, month, day)


@lru_cache(maxsize=65536)
def parse_birth_date(value: str) -> BirthDate:
    """A birth date as written in Vietnam (dd/mm/yyyy), in ISO order, or a year alone."""
    text = value.strip()
    if not text:
        return BirthDate()
    if match := _DMY.match(text):
        day, month, year = (int(part) for part in match.groups())
        return _plausible(year, month, day)
    if match := _YMD.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _plausible(year, month, day)
    if match := _MY.match(text):
        month, year = (int(part) for part in match.groups())
        return BirthDate(year) if not 1 <= month <= 12 else _month_only(year, month)
    if match := _Y.match(text):
        return _plausible(int(match.group(1)), 0, 0)
    return BirthDate()


def _month_only(year: int, month: int) -> BirthDate:
    # A month without a day says little more than the year; keep the year.
    return _plausible(year, 0, 0)


def birth_date_of(value: datetime.date | None, *, estimated_year: int | None = None) -> BirthDate:
    """The birth date of a stored record: its date, or the year an estimated age points to."""
    if value is not None:
        return BirthDate(value.year, value.month, value.day)
    if estimated_year:
        return BirthDate(estimated_year)
    return BirthDate()


# --- sex ---------------------------------------------------------------------------------------

FEMALE = 1
MALE = 2
UNKNOWN_SEX = 0

_SEX_WORDS = {
    "nu": FEMALE,
    "f": FEMALE,
    "female": FEMALE,
    "woman": FEMALE,
    "girl": FEMALE,
    "gai": FEMALE,
    "nam": MALE,
    "m": MALE,
    "male": MALE,
    "man": MALE,
    "boy": MALE,
    "trai": MALE,
}


@lru_cache(maxsize=256)
def parse_sex(value: str) -> int:
    """1 female, 2 male, 0 anything else (other, not known, empty)."""
    return _SEX_WORDS.get(fold(value).replace(".", ""), UNKNOWN_SEX)


# --- phone numbers -----------------------------------------------------------------------------

# The eleven-digit mobile prefixes and the ten-digit ones that replaced them in 2018.
OLD_MOBILE_PREFIXES: dict[str, str] = {
    "0120": "070",
    "0121": "079",
    "0122": "077",
    "0126": "076",
    "0128": "078",
    "0123": "083",
    "0124": "084",
    "0125": "085",
    "0127": "081",
    "0129": "082",
    "0162": "032",
    "0163": "033",
    "0164": "034",
    "0165": "035",
    "0166": "036",
    "0167": "037",
    "0168": "038",
    "0169": "039",
    "0186": "056",
    "0188": "058",
    "0199": "059",
}
_NOT_DIGIT = re.compile(r"\D+")
_SHORTEST_NUMBER = 8


@lru_cache(maxsize=65536)
def normalise_phone(value: str) -> str:
    """The number as dialled inside Vietnam today, digits only; "" when it is no number.

    "+84 912 345 678", "(+84) 912.345.678", "0084912345678", "84912345678" and "0912 345 678"
    give "0912345678"; "0169 123 4567" (renumbered in 2018) gives "0391234567".
    """
    digits = _NOT_DIGIT.sub("", value)
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    elif digits.startswith("00"):
        return "+" + digits[2:]  # abroad: kept whole, with its country code
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]  # a number inside Vietnam never begins with 84
    elif not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits  # the leading 0 left out
    if len(digits) == 11 and digits[:4] in OLD_MOBILE_PREFIXES:
        digits = OLD_MOBILE_PREFIXES[digits[:4]] + digits[4:]
    if len(digits) < _SHORTEST_NUMBER:
        return ""
    return digits
