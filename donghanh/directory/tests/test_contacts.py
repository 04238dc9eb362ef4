from __future__ import annotations

import pytest

from donghanh.directory.contacts import obsolete_numbers_in, tel_href, zalo_href


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("111", "tel:111"),
        ("1900 969 680", "tel:1900969680"),
        ("+84 981 84 84 84", "tel:+84981848484"),
        ("+44 7713 181 501", "tel:+447713181501"),
        ("08000 121 700", "tel:08000121700"),
        ("(024) 3.123-456", "tel:0243123456"),
        ("Tổng đài 111", ""),
        ("12", ""),
    ],
)
def test_tel_href(written, href):
    assert tel_href(written) == href


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("+84 981 84 84 84", "https://zalo.me/0981848484"),
        ("0981 848 484", "https://zalo.me/0981848484"),
        ("https://zalo.me/1234567890", "https://zalo.me/1234567890"),
        ("Tổng đài 111", ""),  # an official account's name: searched for in the app
        ("111", ""),
        ("+44 7713 181 501", ""),  # Zalo links need a Vietnamese number
        ("javascript:alert(1)", ""),
        ("https://zalo.me.evil.example/x", ""),
    ],
)
def test_zalo_href(written, href):
    assert zalo_href(written) == href


@pytest.mark.parametrize(
    "text",
    ["1800 1567", "18001567", "gọi 1800-1567 miễn phí", "+84 1800.1567", "(1800) 1567"],
)
def test_the_old_child_line_is_found_however_it_is_written(text):
    assert obsolete_numbers_in(text) == ["18001567"]


@pytest.mark.parametrize("text", ["111", "1900 969 680", "năm 1800, 1567 người", ""])
def test_other_numbers_are_not_the_old_child_line(text):
    assert obsolete_numbers_in(text) == []
