"""Each Vietnamese normalisation the matcher relies on, one by one."""

from __future__ import annotations

import unicodedata

import pytest

from donghanh.duplicates.normalise import (
    FEMALE,
    MALE,
    UNKNOWN_SEX,
    BirthDate,
    normalise_phone,
    parse_birth_date,
    parse_sex,
    split_name,
)


def parts(name: str) -> tuple[str, tuple[str, ...], str, bool]:
    split = split_name(name)
    return split.family, split.middle, split.given, split.family_initial


def test_diacritics_dropped_or_kept_give_the_same_name():
    assert parts("Nguyễn Thị Hoà") == parts("Nguyen Thi Hoa") == ("nguyen", (), "hoa", False)


def test_tone_mark_placed_the_old_or_the_new_way():
    assert parts("Nguyễn Thị Hoà") == parts("Nguyễn Thị Hòa")
    assert split_name("Lê Thuý").given == split_name("Lê Thúy").given == "thuy"


def test_d_with_stroke_is_d():
    assert split_name("Đặng Văn Đức").family == split_name("Dang Van Duc").family == "dang"
    assert split_name("ĐẶNG VĂN ĐỨC").given == "duc"


def test_nfc_and_nfd_are_the_same_name():
    nfc = unicodedata.normalize("NFC", "Phạm Thị Hương")
    nfd = unicodedata.normalize("NFD", "Phạm Thị Hương")
    assert nfc != nfd
    assert split_name(nfc) == split_name(nfd)


@pytest.mark.parametrize(("one", "other"), [("Huỳnh", "Hoàng"), ("Võ", "Vũ")])
def test_northern_and_southern_family_names_are_one(one, other):
    assert split_name(f"{one} Văn Nam").family == split_name(f"{other} Văn Nam").family


@pytest.mark.parametrize(
    "written", ["Nguyễn Thị Hoa", "Thị Hoa Nguyễn", "Hoa Nguyễn Thị", "Hoa Thi Nguyen"]
)
def test_family_name_first_or_last(written):
    assert parts(written)[0::2] == ("nguyen", "hoa")


def test_a_family_name_that_is_also_a_given_name_written_last():
    assert parts("Mai Thị Nguyễn")[0::2] == ("nguyen", "mai")
    assert parts("Mai Thị Hà")[0::2] == ("mai", "ha")


def test_thi_and_van_present_or_absent():
    assert parts("Nguyễn Thị Hoa") == parts("Nguyễn Hoa")
    assert parts("Trần Văn Nam") == parts("Tran Nam")
    # Another middle name stays: it tells people apart.
    assert split_name("Nguyễn Thị Thu Hà").middle == ("thu",)


@pytest.mark.parametrize("written", ["Ng. Thị Hoa", "Ng Thi Hoa", "NG. HOA"])
def test_abbreviated_family_name_is_expanded(written):
    assert parts(written)[0::2] == ("nguyen", "hoa")


def test_an_initial_stays_an_initial():
    name = split_name("N. Thị Hoa")
    assert (name.family, name.family_initial, name.given) == ("n", True, "hoa")


def test_words_of_a_name_without_sex_markers_are_kept_for_order_free_comparison():
    assert set(split_name("Lê Thị Ngọc Anh").words) == {"le", "thi", "ngoc", "anh"}


def test_an_empty_name():
    assert split_name("  ").is_empty
    assert split_name("Hoa").given == "hoa"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("03/04/1998", BirthDate(1998, 4, 3)),
        ("3/4/1998", BirthDate(1998, 4, 3)),
        ("03-04-1998", BirthDate(1998, 4, 3)),
        ("03.04.1998", BirthDate(1998, 4, 3)),
        ("1998-04-03", BirthDate(1998, 4, 3)),
        ("1998", BirthDate(1998)),
        ("04/1998", BirthDate(1998)),
        ("", BirthDate()),
        ("không rõ", BirthDate()),
        ("03/04/1850", BirthDate()),
    ],
)
def test_birth_dates_as_written(written, expected):
    assert parse_birth_date(written) == expected


