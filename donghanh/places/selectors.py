"""Reads for places: search by name or code, and reading a free-text address.

Names are compared by their key (`donghanh.places.keys.place_key`): no diacritics, no
punctuation, no administrative prefix, so "quang binh", "Tỉnh Quảng Bình" and "QUẢNG BÌNH" are
the same. Provinces are few and matched in Python (which also allows "daklak", "hcm",
"Sài Gòn"); communes and districts are matched in the database on their indexed `folded_name`.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from donghanh.places.keys import (
    FORMAL_PREFIXES,
    Level,
    is_prefix,
    name_prefix,
    place_key,
    split_prefix,
    split_run_on,
)
from donghanh.places.models import (
    AreaType,
    Commune,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)

DEFAULT_LIMIT = 25
MIN_QUERY_LENGTH = 2
# Beyond this many candidate communes an address is too vague to list them.
MAX_CANDIDATES = 40

# Other names people use for a province, as keys → the key of its name (today or before 2025).
PROVINCE_ALIASES: dict[str, str] = {
    "hcm": "ho chi minh",
    "hcmc": "ho chi minh",
    "tphcm": "ho chi minh",
    "sai gon": "ho chi minh",
    "saigon": "ho chi minh",
    "hn": "ha noi",
    "thua thien hue": "hue",
    "tt hue": "hue",
    "brvt": "ba ria vung tau",
}

# Which of today's kinds and which old name prefixes a written prefix points at.
_KIND_OF_PREFIX = {
    "xa": Commune.Kind.COMMUNE,
    "phuong": Commune.Kind.WARD,
    "dac khu": Commune.Kind.SPECIAL_ZONE,
}
_SEPARATORS = re.compile(r"[,;\n\r]+")
_CODE = re.compile(r"^\d{1,5}$")


def area_type_default(commune: Commune) -> AreaType | None:
    """The area type an address in `commune` gets unless a person chooses otherwise.

    Wards are urban and communes rural; peri-urban is a person's judgement, and special zones
    (islands, from fishing villages to Phú Quốc) have no sensible default.
    """
    if commune.kind == Commune.Kind.WARD:
        return AreaType.URBAN
    if commune.kind == Commune.Kind.COMMUNE:
        return AreaType.RURAL
    return None


# --- province choices, kept by the process ---------------------------------------------------

# Provinces change only with a new version of the places file (a deployment): the choices of
# every province select are read once per process and kept a while, not once per page.
_PROVINCE_CHOICES_SECONDS = 600.0
_province_choices: tuple[float, list[tuple[str, str]]] = (-_PROVINCE_CHOICES_SECONDS, [])


def province_choices() -> list[tuple[str, str]]:
    """Today's provinces as (code, short name), by name."""
    global _province_choices
    read_at, choices = _province_choices
    if time.monotonic() - read_at >= _PROVINCE_CHOICES_SECONDS or not choices:
        choices = list(Province.objects.order_by("short_name").values_list("code", "short_name"))
        _province_choices = (time.monotonic(), choices)
    return choices


# --- provinces, matched in Python ------------------------------------------------------------


@dataclass
class _ProvinceIndex:
    provinces: list[Province]
    legacy_provinces: list[LegacyProvince]
    today: dict[str, Province] = field(default_factory=dict)
    legacy: dict[str, list[LegacyProvince]] = field(default_factory=lambda: defaultdict(list))
    legacy_by_current: dict[str, list[LegacyProvince]] = field(
        default_factory=lambda: defaultdict(list)
    )

    @classmethod
    def load(cls) -> _ProvinceIndex:
        index = cls(
            provinces=list(Province.objects.all()),
            legacy_provinces=list(LegacyProvince.objects.select_related("current_province")),
        )
        for province in index.provinces:
            for key in _spellings(province.folded_name):
                index.today[key] = province
        for old in index.legacy_provinces:
            for key in _spellings(old.folded_name):
                index.legacy[key].append(old)
            index.legacy_by_current[old.current_province_id].append(old)
        return index

    def _keys(self, key: str) -> list[str]:
        """The key, without a province prefix, without spaces, and what an alias stands for."""
        prefix, rest = split_prefix(key)
        keys = [key]
        if rest and prefix in ("tinh", "thanh pho"):
            keys.append(rest)
        keys += [k.replace(" ", "") for k in keys]
        return keys + [PROVINCE_ALIASES[k] for k in keys if k in PROVINCE_ALIASES]

    def named(self, key: str) -> tuple[Province | None, list[LegacyProvince]]:
        """Today's province and the pre-2025 provinces whose name is exactly `key`."""
        keys = self._keys(key)
        today = next((self.today[k] for k in keys if k in self.today), None)
        old = next((self.legacy[k] for k in keys if k in self.legacy), [])
        return today, list(old)


