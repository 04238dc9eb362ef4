"""Build donghanh/places/data/places.json.gz from two public data sets (run by hand).

    python -m donghanh.places.data.build_places_data /tmp/vp [--output PATH]

The folder given holds the two PyPI wheels unpacked side by side (see README.md in this folder):

    vietnam_provinces/vietnam_provinces/data/nested-divisions.json
        today's 34 provinces and 3,321 communes with their official codes;
    vietnamadminunits/vietnamadminunits/data/parser_legacy.json
        the 63 provinces, 696 districts and communes before 1 July 2025, with their codes;
    vietnamadminunits/vietnamadminunits/data/parser_from_2025.json
        today's units as that package names them (to join its mapping to official codes);
    vietnamadminunits/vietnamadminunits/data/converter_2025.json
        which old commune went into which new one.

Only facts are taken from these files; no code from either package is used, and the platform
does not need either package at runtime. The output is deterministic (sorted rows, gzip without
a timestamp), so regenerating unchanged sources gives the same bytes.

Output (JSON, gzip): {"format": 1, "sources": {...},
  "provinces":        [[code, name, short_name, kind], ...],
  "communes":         [[code, name, kind, province_code], ...],
  "legacy_provinces": [[code, name, short_name, current_province_code], ...],
  "legacy_districts": [[code, name, legacy_province_code, current_commune_code|null], ...],
  "legacy_communes":  [[code, name, legacy_district_code, current_commune_code, [other codes]], ...]}

A legacy district carries a commune code only when it had no communes of its own (the island
districts that became special zones). For a legacy commune split between several of today's
communes, current_commune_code is the one the source marks as the default and the others follow.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from donghanh.places.keys import place_key

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "places.json.gz"

PROVINCE_KINDS = {"tỉnh": "province", "thành phố trung ương": "city"}
COMMUNE_KINDS = {"xã": "commune", "phường": "ward", "đặc khu": "special_zone"}
COMMUNE_PREFIXES = {"commune": "Xã ", "ward": "Phường ", "special_zone": "Đặc khu "}

SOURCES = {
    "vietnam-provinces": "PyPI vietnam-provinces 2025.10.1 (GPL-3.0-or-later), data only",
    "vietnamadminunits": "PyPI vietnamadminunits 1.0.4 (MIT), data only",
}


class SourceError(Exception):
    """The sources disagree in a way the join cannot settle."""


def clean(name: str) -> str:
    """NFC with single spaces: one of the sources has stray double spaces ("Xã  Phú Hữu")."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def official_units(nested: list[dict[str, Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
    """Today's provinces and communes, as the official list names and codes them."""
    provinces, communes = [], []
    for entry in nested:
        code = f"{int(entry['code']):02d}"
        kind = PROVINCE_KINDS[entry["division_type"]]
        name = clean(entry["name"])
        if kind == "city":
            short = name.removeprefix("Thành phố ")
        else:
            short, name = name, f"Tỉnh {name}"
        provinces.append([code, name, short, kind])
        for ward in entry["wards"]:
            ward_kind = COMMUNE_KINDS[ward["division_type"]]
            ward_name = clean(ward["name"])
            if not ward_name.startswith(COMMUNE_PREFIXES[ward_kind]):
                raise SourceError(f"{ward_name!r} does not begin with its kind {ward_kind}")
            communes.append([f"{int(ward['code']):05d}", ward_name, ward_kind, code])
    return sorted(provinces), sorted(communes)


def _wards(tree: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (province, district, key, ward)
        for province, districts in tree.items()
        for district, wards in districts.items()
        for key, ward in wards.items()
        if key != "NaN"  # the island districts without communes carry a placeholder row
    ]


