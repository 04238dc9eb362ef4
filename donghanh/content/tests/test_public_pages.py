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