def _spellings(key: str) -> set[str]:
    return {key, key.replace(" ", "")}


# --- search ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegacyDistrictResult:
    """A pre-2025 district and today's communes that cover its area."""

    district: LegacyDistrict
    communes: list[Commune]


@dataclass(frozen=True)
class PlaceSearch:
    """Units whose name (or code) matches a query, best matches first, each list capped."""

    query: str
    provinces: list[Province] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    legacy_provinces: list[LegacyProvince] = field(default_factory=list)
    legacy_districts: list[LegacyDistrictResult] = field(default_factory=list)
    legacy_communes: list[LegacyCommune] = field(default_factory=list)
    truncated: bool = False
    too_short: bool = False

    @property
    def is_empty(self) -> bool:
        return not (
            self.provinces
            or self.communes
            or self.legacy_provinces
            or self.legacy_districts
            or self.legacy_communes
        )


def _word_match(variants: Sequence[str]) -> tuple[Q, Case]:
    """Names equal to a variant, or with a word starting with it; ranked in that order."""
    condition = Q()
    for variant in variants:
        condition |= (
            Q(folded_name=variant)
            | Q(folded_name__startswith=variant)
            | Q(folded_name__contains=f" {variant}")
        )
    rank = Case(
        When(folded_name__in=list(variants), then=Value(0)),
        *(When(folded_name__startswith=variant, then=Value(1)) for variant in variants),
        default=Value(2),
        output_field=IntegerField(),
    )
    return condition, rank


def _communes_queryset() -> QuerySet[Commune]:
    return Commune.objects.select_related("province")


def _legacy_communes_queryset() -> QuerySet[LegacyCommune]:
    return LegacyCommune.objects.select_related(
        "district__province__current_province", "current_commune__province"
    ).prefetch_related(Prefetch("also_part_of", queryset=_communes_queryset()))


def _legacy_districts_queryset() -> QuerySet[LegacyDistrict]:
    return LegacyDistrict.objects.select_related(
        "province__current_province", "current_commune__province"
    )


def communes_of_legacy_districts(
    districts: Iterable[LegacyDistrict],
) -> dict[str, list[Commune]]:
    """Today's communes covering each old district (two queries for any number of districts)."""
    districts = list(districts)
    codes = [district.code for district in districts]
    found: dict[str, dict[str, Commune]] = defaultdict(dict)
    for lookup in ("legacy_communes__district_id", "partial_legacy_communes__district_id"):
        rows = (
            _communes_queryset()
            .filter(**{f"{lookup}__in": codes})
            .annotate(legacy_district_code=F(lookup))
            .distinct()
        )
        for commune in rows:
            found[commune.legacy_district_code][commune.code] = commune
    for district in districts:
        if district.current_commune is not None:
            found[district.code][district.current_commune.code] = district.current_commune
    return {
        code: sorted(found[code].values(), key=lambda commune: commune.folded_name)
        for code in codes
    }


