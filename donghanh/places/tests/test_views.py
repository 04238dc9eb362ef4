import pytest
from django.urls import reverse

from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("places:lookup")


@pytest.fixture
def client_in():
    return signed_in_client(UserFactory())


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL, {"q": "ha tinh"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_post_is_not_allowed(client_in):
    assert client_in.post(URL).status_code == 405


def test_empty_page_shows_the_search_box(client_in):
    response = client_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert 'name="q"' in html
    assert "<table" not in html


def test_old_province_shows_what_it_is_part_of_today(client_in):
    response = client_in.get(URL, {"q": "quang binh"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tỉnh Quảng Bình" in html
    assert "Tỉnh Quảng Trị" in html
    assert "<code>44</code>" in html


def test_old_address_shows_todays_commune_with_codes(client_in):
    response = client_in.get(URL, {"q": "xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh"})
    html = response.content.decode()
    assert 'id="reading-heading"' in html
    assert "Xã Đan Hải, Hà Tĩnh" in html
    assert "<code>18364</code>" in html
    assert "18355" in html


def test_search_without_diacritics_lists_units_and_old_ones(client_in):
    html = client_in.get(URL, {"q": "nghi xuan"}).content.decode()
    assert "Huyện Nghi Xuân, Hà Tĩnh" in html
    assert "Xã Tiên Điền" in html
    assert 'scope="col"' in html


def test_no_match_and_too_short_are_said(client_in):
    assert "zzzz" in client_in.get(URL, {"q": "zzzz"}).content.decode()
    response = client_in.get(URL, {"q": "a"})
    assert response.status_code == 200
    assert response.context["search"].too_short


@pytest.mark.parametrize(
    "query",
    [
        "phuong",  # every list capped, many districts and split communes to show
        "nghi xuan",
        "thôn 3, xã Xuân Hội, huyện Nghi Xuân, Hà Tĩnh",
        "18355",
    ],
)
def test_query_count_is_pinned_whatever_the_number_of_results(
    client_in, django_assert_max_num_queries, query
):
    client_in.get(URL)  # the first request of a session records the session
    # 7 for the session, user, second factor and navigation; at most 11 for places.
    with django_assert_max_num_queries(18):
        response = client_in.get(URL, {"q": query})
    assert response.status_code == 200
