"""Search and address reading, on the real data loaded by the migration."""

from __future__ import annotations

import pytest

from donghanh.places.models import AreaType, Commune, LegacyCommune, Province
from donghanh.places.selectors import (
    PlaceResolution,
    area_type_default,
    place_resolve,
    places_search,
)

pytestmark = pytest.mark.django_db


def names(units):
    return [unit.name for unit in units]


def province_of(result: PlaceResolution) -> Province:
    assert result.province is not None
    return result.province


def commune_of(result: PlaceResolution) -> Commune:
    assert result.commune is not None, result.communes
    return result.commune


# --- search ----------------------------------------------------------------------------------


def test_search_without_diacritics_finds_province_and_its_old_self():
    result = places_search("ha tinh")
    assert names(result.provinces)[0] == "Tỉnh Hà Tĩnh"
    assert "Tỉnh Hà Tĩnh" in names(result.legacy_provinces)
    assert "Thành phố Hà Tĩnh" in [r.district.name for r in result.legacy_districts]


def test_search_folds_d_with_stroke():
    assert names(places_search("dak lak").provinces) == ["Tỉnh Đắk Lắk"]
    assert names(places_search("daklak").provinces) == ["Tỉnh Đắk Lắk"]


def test_search_finds_old_district_with_todays_communes():
    result = places_search("nghi xuan")
    district = next(r for r in result.legacy_districts if r.district.name == "Huyện Nghi Xuân")
    assert district.district.province.current_province.short_name == "Hà Tĩnh"
    assert "Xã Tiên Điền" in names(district.communes)
    assert {c.province_id for c in district.communes} == {"42"}
    assert "Xã Nghi Xuân" in names(result.communes)


def test_search_ranks_exact_names_first_and_caps_each_kind():
    result = places_search("phuong 1", limit=3)
    assert result.truncated
    assert len(result.legacy_communes) == 3
    assert all(c.name == "Phường 1" for c in result.legacy_communes)


def test_search_prefix_word_may_be_part_of_the_name():
    # "Quan Hoa" is a name, not "quận Hoa".
    result = places_search("quan hoa")
    assert result.legacy_districts[0].district.name == "Huyện Quan Hóa"
    assert "Phường Quan Hoa" in names(result.legacy_communes)


def test_search_by_code():
    result = places_search("18355")
    assert [(c.name, c.current_commune_id) for c in result.legacy_communes] == [
        ("Xã Xuân Hội", "18364")
    ]
    assert names(places_search("42").provinces) == ["Tỉnh Hà Tĩnh"]
    assert names(places_search("70").communes) == ["Phường Hoàn Kiếm"]


def test_search_needs_two_letters():
    result = places_search("a")
    assert result.too_short and result.is_empty


def test_search_aliases():
    assert names(places_search("Sài Gòn").provinces)[0] == "Thành phố Hồ Chí Minh"
    assert names(places_search("TP HCM").provinces)[0] == "Thành phố Hồ Chí Minh"


def test_search_finds_nothing_for_nonsense():
    assert places_search("zzzz qqqq").is_empty


# --- reading an address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "province", "old_province"),
    [
        ("Quảng Bình", "Quảng Trị", "Quảng Bình"),
        ("quang binh", "Quảng Trị", "Quảng Bình"),
        ("Tỉnh Quảng Bình", "Quảng Trị", "Quảng Bình"),
        ("Hải Dương", "Hải Phòng", "Hải Dương"),
        ("Sóc Trăng", "Cần Thơ", "Sóc Trăng"),
        ("Hậu Giang", "Cần Thơ", "Hậu Giang"),
        ("Bình Dương", "Hồ Chí Minh", "Bình Dương"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu"),
        ("ba ria vung tau", "Hồ Chí Minh", "Bà Rịa - Vũng Tàu"),
        ("TP HCM", "Hồ Chí Minh", None),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh", None),
        ("Sài Gòn", "Hồ Chí Minh", None),
        ("Hà Tĩnh", "Hà Tĩnh", None),
        ("Thừa Thiên Huế", "Huế", None),
    ],
)
def test_resolve_provinces_old_and_new(text, province, old_province):
    result = place_resolve(text)
    assert province_of(result).short_name == province
    assert [p.short_name for p in result.legacy_provinces] == (
        [old_province] if old_province else []
    )
    assert result.communes == ()