def build(source: Path) -> tuple[dict[str, Any], list[str]]:
    """Join the sources; return the data and a report of what was checked."""
    report: list[str] = []
    official = _load(source / "vietnam_provinces/vietnam_provinces/data/nested-divisions.json")
    vau = source / "vietnamadminunits/vietnamadminunits/data"
    legacy = _load(vau / "parser_legacy.json")
    current = _load(vau / "parser_from_2025.json")
    converter = _load(vau / "converter_2025.json")

    provinces, communes = official_units(official)
    province_by_code = {row[0]: row for row in provinces}
    commune_codes = {row[0] for row in communes}
    commune_province = {row[0]: row[3] for row in communes}

    # Today's units in the converter's vocabulary → official codes. The two sources agree on
    # names but not always on commune codes, so the join is by name within the province: the
    # exact name first, then the diacritic-free key where it is unique on both sides.
    exact: dict[tuple[str, str], str] = {}
    by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for code, name, _kind, province_code in communes:
        exact[(province_code, name)] = code
        by_key[(province_code, place_key(name))].append(code)

    new_province: dict[str, str] = {}
    for key, entry in current["DICT_PROVINCE"].items():
        code = entry["provinceCode"]
        if place_key(province_by_code[code][1]) != place_key(entry["province"]):
            raise SourceError(f"province {code}: {entry['province']!r} is not the official name")
        new_province[key] = code

    new_commune: dict[tuple[str, str], str] = {}
    for tree in (current["DICT_PROVINCE_WARD_NO_ACCENTED"], current["DICT_PROVINCE_WARD_ACCENTED"]):
        for province_key, wards in tree.items():
            province_code = new_province[province_key]
            for ward_key, ward in wards.items():
                name = clean(ward["ward"])
                code = exact.get((province_code, name))
                if code is None:
                    matches = by_key[(province_code, place_key(name))]
                    siblings = [
                        w for w in wards.values() if place_key(w["ward"]) == place_key(name)
                    ]
                    if len(matches) != 1 or len(siblings) != 1:
                        raise SourceError(f"cannot place today's {name!r} in {province_code}")
                    code = matches[0]
                new_commune[(province_key, ward_key)] = code
    if sorted(set(new_commune.values())) != sorted(commune_codes):
        raise SourceError("the converter's list of today's communes is not the official one")
    differing = sum(
        1
        for tree in (current["DICT_PROVINCE_WARD_NO_ACCENTED"],)
        for province_key, wards in tree.items()
        for ward_key, ward in wards.items()
        if ward["wardCode"] != new_commune[(province_key, ward_key)]
    )
    joined = len(set(new_commune.values()))
    report.append(f"today's communes joined by name: {joined:,} of {len(commune_codes):,}")
    report.append(f"  (vietnamadminunits gives another code for {differing}; official codes kept)")

    # Legacy provinces, districts and communes.
    legacy_provinces_by_key: dict[str, list[Any]] = {}
    for key, entry in legacy["DICT_PROVINCE"].items():
        legacy_provinces_by_key[key] = [
            entry["provinceCode"],
            clean(entry["province"]),
            clean(entry["provinceShort"]),
            None,
        ]
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            legacy_provinces_by_key[old_key][3] = new_province[new_key]

    districts_by_key: dict[tuple[str, str], list[Any]] = {}
    for province_key, districts in legacy["DICT_PROVINCE_DISTRICT"].items():
        province_code = legacy_provinces_by_key[province_key][0]
        for district_key, entry in districts.items():
            districts_by_key[(province_key, district_key)] = [
                entry["districtCode"],
                clean(entry["district"]),
                province_code,
                None,
            ]

    legacy_communes: dict[str, list[Any]] = {}
    commune_by_old_key: dict[str, str] = {}
    trees = (
        legacy["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"],
        legacy["DICT_PROVINCE_DISTRICT_WARD_ACCENTED"],
    )
    for tree in trees:
        for province_key, district_key, ward_key, ward in _wards(tree):
            code = ward["wardCode"]
            district_code = districts_by_key[(province_key, district_key)][0]
            row = [code, clean(ward["ward"]), district_code, None, []]
            if legacy_communes.setdefault(code, row) != row:
                raise SourceError(f"legacy commune {code} appears twice with different data")
            commune_by_old_key[f"{province_key}_{district_key}_{ward_key}"] = code

    def target(old_key: str, new_code: str) -> list[Any]:
        if old_key.endswith("_"):  # a whole district without communes
            province_key, district_key = old_key.rstrip("_").split("_")
            row = districts_by_key[(province_key, district_key)]
            row[3] = new_code
            return []
        return legacy_communes[commune_by_old_key[old_key]]

    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            new_code = new_commune[(province_key, ward_key)]
            for old_key in old_keys:
                row = target(old_key, new_code)
                if row:
                    if row[3] is not None:
                        raise SourceError(f"legacy commune {row[0]} is mapped twice")
                    row[3] = new_code
    split = 0
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in olds.items():
            codes = [new_commune[(province_key, part["newWardKey"])] for part in parts]
            defaults = [c for c, part in zip(codes, parts, strict=True) if part["isDefaultNewWard"]]
            if len(defaults) != 1:
                raise SourceError(f"{old_key}: expected one default among {codes}")
            row = target(old_key, defaults[0])
            if row[3] is not None:
                raise SourceError(f"legacy commune {row[0]} is mapped twice")
            row[3] = defaults[0]
            row[4] = sorted(set(codes) - {defaults[0]})
            split += 1

    legacy_province_rows = sorted(legacy_provinces_by_key.values())
    legacy_district_rows = sorted(districts_by_key.values())
    legacy_commune_rows = sorted(legacy_communes.values())

    # Checks: every mapping points at a real code, and stays inside today's province.
    current_of_legacy_province = {row[0]: row[3] for row in legacy_province_rows}
    province_of_district = {row[0]: row[2] for row in legacy_district_rows}
    unmapped = [row[0] for row in legacy_commune_rows if row[3] is None]
    problems = []
    for row in legacy_province_rows:
        if row[3] not in province_by_code:
            problems.append(f"legacy province {row[0]} → {row[3]}")
    for row in legacy_district_rows:
        if row[3] is not None and row[3] not in commune_codes:
            problems.append(f"legacy district {row[0]} → {row[3]}")
    for row in legacy_commune_rows:
        expected = current_of_legacy_province[province_of_district[row[2]]]
        for code in [row[3], *row[4]]:
            if code is None:
                continue
            if code not in commune_codes:
                problems.append(f"legacy commune {row[0]} → unknown {code}")
            elif commune_province[code] != expected:
                problems.append(f"legacy commune {row[0]} → {code} outside province {expected}")
    if problems:
        raise SourceError("; ".join(problems[:20]))

    districts_without_communes = [row for row in legacy_district_rows if row[3] is not None]
    reached = {row[3] for row in legacy_commune_rows} | {c for r in legacy_commune_rows for c in r[4]}
    reached |= {row[3] for row in districts_without_communes}
    kinds = Counter(row[2] for row in communes)
    report += [
        f"provinces: {len(provinces)}; communes: {len(communes):,} ({dict(sorted(kinds.items()))})",
        f"legacy provinces: {len(legacy_province_rows)}; legacy districts: "
        f"{len(legacy_district_rows)}; legacy communes: {len(legacy_commune_rows):,}",
        f"legacy communes without today's commune: {len(unmapped)} {unmapped[:10]}",
        f"legacy communes split between several of today's: {split}",
        f"legacy districts without communes, mapped whole: "
        f"{', '.join(row[1] for row in districts_without_communes)}",
        f"today's communes reached by some legacy unit: {len(reached):,} of {len(commune_codes):,}",
    ]
    data = {
        "format": 1,
        "sources": SOURCES,
        "provinces": provinces,
        "communes": communes,
        "legacy_provinces": legacy_province_rows,
        "legacy_districts": legacy_district_rows,
        "legacy_communes": legacy_commune_rows,
    }
    return data, report


def write(data: dict[str, Any], output: Path) -> int:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    output.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    return output.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder holding the two unpacked wheels")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    try:
        data, report = build(args.source)
    except (SourceError, KeyError, OSError, ValueError) as error:
        print(f"cannot build: {error!r}", file=sys.stderr)
        return 1
    size = write(data, args.output)
    print("\n".join(report))
    print(f"wrote {args.output} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
