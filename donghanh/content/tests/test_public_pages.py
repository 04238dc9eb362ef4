from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from donghanh.content import services
from donghanh.content.tests.helpers import Editors, draft, publish, published

pytestmark = pytest.mark.django_db


def test_a_draft_is_never_public(editors: Editors) -> None:
    draft(editors)
    client = Client()
    assert client.get("/articles/lua-dao-viec-lam/").status_code == 404
    assert client.get("/articles/lua-dao-viec-lam/versions/").status_code == 404
    assert "Nhận biết lừa đảo" not in client.get("/articles/").content.decode()
    assert "Nhận biết lừa đảo" not in client.get("/search?q=lua+dao").content.decode()


def test_a_text_in_review_is_not_public(editors: Editors) -> None:
    text = draft(editors)
    services.article_text_submit(text=text, expected_version=text.version, actor=editors.as_author)
    assert Client().get("/articles/lua-dao-viec-lam/").status_code == 404


def test_a_published_article_shows_its_check_date_and_share_links(editors: Editors) -> None:
    published(editors)
    response = Client().get("/articles/lua-dao-viec-lam/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Nhận biết lừa đảo việc làm</h1>" in page
    assert "20/11/2026" in page
    assert 'href="tel:111"' in page
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Ftestserver%2Farticles" in page
    assert "https://sp.zalo.me/share_inline?url=http%3A%2F%2Ftestserver%2Farticles" in page
    # No share SDK: the only script is the frame's own quick exit.
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script src="/static/public/quick-exit.js" defer>']
    listing = Client().get("/articles/").content.decode()
    assert "Nhận biết lừa đảo việc làm" in listing


def test_the_english_page_shows_the_english_text_or_says_it_is_missing(
    editors: Editors, django_capture_on_commit_callbacks: Any
) -> None:
    published(editors)
    page = Client().get("/en/articles/lua-dao-viec-lam/").content.decode()
    assert "not yet available in English" in page and 'lang="vi"' in page
    with django_capture_on_commit_callbacks(execute=True):  # publishing clears the cache
        published(editors, language="en", title="Spotting job scams", body="Call 111.")
    page = Client().get("/en/articles/lua-dao-viec-lam/").content.decode()
    assert "<h1>Spotting job scams</h1>" in page and "not yet available" not in page


def test_a_new_draft_does_not_replace_the_published_text(editors: Editors) -> None:
    version = published(editors)
    text = version.article.texts.get()
    services.article_text_save(
        article=text.article,
        language="vi",
        expected_version=text.version,
        title="Bản nháp chưa duyệt",
        summary="",
        body="Chưa duyệt.",
        actor=editors.as_author,
    )
    page = Client().get("/articles/lua-dao-viec-lam/").content.decode()
    assert "Nhận biết lừa đảo việc làm" in page and "Bản nháp chưa duyệt" not in page


def test_publishing_changes_the_cached_public_page(
    editors: Editors, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        version = published(editors)
    client = Client()
    assert (
        "Nhận biết lừa đảo việc làm" in client.get("/articles/lua-dao-viec-lam/").content.decode()
    )
    text = version.article.texts.get()
    text, _ = services.article_text_save(
        article=text.article,
        language="vi",
        expected_version=text.version,
        title="Lừa đảo việc làm: bản mới",
        summary="",
        body="Mới.",
        actor=editors.as_author,
    )
    # The draft alone changes nothing the public sees, cached or not.
    assert "bản mới" not in client.get("/articles/lua-dao-viec-lam/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish(editors, text)
    page = client.get("/articles/lua-dao-viec-lam/").content.decode()
    assert "Lừa đảo việc làm: bản mới" in page


def test_old_versions_stay_readable_but_are_not_shown_as_current(
    editors: Editors, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        version = published(editors)
        text = version.article.texts.get()
        text, _ = services.article_text_save(
            article=text.article,
            language="vi",
            expected_version=text.version,
            title="Tiêu đề mới",
            summary="",
            body="Mới.",
            actor=editors.as_author,
        )
        publish(editors, text)
    client = Client()
    current = client.get("/articles/lua-dao-viec-lam/").content.decode()
    assert "Tiêu đề mới" in current and "Nhận biết lừa đảo" not in current
    archive = client.get("/articles/lua-dao-viec-lam/versions/").content.decode()
    assert "/articles/lua-dao-viec-lam/versions/1/" in archive
    old = client.get("/articles/lua-dao-viec-lam/versions/1/").content.decode()
    assert "Nhận biết lừa đảo việc làm" in old and "có thể đã cũ" in old
    assert client.get("/articles/lua-dao-viec-lam/versions/3/").status_code == 404


def test_a_cached_page_is_served_without_a_query(
    editors: Editors, django_assert_num_queries
) -> None:
    published(editors)
    client = Client()
    client.get("/articles/lua-dao-viec-lam/")
    with django_assert_num_queries(0):
        assert client.get("/articles/lua-dao-viec-lam/").status_code == 200


# --- the list, and the reader's destination ------------------------------------------------------


@pytest.fixture
def guides(editors: Editors) -> None:
    """Two articles for everyone and two destination guides, in Vietnamese and English."""
    for slug, stage, destination, vi, en in (
        ("truoc-khi-di", "considering", "", "Trước khi đi", "Before you go"),
        ("lam-viec-o-anh", "working_abroad", "GB", "Làm việc ở Anh", "Working in the UK"),
        ("lam-viec-o-nhat", "working_abroad", "JP", "Làm việc ở Nhật", "Working in Japan"),
        ("ve-nha", "coming_home", "", "Trở về nhà", "Coming home"),
    ):
        services.article_create(
            slug=slug, stage=stage, destination=destination, actor=editors.as_author
        )
        published(editors, slug=slug, title=vi)
        published(editors, slug=slug, language="en", title=en)


def _titles_in_order(page: str, titles: list[str]) -> list[str]:
    """The titles linked on the page, in the order they appear."""
    found = [(page.find(f">{title}</a>"), title) for title in titles]
    return [title for position, title in sorted(found) if position >= 0]


VI_TITLES = ["Trước khi đi", "Làm việc ở Anh", "Làm việc ở Nhật", "Trở về nhà"]
EN_TITLES = ["Before you go", "Working in the UK", "Working in Japan", "Coming home"]


def test_without_a_destination_the_list_follows_the_journey(guides: None) -> None:
    page = Client().get("/articles/").content.decode()
    assert _titles_in_order(page, VI_TITLES) == VI_TITLES
    # The filter is a plain form: it works without JavaScript and keeps nothing.
    assert '<form class="destination-filter" method="get" action="/articles/">' in page
    assert '<option value="any" selected>Mọi quốc gia</option>' in page
    assert '<option value="GB">Vương quốc Anh</option>' in page
    assert '<option value="JP">Nhật Bản</option>' in page


def test_a_chosen_destination_puts_its_guides_first_and_no_other_countrys(guides: None) -> None:
    page = Client().get("/articles/", {"destination": "GB"}).content.decode()
    assert _titles_in_order(page, VI_TITLES) == ["Làm việc ở Anh", "Trước khi đi", "Trở về nhà"]
    assert '<h2 id="destination-guides">Hướng dẫn theo nước: Vương quốc Anh</h2>' in page
    assert '<option value="GB" selected>Vương quốc Anh</option>' in page
    page = Client().get("/articles/", {"destination": "JP"}).content.decode()
    assert _titles_in_order(page, VI_TITLES) == ["Làm việc ở Nhật", "Trước khi đi", "Trở về nhà"]


def test_the_english_list_puts_the_uk_guides_first_unless_told_otherwise(guides: None) -> None:
    page = Client().get("/en/articles/").content.decode()
    assert _titles_in_order(page, EN_TITLES) == [
        "Working in the UK",
        "Before you go",
        "Coming home",
    ]
    assert '<option value="GB" selected>United Kingdom</option>' in page
    page = Client().get("/en/articles/", {"destination": "any"}).content.decode()
    assert _titles_in_order(page, EN_TITLES) == EN_TITLES
    page = Client().get("/en/articles/", {"destination": "JP"}).content.decode()
    assert _titles_in_order(page, EN_TITLES)[0] == "Working in Japan"


def test_a_destination_without_guides_or_unknown_shows_the_whole_list(guides: None) -> None:
    for destination in ("FR", "XX", ""):
        response = Client().get("/articles/", {"destination": destination})
        assert response.status_code == 200
        assert _titles_in_order(response.content.decode(), VI_TITLES) == VI_TITLES, destination
