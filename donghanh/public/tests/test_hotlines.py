"""The hotlines on the public pages: confirmed numbers only, written as confirmed."""

from __future__ import annotations

from donghanh.directory.contacts import OBSOLETE_NUMBERS, digits_of
from donghanh.public import hotlines

# Shared domain notes §3, the confirmed numbers, as written there.
CONFIRMED = {
    "111": "tel:111",
    "113": "tel:113",
    "1900 969 680": "tel:1900969680",
    "+84 981 84 84 84": "tel:+84981848484",
    "+44 7713 181 501": "tel:+447713181501",
    "08000 121 700": "tel:+448000121700",
}


def test_every_line_is_a_confirmed_number_with_a_working_tel_link():
    for line in (*hotlines.FIRST_LINES, *hotlines.OTHER_LINES):
        assert CONFIRMED.get(line.number) == line.tel, line.number


def test_the_home_page_puts_the_four_first_lines_first(client, db):
    html = client.get("/").content.decode()
    call_links = [html.index(f'class="call" href="{line.tel}"') for line in hotlines.FIRST_LINES]
    assert call_links == sorted(call_links)
    assert [line.number for line in hotlines.FIRST_LINES] == [
        "111",
        "113",
        "+84 981 84 84 84",
        "08000 121 700",
    ]
    assert "Zalo" in html


def test_no_public_page_shows_an_obsolete_number(client, db):
    for url in ("/", "/en/", "/self-check/", "/help/"):
        digits = digits_of(client.get(url).content.decode())
        assert not any(number in digits for number in OBSOLETE_NUMBERS), url
