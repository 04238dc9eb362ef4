"""The loaded units: counts, codes and the old → new mapping the foundation issue asks for."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from django.db.models import Count, F

from donghanh.places.data.build_places_data import build, write
from donghanh.places.loading import DATA_FILE, read_places_file
from donghanh.places.models import (
    Commune,
    LegacyCommune,
    LegacyDistrict,
    LegacyProvince,
    Province,
)

pytestmark = pytest.mark.django_db

# Where the README unpacks the source wheels; the generator test runs only when they are there.
SOURCES = Path(tempfile.gettempdir()) / "vp"


def test_exact_counts():
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    assert LegacyProvince.objects.count() == 63
    assert LegacyDistrict.objects.count() == 696
    assert LegacyCommune.objects.count() == 10035


def test_commune_kinds_after_the_reform():
    kinds = dict(Commune.objects.values_list("kind").annotate(n=Count("code")))
    assert kinds == {"commune": 2621, "ward": 687, "special_zone": 13}
    assert Province.objects.filter(kind=Province.Kind.CITY).count() == 6


@pytest.mark.parametrize(
    ("model", "width"),
    [(Province, 2), (Commune, 5), (LegacyProvince, 2), (LegacyDistrict, 3), (LegacyCommune, 5)],
)
def test_codes_have_their_official_width(model, width):
    codes = list(model.objects.values_list("code", flat=True))
    assert all(re.fullmatch(rf"\d{{{width}}}", code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_names_keep_their_diacritics_and_full_form():
    ha_tinh = Province.objects.get(code="42")
    assert (ha_tinh.name, ha_tinh.short_name, ha_tinh.kind) == (
        "Tỉnh Hà Tĩnh",
        "Hà Tĩnh",
        "province",
    )
    hanoi = Province.objects.get(code="01")
    assert (hanoi.name, hanoi.short_name, hanoi.kind) == ("Thành phố Hà Nội", "Hà Nội", "city")
    assert Commune.objects.get(code="00070").name == "Phường Hoàn Kiếm"
    assert not Commune.objects.filter(name__contains="  ").exists()


def test_folded_names_drop_prefix_and_diacritics():
    assert Province.objects.get(code="66").folded_name == "dak lak"
    assert LegacyDistrict.objects.get(name="Huyện Nghi Xuân").folded_name == "nghi xuan"
    assert Commune.objects.get(code="00070").folded_name == "hoan kiem"


@pytest.mark.parametrize(
    ("old", "today"),
    [
        ("Quảng Bình", "Quảng Trị"),
        ("Hải Dương", "Hải Phòng"),
        ("Sóc Trăng", "Cần Thơ"),
        ("Hậu Giang", "Cần Thơ"),
        ("Bình Dương", "Hồ Chí Minh"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Hà Tĩnh", "Hà Tĩnh"),
        ("Nghệ An", "Nghệ An"),
    ],
)
def test_old_provinces_map_to_today(old, today):
    assert LegacyProvince.objects.get(short_name=old).current_province.short_name == today


def test_every_province_today_absorbed_at_least_one_old_one():
    assert not Province.objects.filter(legacy_provinces__isnull=True).exists()
    assert LegacyProvince.objects.values("current_province").distinct().count() == 34


def test_every_old_commune_points_at_a_commune_of_its_successor_province():
    assert not LegacyCommune.objects.filter(current_commune__isnull=True).exists()
    mismatched = LegacyCommune.objects.exclude(
        current_commune__province=F("district__province__current_province")
    )
    assert not mismatched.exists()


def test_split_communes_list_their_other_parts():
    split = LegacyCommune.objects.filter(also_part_of__isnull=False).distinct()
    assert split.count() == 471
    for old in split[:50]:
        others = set(old.also_part_of.values_list("code", flat=True))
        assert old.current_commune_id not in others


def test_every_commune_today_comes_from_some_old_unit():
    orphans = Commune.objects.filter(
        legacy_communes__isnull=True, partial_legacy_communes__isnull=True
    ).exclude(legacy_districts__isnull=False)
    assert not orphans.exists()


def test_island_districts_without_communes_became_special_zones():
    islands = LegacyDistrict.objects.filter(current_commune__isnull=False)
    assert dict(islands.values_list("name", "current_commune__name")) == {
        "Huyện Bạch Long Vĩ": "Đặc khu Bạch Long Vĩ",
        "Huyện Cồn Cỏ": "Đặc khu Cồn Cỏ",
        "Huyện Hoàng Sa": "Đặc khu Hoàng Sa",
        "Huyện Lý Sơn": "Đặc khu Lý Sơn",
        "Huyện Côn Đảo": "Đặc khu Côn Đảo",
    }
    assert not any(d.communes.exists() for d in islands)


@pytest.mark.parametrize("district", ["Huyện Nghi Xuân", "Huyện Can Lộc"])
def test_seed_districts_of_ha_tinh_map_into_ha_tinh(district):
    old = LegacyDistrict.objects.get(name=district, province__short_name="Hà Tĩnh")
    provinces = set(old.communes.values_list("current_commune__province__short_name", flat=True))
    assert provinces == {"Hà Tĩnh"}
    assert old.communes.count() > 10


def test_data_file_is_small_and_complete():
    assert DATA_FILE.stat().st_size < 200_000
    data = read_places_file()
    assert [len(data[k]) for k in ("provinces", "communes", "legacy_provinces")] == [34, 3321, 63]


@pytest.mark.skipif(not SOURCES.exists(), reason="the source wheels are not unpacked")
def test_generator_reproduces_the_committed_file(tmp_path):
    data, report = build(SOURCES)
    assert "legacy communes without today's commune: 0 []" in report
    output = tmp_path / "places.json.gz"
    write(data, output)
    assert output.read_bytes() == DATA_FILE.read_bytes()


def test_generator_refuses_a_folder_without_sources(tmp_path):
    from donghanh.places.data.build_places_data import main

    assert main([str(tmp_path), "--output", str(tmp_path / "out.json.gz")]) == 1
    assert not (tmp_path / "out.json.gz").exists()
