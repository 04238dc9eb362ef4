"""Places written by name, old or new, come to today's units without a database."""

from __future__ import annotations

from donghanh.duplicates.places import resolve_place


def test_a_province_merged_in_2025_is_today_s_province():
    # Quảng Bình is part of Quảng Trị since 1 July 2025; Hải Dương of Hải Phòng.
    assert resolve_place("Quảng Bình", "").province == resolve_place("Quảng Trị", "").province
    assert resolve_place("Tỉnh Hải Dương", "").province == resolve_place("Hải Phòng", "").province


def test_names_with_or_without_prefix_diacritics_or_abbreviation():
    expected = resolve_place("Thành phố Hồ Chí Minh", "").province
    assert expected
    for written in ("Hồ Chí Minh", "TP HCM", "tp. hồ chí minh", "Sài Gòn", "HO CHI MINH"):
        assert resolve_place(written, "").province == expected


def test_an_old_commune_and_today_s_commune_it_became_overlap():
    old = resolve_place("Hà Tĩnh", "Xã Xuân Hội")
    assert old.communes
    today = resolve_place("Hà Tĩnh", old.communes[0])  # a code is no name: nothing found
    assert today.communes == ()
    assert resolve_place("Ha Tinh", "xa xuan hoi") == old


def test_old_commune_under_its_old_province_and_the_new_name_under_the_new_province():
    # Any old commune: its record under the old names and one under today's names agree.
    from donghanh.duplicates.places import place_index

    index = place_index()
    old_key = next(iter(index.legacy_communes["quang binh"]))
    old = resolve_place("Quảng Bình", old_key)
    assert old.province == resolve_place("Quảng Trị", "").province
    assert old.communes
    # The first code is today's commune that took most of the old one.
    assert set(old.communes) & set(index.legacy_communes["quang binh"][old_key])


def test_a_commune_without_its_province_finds_the_province_when_the_name_is_unique():
    place = resolve_place("", "Xuân Hội")
    assert place.province == resolve_place("Hà Tĩnh", "").province


def test_unknown_places_are_empty():
    assert resolve_place("", "") == resolve_place("Atlantis", "Nowhere").__class__()
