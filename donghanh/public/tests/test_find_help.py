"""The public directory: only providers marked public, examples marked, tap to call."""

from __future__ import annotations

from django.test import Client


def names(html: str, providers) -> set[str]:
    return {key for key, provider in providers.items() if provider.name in html}


def test_lists_public_providers_and_never_hidden_ones(client, public_providers):
    html = client.get("/help/").content.decode()
    assert names(html, public_providers) == {"hotline", "example"}
    html = client.get("/help/?q=nha+tam+lanh").content.decode()
    assert public_providers["hidden"].name not in html


def test_a_hidden_provider_has_no_public_page(client, public_providers):
    assert client.get(f"/help/{public_providers['hidden'].pk}/").status_code == 404
    assert client.get("/help/999999/").status_code == 404


def test_search_ignores_diacritics_and_filters_by_service(client, public_providers):
    assert names(client.get("/help/?q=tong+dai").content.decode(), public_providers) == {"hotline"}
    html = client.get("/help/?domain=legal").content.decode()
    assert names(html, public_providers) == {"example"}


def test_search_by_old_and_new_province_names(client, public_providers):
    # The example serves Hà Tĩnh; the hotline serves all of Vietnam.
    for place in ("Hà Tĩnh", "ha tinh", "huyện Nghi Xuân"):
        html = client.get("/help/", {"place": place}).content.decode()
        assert names(html, public_providers) == {"hotline", "example"}, place
    html = client.get("/help/", {"place": "Quảng Bình"}).content.decode()
    assert names(html, public_providers) == {"hotline"}


def test_an_unknown_place_explains_itself(client, public_providers):
    html = client.get("/help/", {"place": "Atlantis"}).content.decode()
    assert "Atlantis" in html and 'class="errorlist"' in html


def test_open_now_keeps_providers_open_at_this_moment(client, public_providers, make_provider):
    make_provider("Văn phòng chưa có giờ mở cửa", shown_to_public=True, serves_nationwide=True)
    html = client.get("/help/").content.decode()
    assert "Văn phòng chưa có giờ mở cửa" in html
    html = client.get("/help/?open_now=on").content.decode()
    assert public_providers["hotline"].name in html  # open 24/7
    assert "Văn phòng chưa có giờ mở cửa" not in html


def test_the_provider_page_has_tap_to_call_and_zalo_links(client, public_providers):
    html = client.get(f"/help/{public_providers['hotline'].pk}/").content.decode()
    assert 'href="tel:111"' in html
    assert 'href="https://zalo.me/0981848484"' in html


def test_english_page_shows_the_english_name(client, public_providers):
    html = client.get(f"/en/help/{public_providers['hotline'].pk}/").content.decode()
    assert "<h1>National hotline 111</h1>" in html


def test_examples_are_marked_and_offer_no_contact(client, public_providers):
    example = public_providers["example"]
    listing = Client().get("/help/").content.decode()
    assert "0239 000 0000" not in listing
    html = client.get(f"/help/{example.pk}/").content.decode()
    assert 'class="badge warn"' in html and "0239 000 0000" not in html
    assert '<meta name="robots" content="noindex">' in html
