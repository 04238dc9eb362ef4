"""Values as people write them in their sheets."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

import pytest
from django.utils import translation

from donghanh.imports import parsing
from donghanh.imports.parsing import BadValueError
from donghanh.imports.reading import Formula


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("25/03/2024", datetime.date(2024, 3, 25)),
        ("5/3/2024", datetime.date(2024, 3, 5)),
        ("05/03/24", datetime.date(2024, 3, 5)),
        ("5/3/85", datetime.date(1985, 3, 5)),
        ("25-03-2024", datetime.date(2024, 3, 25)),
        ("25.03.2024", datetime.date(2024, 3, 25)),
        (" 25 / 3 / 2024 ", datetime.date(2024, 3, 25)),
        ("2024-03-25", datetime.date(2024, 3, 25)),
        (45376, datetime.date(2024, 3, 25)),  # Excel's day number
        (45376.0, datetime.date(2024, 3, 25)),
        ("45376", datetime.date(2024, 3, 25)),
        (datetime.datetime(2024, 3, 25, 0, 0), datetime.date(2024, 3, 25)),
        (datetime.date(2024, 3, 25), datetime.date(2024, 3, 25)),
    ],
)
def test_dates_as_people_write_them(written, expected):
    assert parsing.date(written) == expected


@pytest.mark.parametrize(
    "written", ["31/02/2024", "13/13/2024", "hôm qua", "2024", 12, "25/03", 45376.5]
)
def test_what_is_not_a_date(written):
    with pytest.raises(BadValueError):
        parsing.date(written)


def test_a_two_digit_year_is_never_in_the_future():
    this_year = datetime.date.today().year % 100
    assert parsing.date(f"1/1/{this_year:02d}").year == 2000 + this_year
    assert parsing.date(f"1/1/{(this_year + 1) % 100:02d}").year < 2000 + this_year + 1


def test_no_such_day_says_so():
    with pytest.raises(BadValueError, match="Không có ngày này"):
        parsing.date("31/02/2024")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("1,500,000", 1_500_000),
        ("1500000", 1_500_000),
        ("1500000 đ", 1_500_000),
        ("1.500.000đ", 1_500_000),
        ("1.500.000 ₫", 1_500_000),
        ("1 500 000 VND", 1_500_000),
        ("1\u00a0500\u00a0000 đồng", 1_500_000),
        ("1.500.000,00", 1_500_000),
        ("1500000.00", 1_500_000),
        ("1.500", 1_500),
        (1_500_000, 1_500_000),
        (1_500_000.0, 1_500_000),
        ("0", 0),
    ],
)
def test_money_as_people_write_it(written, expected):
    assert parsing.money(written) == expected


@pytest.mark.parametrize(
    "written", ["1,5", "1.500.000,5", "-100", "một triệu", "1.50.000", 1.5, 2**63]
)
def test_what_is_not_an_amount(written):
    with pytest.raises(BadValueError):
        parsing.money(written)


def test_names_are_stored_nfc_with_single_spaces():
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị   Hoa ")
    assert parsing.name()(decomposed) == "Nguyễn Thị Hoa"
    assert unicodedata.is_normalized("NFC", parsing.name()(decomposed))
    with pytest.raises(BadValueError):
        parsing.name()("12345")


def test_a_formula_is_refused_wherever_it_is():
    for parse in (parsing.text(50), parsing.date, parsing.money, parsing.yes_no, parsing.integer()):
        with pytest.raises(BadValueError, match="công thức"):
            parse(Formula("=A1+1"))
    with pytest.raises(BadValueError, match="công thức"):
        parsing.text(50)('=HYPERLINK("http://x")')


def test_control_characters_are_refused():
    with pytest.raises(BadValueError):
        parsing.text(50)("Hoa\x07")


def test_text_longer_than_its_field_is_refused():
    with pytest.raises(BadValueError, match="dài 6 ký tự"):
        parsing.text(5)("abcdef")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Có", True),
        ("co", True),
        ("x", True),
        ("Yes", True),
        ("không", False),
        ("0", False),
        (True, True),
    ],
)
def test_yes_and_no(written, expected):
    assert parsing.yes_no(written) is expected


def test_choices_by_code_or_label_in_either_language():
    from donghanh.directory.models import Provider

    choices = parsing.Choices(
        [("free", Provider.Cost.FREE.label), ("fee", Provider.Cost.FEE.label)]
    )
    with translation.override("vi"):
        vietnamese = str(Provider.Cost.FREE.label)
    assert choices.one("free") == "free"
    assert choices.one("FREE") == "free"
    assert choices.one(vietnamese) == "free"
    assert choices.one(parsing.as_text(vietnamese).upper()) == "free"
    assert choices.many("free; Fee charged, free") == ["free", "fee"]
    with pytest.raises(BadValueError, match="không có trong danh sách"):
        choices.one("maybe")


def test_decimals_with_a_comma_or_a_point():
    score = parsing.decimal(places=1, minimum=Decimal(0), maximum=Decimal(100))
    assert score("7,5") == Decimal("7.5")
    assert score("7.5") == Decimal("7.5")
    assert score(8) == Decimal("8.0")
    with pytest.raises(BadValueError):
        score("101")
    with pytest.raises(BadValueError):
        score("bảy")


def test_years():
    read = parsing.year(minimum=1920)
    assert read("1990") == 1990
    assert read(1990.0) == 1990
    with pytest.raises(BadValueError):
        read("1890")
    with pytest.raises(BadValueError):
        read(str(datetime.date.today().year + 1))
