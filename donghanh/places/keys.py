"""How place names are compared: one search key per name, free of diacritics and punctuation.

`place_key` applies the platform's folding rule (`donghanh.core.text.fold`: NFD, drop combining
marks, đ→d, case-fold) and then drops apostrophes ("Ea H’Leo" → "ea hleo") and turns other
punctuation into spaces ("Bà Rịa - Vũng Tàu" → "ba ria vung tau"). Stored `folded_name` columns
hold the key of a unit's name *without* its administrative prefix ("Huyện Nghi Xuân" →
"nghi xuan"), so an address written with or without "huyện", "xã", "TP." finds the same row.

This module is plain Python (no Django): the data generator and the data migration use it too.
"""

from __future__ import annotations

import re
from enum import StrEnum

from donghanh.core.text import fold

_APOSTROPHES = re.compile("['’‘`ʼ]")
_NOT_WORD = re.compile(r"[\W_]+")


class Level(StrEnum):
    """The tier an administrative prefix points at."""

    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    # "Thành phố" names both centrally-run cities and the cities that were districts before 2025.
    PROVINCE_OR_DISTRICT = "province_or_district"


# The formal prefixes that begin every official unit name, as keys.
FORMAL_PREFIXES: dict[str, Level] = {
    "tinh": Level.PROVINCE,
    "thanh pho": Level.PROVINCE_OR_DISTRICT,
    "huyen": Level.DISTRICT,
    "quan": Level.DISTRICT,
    "thi xa": Level.DISTRICT,
    "xa": Level.COMMUNE,
    "phuong": Level.COMMUNE,
    "thi tran": Level.COMMUNE,
    "dac khu": Level.COMMUNE,
}

# Abbreviations people write in addresses ("TP. HCM", "TX Hồng Lĩnh", "H. Nghi Xuân", "Q.1"),
# with the formal prefix each stands for. No unit name begins with one of these letters standing
# alone as a word.
ABBREVIATIONS: dict[str, str] = {
    "tp": "thanh pho",
    "t": "tinh",
    "tx": "thi xa",
    "h": "huyen",
    "q": "quan",
    "tt": "thi tran",
    "x": "xa",
    "p": "phuong",
}

_ALL_PREFIXES = {**dict.fromkeys(FORMAL_PREFIXES), **dict.fromkeys(ABBREVIATIONS)}
_BY_LENGTH = sorted(_ALL_PREFIXES, key=lambda prefix: -len(prefix.split()))
_FORMAL_BY_LENGTH = sorted(FORMAL_PREFIXES, key=lambda prefix: -len(prefix.split()))
# Inside a run-on address only the full words and "tp" are taken as the start of a new part.
_INNER_BY_LENGTH = [*_FORMAL_BY_LENGTH, "tp"]
# "q1", "p12": a prefix glued to a number.
_GLUED_NUMBER = re.compile(r"^(q|p)(\d+)$")


def place_key(text: str) -> str:
    """Fold `text` for comparing place names: no diacritics, no punctuation, single spaces."""
    folded = fold(_APOSTROPHES.sub("", text))
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _strip(key: str, prefixes: list[str]) -> tuple[str, str]:
    for prefix in prefixes:
        if key.startswith(prefix + " "):
            return prefix, key[len(prefix) + 1 :]
    return "", key


def name_key(name: str) -> str:
    """The key stored in `folded_name`: the official name without its formal prefix."""
    _, rest = _strip(place_key(name), _FORMAL_BY_LENGTH)
    return rest


def split_prefix(key: str) -> tuple[str, str]:
    """Split a key into its formal prefix ("" if none; abbreviations expanded) and the rest."""
    glued = _GLUED_NUMBER.match(key)
    if glued:
        return ABBREVIATIONS[glued.group(1)], glued.group(2)
    prefix, rest = _strip(key, _BY_LENGTH)
    return ABBREVIATIONS.get(prefix, prefix), rest


def is_prefix(key: str) -> bool:
    """Whether `key` is only a prefix ("xa", "tp"), with no name after it."""
    return key in _ALL_PREFIXES


def name_prefix(name: str) -> str:
    """The formal prefix an official name begins with ("Thị trấn Xuân An" → "thi tran")."""
    prefix, _ = _strip(place_key(name), _FORMAL_BY_LENGTH)
    return prefix


def split_run_on(key: str) -> list[str]:
    """Split an address typed without commas at the formal prefixes inside it.

    "xa xuan hoi huyen nghi xuan tinh ha tinh" → ["xa xuan hoi", "huyen nghi xuan", "tinh ha tinh"].
    A split that would leave a bare prefix ("huyen" | "quan hoa") is not made, so names that
    begin with a prefix word ("Huyện Quan Hóa") stay whole.
    """
    words = key.split()
    pieces: list[str] = []
    start = 0
    leading, _ = _strip(key, _BY_LENGTH)
    index = max(1, len(leading.split()))
    while index < len(words) - 1:
        for prefix in _INNER_BY_LENGTH:
            length = len(prefix.split())
            if (
                " ".join(words[index : index + length]) == prefix
                and index + length < len(words)
                and " ".join(words[start:index]) not in _ALL_PREFIXES
            ):
                pieces.append(" ".join(words[start:index]))
                start = index
                index += length
                break
        else:
            index += 1
    pieces.append(" ".join(words[start:]))
    return pieces