def places_search(
    query: str, *, limit: int = DEFAULT_LIMIT, _index: _ProvinceIndex | None = None
) -> PlaceSearch:
    """Today's and pre-2025 units whose name or code matches `query`, ignoring diacritics."""
    key = place_key(query)
    if len(key.replace(" ", "")) < MIN_QUERY_LENGTH and not _CODE.match(key):
        return PlaceSearch(query=query, too_short=bool(key))
    if _CODE.match(key):
        return _search_by_code(query, key)

    prefix, rest = split_prefix(key)
    level = FORMAL_PREFIXES.get(prefix)

    # The whole key is looked for at every tier ("Quan Hoa" is a name, not "quận Hoa"); the key
    # without its prefix only at the tiers the prefix names.
    def variants(*levels: Level) -> list[str]:
        return [key, rest] if prefix and rest and level in levels else [key]

    index = _index or _ProvinceIndex.load()
    today, old = index.named(key)
    stems = variants(Level.PROVINCE, Level.PROVINCE_OR_DISTRICT)
    provinces = [today] if today else []
    provinces += [
        p
        for p in index.provinces
        if p != today and any(_starts_a_word(p.folded_name, stem) for stem in stems)
    ]
    legacy_provinces = old + [
        p
        for p in index.legacy_provinces
        if p not in old and any(_starts_a_word(p.folded_name, stem) for stem in stems)
    ]
    truncated = len(provinces) > limit or len(legacy_provinces) > limit

    def best(queryset: QuerySet[Any], *levels: Level) -> list[Any]:
        nonlocal truncated
        condition, rank = _word_match(variants(*levels))
        rows = list(
            queryset.filter(condition)
            .annotate(rank=rank)
            .order_by("rank", "folded_name", "code")[: limit + 1]
        )
        truncated |= len(rows) > limit
        return rows[:limit]

    communes = best(_communes_queryset(), Level.COMMUNE)
    districts = best(_legacy_districts_queryset(), Level.DISTRICT, Level.PROVINCE_OR_DISTRICT)
    legacy_communes = best(_legacy_communes_queryset(), Level.COMMUNE)
    return PlaceSearch(
        query=query,
        provinces=provinces[:limit],
        communes=communes,
        legacy_provinces=legacy_provinces[:limit],
        legacy_districts=_with_communes(districts),
        legacy_communes=legacy_communes,
        truncated=truncated,
    )


def _starts_a_word(name_key: str, key: str) -> bool:
    return name_key.startswith(key) or f" {key}" in name_key


def _with_communes(districts: list[LegacyDistrict]) -> list[LegacyDistrictResult]:
    if not districts:
        return []
    covering = communes_of_legacy_districts(districts)
    return [LegacyDistrictResult(district, covering[district.code]) for district in districts]


def _search_by_code(query: str, digits: str) -> PlaceSearch:
    provinces: list[Province] = []
    legacy_provinces: list[LegacyProvince] = []
    districts: list[LegacyDistrict] = []
    if len(digits) <= 2:
        provinces = list(Province.objects.filter(code=digits.zfill(2)))
        legacy_provinces = list(
            LegacyProvince.objects.select_related("current_province").filter(code=digits.zfill(2))
        )
    if len(digits) <= 3:
        districts = list(_legacy_districts_queryset().filter(code=digits.zfill(3)))
    return PlaceSearch(
        query=query,
        provinces=provinces,
        communes=list(_communes_queryset().filter(code=digits.zfill(5))),
        legacy_provinces=legacy_provinces,
        legacy_districts=_with_communes(districts),
        legacy_communes=list(_legacy_communes_queryset().filter(code=digits.zfill(5))),
    )


# --- reading an address ----------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneCandidate:
    """One of today's communes an address may lie in, and the old unit it was found through."""

    commune: Commune
    legacy_commune: LegacyCommune | None = None
    legacy_district: LegacyDistrict | None = None
    # False when the old commune was split and most of it went to another of today's communes.
    is_default: bool = True