def test_month_written_first_keeps_its_digits():
    # 04/25/1998 cannot be day/month: the matcher compares with day and month swapped.
    assert parse_birth_date("04/25/1998") == BirthDate(1998, 4, 25)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Nữ", FEMALE),
        ("nu", FEMALE),
        ("F", FEMALE),
        ("female", FEMALE),
        ("Nam", MALE),
        ("M", MALE),
        ("male", MALE),
        ("", UNKNOWN_SEX),
        ("khác", UNKNOWN_SEX),
    ],
)
def test_sex(written, expected):
    assert parse_sex(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "(+84) 912.345.678",
        "+84912345678",
        "84912345678",
        "0084912345678",
        "0084 912 345 678",
        "912345678",
    ],
)
def test_phone_numbers_in_every_written_form(written):
    assert normalise_phone(written) == "0912345678"


def test_eleven_digit_mobile_numbers_renumbered_in_2018():
    assert normalise_phone("0169 123 4567") == normalise_phone("039 123 4567") == "0391234567"
    assert normalise_phone("+84 1201234567") == "0701234567"


def test_a_number_abroad_keeps_its_country_code_and_nothing_is_no_number():
    assert normalise_phone("0044 7713 181 501") == "+447713181501"
    assert normalise_phone("") == ""
    assert normalise_phone("113") == ""


@pytest.mark.parametrize(
    ("written", "family"),
    [("Nguyn Thị Hoa", "nguyen"), ("Phbam Thanh Thảo", "pham"), ("Huyh Thị Lài", "hoang"),
     ("Thị Hậu Nguyn", "nguyen"), ("Phom Ngọc Mai", "pham"), ("Tgran Thị Mai", "tran")],
)  # fmt: skip
def test_a_family_name_with_one_letter_wrong_is_corrected(written, family):
    # Also where the typo hid which word is the family name ("Mai", "Hậu" are family names too).
    assert split_name(written).family == family
    assert split_name(written).family_initial is False


def test_a_family_name_is_corrected_only_when_one_name_fits():
    # "Hoa" is one letter from "Hồ" but too short to be taken for it; "Nguyệt" stays a given name.
    assert parts("Hoa Thị Mai")[0::2] == ("mai", "hoa")
    assert split_name("Lò Thị Nguyệt").given == "nguyet"


@pytest.mark.parametrize("written", ["Nguyễn Tịh Hoa", "Nguyễn Thcị Hoa", "Nguyen Ti Hoa"])
def test_thi_with_one_letter_wrong_is_thi(written):
    assert parts(written) == parts("Nguyễn Thị Hoa")


@pytest.mark.parametrize("written", ["Trần Vn Nam", "Tran Va Nam", "Trần Văt Nam"])
def test_van_with_one_letter_wrong_is_van(written):
    assert parts(written) == parts("Trần Văn Nam")


def test_a_real_middle_name_near_thi_or_van_stays():
    assert split_name("Nguyễn Thu Hà").middle == ("thu",)
    assert split_name("Nguyễn Lan Anh").middle == ("lan",)


def test_van_last_is_the_given_name_van():
    # Vân is a given name; Văn is never written after the given name.
    assert parts("Nguyễn Ngọc Vân") == ("nguyen", ("ngoc",), "van", False)
    assert split_name("Nguyễn Tịh Vân").given == "van"


def test_a_dotted_family_name_that_begins_others_is_an_initial():
    # "Ho." may be Hồ or Hoàng/Huỳnh shortened; "Le." can only be Lê.
    assert split_name("Ho. Thị Hoa").family_initial is True
    assert split_name("Hồ Thị Hoa").family_initial is False
    assert split_name("Le. Thị Hà").family_initial is False