@pytest.mark.parametrize("district", ["Nghi Xuân", "Can Lộc"])
@pytest.mark.parametrize("template", ["huyện {}, Hà Tĩnh", "H. {}, T. Hà Tĩnh", "{} Hà Tĩnh"])
def test_resolve_old_district_to_ha_tinh_with_todays_communes(district, template):
    result = place_resolve(template.format(district))
    assert province_of(result).short_name == "Hà Tĩnh"
    assert names(result.legacy_districts) == [f"Huyện {district}"]
    assert len(result.communes) >= 5
    for candidate in result.communes:
        assert candidate.commune.province_id == "42"
        assert candidate.legacy_district is not None
        assert candidate.legacy_district.name == f"Huyện {district}"


@pytest.mark.parametrize(
    "text",
    [
        "xã Xuân Hội, huyện Nghi Xuân, tỉnh Hà Tĩnh",
        "Xa Xuan Hoi, Nghi Xuan, Ha Tinh",
        "xa xuan hoi huyen nghi xuan tinh ha tinh",
        "thôn 3, xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh",
    ],
)
def test_resolve_old_commune_to_todays(text):
    result = place_resolve(text)
    assert province_of(result).code == "42"
    assert names(result.legacy_communes) == ["Xã Xuân Hội"]
    assert commune_of(result).name == "Xã Đan Hải"
    assert result.communes[0].legacy_commune == LegacyCommune.objects.get(code="18355")


def test_resolve_keeps_what_it_cannot_place():
    result = place_resolve("thôn 3, xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh")
    assert result.unmatched == ("thôn 3",)


def test_resolve_todays_ward():
    result = place_resolve("Phường Hoàn Kiếm, Hà Nội")
    assert province_of(result).short_name == "Hà Nội"
    assert commune_of(result).code == "00070"
    assert result.communes[0].legacy_commune is None


def test_resolve_todays_ward_without_province_infers_it():
    result = place_resolve("Phường Hoàn Kiếm")
    assert province_of(result).short_name == "Hà Nội"
    assert commune_of(result).code == "00070"


def test_resolve_old_ward_in_numbered_district():
    result = place_resolve("Phường 1, Quận 3, TP HCM")
    assert names(result.legacy_districts) == ["Quận 3"]
    assert names(result.legacy_communes) == ["Phường 1"]
    assert commune_of(result).province.short_name == "Hồ Chí Minh"


def test_resolve_island_district_to_special_zone():
    result = place_resolve("huyện Côn Đảo, tỉnh Bà Rịa – Vũng Tàu")
    assert province_of(result).short_name == "Hồ Chí Minh"
    assert commune_of(result).name == "Đặc khu Côn Đảo"


def test_resolve_split_commune_lists_every_part():
    old = LegacyCommune.objects.filter(also_part_of__isnull=False).select_related(
        "district__province"
    )[0]
    result = place_resolve(f"{old.name}, {old.district.name}, {old.district.province.name}")
    parts = {c.commune.code: c.is_default for c in result.communes}
    assert old.current_commune_id is not None
    assert parts[old.current_commune_id] is True
    for other in old.also_part_of.all():
        assert parts[other.code] is False


def test_resolve_bare_unknown_text():
    result = place_resolve("số 12 ngõ 5")
    assert not result.found
    assert result.unmatched == ("số 12 ngõ 5",)


def test_resolve_bare_commune_name_without_context_is_not_guessed():
    # Dozens of communes are called An Bình; with no prefix and no province nothing is claimed.
    assert place_resolve("An Bình").communes == ()


# --- area type -------------------------------------------------------------------------------


def test_area_type_default():
    assert area_type_default(Commune.objects.get(code="00070")) == AreaType.URBAN
    assert area_type_default(Commune.objects.get(name="Xã Đan Hải")) == AreaType.RURAL
    assert area_type_default(Commune.objects.get(name="Đặc khu Côn Đảo")) is None


def test_resolve_commune_named_like_a_province_stays_a_commune():
    # Quảng Ninh is a province, and was also a district and a commune of Quảng Bình.
    result = place_resolve("xã Quảng Ninh")
    assert result.legacy_provinces == ()
    assert all(c.commune.kind == Commune.Kind.COMMUNE for c in result.communes)
    assert result.province is None or result.province.short_name != "Quảng Ninh"


def test_resolve_old_district_named_like_a_province():
    result = place_resolve("huyện Quảng Ninh, Quảng Bình")
    assert province_of(result).short_name == "Quảng Trị"
    assert [d.province.short_name for d in result.legacy_districts] == ["Quảng Bình"]


def test_resolve_old_city_district():
    result = place_resolve("TP Vinh, Nghệ An")
    assert names(result.legacy_districts) == ["Thành phố Vinh"]
    assert province_of(result).short_name == "Nghệ An"
    assert place_resolve("Vinh").legacy_districts == result.legacy_districts


def test_resolve_empty_text():
    result = place_resolve("  ,  ")
    assert not result.found
    assert result.unmatched == ()