@dataclass(frozen=True)
class PlaceResolution:
    """What a free-text address says about today's units."""

    text: str
    province: Province | None = None
    communes: tuple[CommuneCandidate, ...] = ()
    legacy_provinces: tuple[LegacyProvince, ...] = ()
    legacy_districts: tuple[LegacyDistrict, ...] = ()
    legacy_communes: tuple[LegacyCommune, ...] = ()
    unmatched: tuple[str, ...] = ()

    @property
    def commune(self) -> Commune | None:
        """Today's commune, when the address names exactly one."""
        return self.communes[0].commune if len(self.communes) == 1 else None

    @property
    def found(self) -> bool:
        return self.province is not None or bool(self.communes)


@dataclass
class _Segment:
    text: str
    prefix: str
    rest: str

    @property
    def level(self) -> Level | None:
        return FORMAL_PREFIXES.get(self.prefix)

    def could_be(self, *levels: Level) -> bool:
        return self.level is None or self.level in levels


def _segments(text: str, index: _ProvinceIndex) -> list[_Segment]:
    parts = [part.strip() for part in _SEPARATORS.split(text) if place_key(part)]
    keys = [place_key(part) for part in parts]
    if len(keys) == 1 and len(split_run_on(keys[0])) > 1:
        # Typed without commas: the pieces are only known as keys.
        keys = parts = split_run_on(keys[0])
    segments = [_Segment(part, *split_prefix(key)) for part, key in zip(parts, keys, strict=True)]
    # "Nghi Xuân Hà Tĩnh": a province name at the end of the last part is a part of its own.
    if segments:
        last = segments[-1]
        whole = place_key(last.text)
        today, old = index.named(whole)
        if not (today or old):
            words = whole.split()
            for cut in range(1, len(words)):
                head, tail = " ".join(words[:cut]), " ".join(words[cut:])
                if any(index.named(tail)) and not is_prefix(head):
                    segments[-1:] = [_Segment(head, *split_prefix(head)), _Segment(tail, "", tail)]
                    break
    return segments


def _prefer_prefix(
    rows: list[Any], prefix: str, kind_of: Mapping[str, str] | None = None
) -> list[Any]:
    """Keep the rows whose own prefix is the written one, if any are; otherwise keep all."""
    if not prefix:
        return rows
    if kind_of is not None:
        kind = kind_of.get(prefix)
        preferred = [row for row in rows if row.kind == kind]
    else:
        preferred = [row for row in rows if name_prefix(row.name) == prefix]
    return preferred or rows


