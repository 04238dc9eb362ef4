"""The hotlines on the public pages: confirmed numbers only, written as confirmed."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from donghanh.directory.contacts import OBSOLETE_NUMBERS, digits_of
from donghanh.directory.models import Provider
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


ZALO_111 = "https://zalo.me/1249273939821550616"


def test_111_zalo_channel_is_one_tap_on_every_page_that_shows_111(client, db):
    """A plain link to 111's official Zalo account: no Zalo script, nothing sent to Zalo first."""
    assert hotlines.NATIONAL_111.zalo == ZALO_111
    pages = [client.get(url).content.decode() for url in ("/", "/en/")]
    pages += [client.post(url, {"fee": "yes"}).content.decode() for url in ("/self-check/",)]
    for html in pages:
        assert f'<a class="zalo" href="{ZALO_111}" rel="noopener noreferrer">' in html
        assert "zalo.me/sdk" not in html and "sp.zalo.me/plugins" not in html
    assert "Nhắn tin cho 111 qua Zalo" in pages[0]
    assert "Message 111 on Zalo" in pages[1]


def test_the_demo_directory_gives_111_the_same_zalo_link(client, db):
    call_command("load_directory_demo", stdout=StringIO())
    hotline = Provider.objects.get(source_key="hotline-111")
    assert list(hotline.contacts.filter(kind="zalo").values_list("value", flat=True)) == [ZALO_111]
    html = client.get(f"/help/{hotline.pk}/").content.decode()
    assert f'<a href="{ZALO_111}" rel="noopener noreferrer">Mở trên Zalo</a>' in html
