"""Vietnamese text helpers shared by every search in the platform."""

from __future__ import annotations

import unicodedata

# Hoàng/Huỳnh and Vũ/Võ are the same family names written in the northern and southern way;
# records from abroad also drop diacritics, so matching compares folded, canonical forms.
_SURNAME_EQUIVALENTS = {"huynh": "hoang", "vo": "vu"}


def nfc(value: str) -> str:
    """Store text in NFC so that the same word is always the same bytes."""
    return unicodedata.normalize("NFC", value)


def fold(value: str) -> str:
    """Fold Vietnamese text for search: no diacritics, đ→d, case-folded, single spaces.

    Mirrors PostgreSQL's unaccent + lower so the same rule holds in Python and in SQL.
    """
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())


def fold_name(value: str) -> str:
    """Fold a person's name and map equivalent surnames to one spelling, for matching."""
    words = fold(value).split()
    return " ".join(_SURNAME_EQUIVALENTS.get(word, word) for word in words)
