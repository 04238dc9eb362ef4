"""Places written by name, old or new, resolved to today's units: plain Python, no database.

A record may name its province and commune as they were before 1 July 2025 ("Quảng Bình",
"Xã Xuân Hội, huyện Nghi Xuân") or as they are now ("Quảng Trị"). Both are brought to today's
province code and the codes of today's communes the place may be part of, read from the same
data file the places tables are loaded from (`donghanh/places/data/places.json.gz`), so that the
command-line matcher needs no database and agrees with the platform.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from donghanh.places.keys import name_key, place_key, split_prefix
from donghanh.places.loading import DATA_FILE
from donghanh.places.selectors import PROVINCE_ALIASES

# A commune name that fits more of today's communes than this says too little to compare.
MAX_COMMUNES = 4


@dataclass(frozen=True, slots=True)
class Place:
    """Today's province code ("" if not known) and today's communes the place may be in."""

    province: str = ""
    communes: tuple[str, ...] = ()


@dataclass(eq=False)
class PlaceIndex:
    """Names (as keys) of today's and the pre-2025 units, to today's codes."""

    # province key → today's province code
    provinces: dict[str, str] = field(default_factory=dict)
    # today's province code → commune key → today's communes of that name
    today_communes: dict[str, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    # today's province code → commune key → today's communes the old ones of that name became
    communes: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    # old province key → commune key → today's communes the old communes of that name became
    legacy_communes: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    # commune key → today's communes anywhere (a place written without its province)
    anywhere: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    province_of_commune: dict[str, str] = field(default_factory=dict)
    # keys of today's province names
    today_keys: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> PlaceIndex:
        with gzip.open(DATA_FILE, "rt", encoding="utf-8") as file:
            data = json.load(file)
        index = cls()
        for code, name, short_name, _kind in data["provinces"]:
            for key in (name_key(name), place_key(short_name)):
                index.provinces[key] = code
                index.provinces[key.replace(" ", "")] = code
                index.today_keys.update((key, key.replace(" ", "")))
        legacy_province: dict[str, tuple[str, str]] = {}
        for code, name, short_name, current in data["legacy_provinces"]:
            legacy_province[code] = (current, name_key(name))
            for key in (name_key(name), place_key(short_name)):
                index.provinces.setdefault(key, current)
                index.provinces.setdefault(key.replace(" ", ""), current)
        for alias, key in PROVINCE_ALIASES.items():
            if key in index.provinces:
                index.provinces.setdefault(alias, index.provinces[key])
        for code, name, _kind, province in data["communes"]:
            key = name_key(name)
            index.today_communes[province][key].add(code)
            index.anywhere[key].append(code)
            index.province_of_commune[code] = province
        district_province = {code: province for code, _n, province, _c in data["legacy_districts"]}
        for _code, name, district, current, others in data["legacy_communes"]:
            if current is None:
                continue
            old_province = district_province[district]
            today, old_key = legacy_province[old_province]
            key = name_key(name)
            codes = [current, *others]
            index.legacy_communes[old_key][key].extend(codes)
            index.communes[today][key].extend(codes)
            index.anywhere[key].extend(codes)
        return index

    @lru_cache(maxsize=4096)  # noqa: B019 - one index lives as long as the process
    def province(self, text: str) -> tuple[str, str]:
        """Today's province code and the key of the name as written ("" when not known)."""
        key = place_key(text)
        if not key:
            return "", ""
        prefix, rest = split_prefix(key)
        keys = [key, rest] if rest and prefix in ("tinh", "thanh pho") else [key]
        for candidate in keys + [k.replace(" ", "") for k in keys]:
            candidate = PROVINCE_ALIASES.get(candidate, candidate)
            if candidate in self.provinces:
                return self.provinces[candidate], candidate
        return "", ""

    def resolve(self, province_text: str, commune_text: str) -> Place:
        province, province_key = self.province(province_text)
        commune_key = _commune_key(commune_text)
        if not commune_key:
            return Place(province=province)
        # Today's commune of that name first, then those the old communes of that name became
        # (the one that took most of an old commune first): the first is the place's best guess.
        codes: list[str] = []
        if province:
            today = sorted(self.today_communes[province].get(commune_key, ()))
            old = self.legacy_communes.get(province_key, {}).get(commune_key, [])
            # Named by a province that is gone: its old communes first.
            codes += old + today if province_key not in self.today_keys else today + old
            codes += self.communes[province].get(commune_key, [])
        else:
            codes += self.anywhere.get(commune_key, [])
            provinces = {self.province_of_commune[code] for code in codes}
            if len(provinces) == 1:
                province = provinces.pop()
        unique = tuple(dict.fromkeys(codes))
        if not unique or len(unique) > MAX_COMMUNES:
            return Place(province=province)
        return Place(province=province, communes=unique)


@lru_cache(maxsize=65536)
def _commune_key(text: str) -> str:
    # The commune part only: "Xã Xuân Hội, huyện Nghi Xuân" → "xuan hoi".
    first = text.split(",")[0]
    key = place_key(first)
    prefix, rest = split_prefix(key)
    return rest if prefix else key


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    return PlaceIndex.load()


@lru_cache(maxsize=65536)
def resolve_place(province: str, commune: str) -> Place:
    """Today's province and communes for a province and commune written by name, old or new."""
    return place_index().resolve(province, commune)
