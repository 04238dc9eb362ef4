"""The public directory: only providers marked public, examples marked, tap to call."""

from __future__ import annotations

import pytest
from django.test import Client

from donghanh.directory.models import Country, Provider


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


@pytest.fixture
def help_abroad(make_provider) -> dict[str, Provider]:
    return {
        "uk": make_provider(
            "Unseen helpline",
            kind=Provider.Kind.HOTLINE,
            countries=[Country.UNITED_KINGDOM],
            shown_to_public=True,
        ),
        "everywhere": make_provider(
            "Bảo hộ công dân",
            kind=Provider.Kind.PUBLIC_AGENCY,
            serves_all_countries=True,
            shown_to_public=True,
        ),
        "japan": make_provider(
            "Hỗ trợ tại Nhật Bản", countries=[Country.JAPAN], shown_to_public=True
        ),
    }


@pytest.mark.parametrize(
    "place", ["Anh", "Vương quốc Anh", "United Kingdom", "UK", "London", "Luân Đôn", "Lodnon"]
)
def test_the_place_may_be_a_country_or_city_abroad(client, public_providers, help_abroad, place):
    html = client.get("/help/", {"place": place}).content.decode()
    assert 'class="errorlist"' not in html
    assert "Địa danh được hiểu là: Vương quốc Anh" in html
    shown = {key for key, provider in help_abroad.items() if provider.name in html}
    assert shown == {"uk", "everywhere"}
    assert public_providers["hotline"].name not in html  # it serves Vietnam only


@pytest.mark.parametrize("query", ["Anh", "United Kingdom", "UK", "London", "Luân Đôn"])
def test_the_words_may_name_a_country_or_city_abroad(client, help_abroad, query):
    html = client.get("/help/", {"q": query}).content.decode()
    assert html.index("Unseen helpline") < html.index("Bảo hộ công dân")
    assert "Hỗ trợ tại Nhật Bản" not in html


def test_a_typo_in_each_word_still_finds_the_provider(client, public_providers, make_provider):
    make_provider("Ngôi nhà Bình yên", kind=Provider.Kind.SHELTER, shown_to_public=True)
    html = client.get("/help/", {"q": "nha bnh yen"}).content.decode()
    assert "Ngôi nhà Bình yên" in html and "1 nơi hỗ trợ" in html
    html = client.get("/en/help/", {"q": "tong dia"}).content.decode()
    assert public_providers["hotline"].name_en in html


def test_the_site_search_finds_providers_by_a_place_abroad(client, help_abroad):
    for query in ("London", "Luân Đôn", "Vương quốc Anh", "United Kingdom", "Lodnon"):
        html = client.get("/search", {"q": query}).content.decode()
        assert "Unseen helpline" in html, query
        assert "Hỗ trợ tại Nhật Bản" not in html, query