def place_resolve(text: str, *, _index: _ProvinceIndex | None = None) -> PlaceResolution:
    """Read a free-text address, old or new, and say which of today's units it points at.

    "xã Xuân Hội, huyện Nghi Xuân, tỉnh Hà Tĩnh" → Hà Tĩnh, Xã Đan Hải (was Xã Xuân Hội);
    "Quảng Bình" → Quảng Trị (was Quảng Bình). Parts are separated by commas, semicolons or new
    lines; administrative prefixes and punctuation are ignored. Parts the function cannot place
    (a street, a village) are returned in `unmatched`.
    """
    index = _index or _ProvinceIndex.load()
    segments = _segments(text, index)
    province: Province | None = None
    legacy_provinces: list[LegacyProvince] = []
    unmatched: list[str] = []

    # The province: the last part that names one.
    remaining = list(segments)
    for position in range(len(segments) - 1, -1, -1):
        segment = segments[position]
        if not segment.could_be(Level.PROVINCE, Level.PROVINCE_OR_DISTRICT):
            continue
        today, old = index.named(place_key(segment.text))
        if today or old:
            province = today or (old[0].current_province if len(old) == 1 else None)
            # "Hà Tĩnh" is a province today: its namesake before 2025 adds nothing.
            legacy_provinces = [] if today else old
            remaining = segments[:position]
            unmatched = [s.text for s in segments[position + 1 :]]
            break
    if province is not None:
        scope = [province.code]
        legacy_scope = [p.code for p in legacy_provinces] or [
            p.code for p in index.legacy_by_current[province.code]
        ]
    else:
        scope, legacy_scope = [], []

    # The district, then the commune, reading the remaining parts from right to left.
    districts: list[LegacyDistrict] = []
    candidates: list[CommuneCandidate] = []
    legacy_communes: list[LegacyCommune] = []
    for position in range(len(remaining) - 1, -1, -1):
        segment = remaining[position]
        if (
            not districts
            and not candidates
            and segment.could_be(Level.DISTRICT, Level.PROVINCE_OR_DISTRICT)
        ):
            queryset = _legacy_districts_queryset().filter(folded_name=segment.rest)
            if legacy_scope:
                queryset = queryset.filter(province__in=legacy_scope)
            found = _prefer_prefix(list(queryset), segment.prefix)
            if found:
                districts = found
                continue
        if candidates or not segment.could_be(Level.COMMUNE):
            unmatched.insert(0, segment.text)
            continue
        legacy_communes, candidates = _communes_named(segment, scope, legacy_scope, districts)
        if not candidates:
            unmatched.insert(0, segment.text)

    if not candidates and districts:
        covering = communes_of_legacy_districts(districts)
        candidates = [
            CommuneCandidate(commune=commune, legacy_district=district)
            for district in districts
            for commune in covering[district.code]
        ]
    if province is None:
        successors = {d.province.current_province for d in districts} or {
            c.commune.province for c in candidates
        }
        if len(successors) == 1:
            province = successors.pop()
    return PlaceResolution(
        text=text,
        province=province,
        communes=tuple(candidates[:MAX_CANDIDATES]),
        legacy_provinces=tuple(legacy_provinces),
        legacy_districts=tuple(districts),
        legacy_communes=tuple(legacy_communes),
        unmatched=tuple(unmatched),
    )


def _communes_named(
    segment: _Segment,
    scope: list[str],
    legacy_scope: list[str],
    districts: list[LegacyDistrict],
) -> tuple[list[LegacyCommune], list[CommuneCandidate]]:
    """Old and today's communes a part of an address names, within what is known so far."""
    if not (scope or districts) and not segment.prefix:
        # A bare name with no province or district around it is too vague to read as a commune.
        return [], []
    olds = _legacy_communes_queryset().filter(folded_name=segment.rest)
    if districts:
        olds = olds.filter(district__in=[d.code for d in districts])
    elif legacy_scope:
        olds = olds.filter(district__province__in=legacy_scope)
    legacy_found = _prefer_prefix(list(olds[:MAX_CANDIDATES]), segment.prefix)

    today_found: list[Commune] = []
    if not (districts and legacy_found):
        # An old address names old communes; today's names count when no old one matched.
        todays = _communes_queryset().filter(folded_name=segment.rest)
        if scope:
            todays = todays.filter(province__in=scope)
        elif districts:
            todays = todays.filter(province__in={d.province.current_province_id for d in districts})
        today_found = _prefer_prefix(list(todays[:MAX_CANDIDATES]), segment.prefix, _KIND_OF_PREFIX)

    candidates = [CommuneCandidate(commune=commune) for commune in today_found]
    for old in legacy_found:
        if old.current_commune is not None:
            candidates.append(CommuneCandidate(commune=old.current_commune, legacy_commune=old))
        for part in old.also_part_of.all():
            candidates.append(CommuneCandidate(commune=part, legacy_commune=old, is_default=False))
    seen: set[str] = set()
    unique = []
    for candidate in candidates:
        if candidate.commune.code not in seen:
            seen.add(candidate.commune.code)
            unique.append(candidate)
    return legacy_found, unique


def place_lookup(
    query: str, *, limit: int = DEFAULT_LIMIT
) -> tuple[PlaceSearch, PlaceResolution | None]:
    """Search for `query` and read it as an address, sharing one load of the provinces."""
    index = _ProvinceIndex.load()
    search = places_search(query, limit=limit, _index=index)
    if search.too_short:
        return search, None
    return search, place_resolve(query, _index=index)
