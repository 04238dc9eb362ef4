"""Every public page: two languages by address, no cookie, light, nothing from third parties."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from donghanh.directory.models import Provider

PAGE_BUDGET_BYTES = 150 * 1024


ARTICLE_FILES = Path(settings.BASE_DIR) / "donghanh" / "content" / "tests" / "articles"


def public_urls(providers: dict[str, Provider]) -> list[str]:
    """Every kind of public page, with published articles from the test files behind them."""
    call_command("load_articles", path=ARTICLE_FILES, stdout=StringIO())
    pages = ["/", "/self-check/", "/help/", "/help/?q=111&open_now=on"]
    pages += [f"/help/{providers[name].pk}/" for name in ("hotline", "example")]
    pages += ["/articles/", "/articles/?destination=GB", "/articles/?destination=any"]
    pages += ["/articles/lua-dao-viec-lam/", "/search?q=lua+dao+viec+lam"]
    return pages + ["/en" + page for page in pages]


class Resources(HTMLParser):
    """The stylesheets and scripts a page loads, and its head's SEO links."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[dict[str, str]] = []
        self.metas: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "link":
            self.links.append(found)
            if found.get("rel") in ("stylesheet", "icon", "preload", "manifest"):
                self.loaded.append(found["href"])
        elif tag in ("script", "img", "iframe", "source", "embed") and found.get("src"):
            self.loaded.append(found["src"])
        elif tag == "meta":
            self.metas.append(found)


def parse(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


@pytest.fixture
def anonymous() -> Client:
    return Client(enforce_csrf_checks=True)


def test_every_public_page_sets_no_cookie(anonymous, public_providers):
    for url in public_urls(public_providers):
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Set-Cookie" not in response.headers, url
    # The self-check's form posts without a CSRF token and still sets nothing.
    for url in ("/self-check/", "/en/self-check/"):
        response = anonymous.post(url, {"fee": "yes"})
        assert response.status_code == 200
        assert not response.cookies
    assert not anonymous.cookies


def test_no_form_on_a_public_page_carries_a_csrf_token(anonymous, public_providers):
    for url in public_urls(public_providers):
        assert "csrfmiddlewaretoken" not in anonymous.get(url).content.decode(), url


def test_vietnamese_at_the_root_and_english_under_en(anonymous, db):
    vi = anonymous.get("/self-check/").content.decode()
    en = anonymous.get("/en/self-check/").content.decode()
    assert '<html lang="vi">' in vi and "Việc làm này có an toàn không?" in vi
    assert '<html lang="en">' in en and "Is this job offer safe?" in en
    # The language link goes to the same page in the other language, and names the language
    # in that language.
    assert 'href="/en/self-check/" hreflang="en" lang="en">English</a>' in vi
    assert 'href="/self-check/" hreflang="vi" lang="vi">Tiếng Việt</a>' in en


def test_the_language_link_keeps_a_search(anonymous, db):
    html = anonymous.get("/help/?q=111").content.decode()
    assert 'href="/en/help/?q=111"' in html


def test_the_address_decides_even_with_a_language_cookie(anonymous, db):
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="vi">' in anonymous.get("/").content.decode()


def test_staff_pages_keep_the_chosen_language(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    assert '<html lang="vi">' in client.get("/app/login/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/app/login/").content.decode()
    assert client.get("/en/app/login/").status_code != 200  # staff pages have no /en/ twin


def test_public_pages_do_not_vary_by_accept_language(anonymous, db):
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="vi">' in response.content.decode()
    assert "Accept-Language" not in response.headers.get("Vary", "")
    assert response.headers["Content-Language"] == "vi"


def test_seo_basics(anonymous, db):
    page = parse(anonymous.get("/en/help/?q=x").content.decode())
    links = {(link.get("rel"), link.get("hreflang", "")): link["href"] for link in page.links}
    assert links[("canonical", "")] == "http://testserver/en/help/"
    assert links[("alternate", "vi")] == "http://testserver/help/"
    assert links[("alternate", "en")] == "http://testserver/en/help/"
    assert links[("alternate", "x-default")] == "http://testserver/help/"
    description = [m for m in page.metas if m.get("name") == "description"]
    assert len(description) == 1 and len(description[0]["content"]) > 50


def test_quick_exit_on_every_page(anonymous, public_providers):
    for url in public_urls(public_providers):
        html = anonymous.get(url).content.decode()
        exit_link = re.search(r'<a class="quick-exit" href="([^"]+)" rel="noreferrer"', html)
        assert exit_link and exit_link.group(1) == settings.QUICK_EXIT_URL, url
        assert "/static/public/quick-exit.js" in html
    result = anonymous.post("/self-check/", {}).content.decode()
    assert 'class="quick-exit"' in result


def test_no_resource_comes_from_another_site(anonymous, public_providers):
    for url in public_urls(public_providers):
        for resource in parse(anonymous.get(url).content.decode()).loaded:
            assert resource.startswith("/") and not resource.startswith("//"), (url, resource)


def _static_size(url: str) -> int:
    assert url.startswith(settings.STATIC_URL), url
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} is not a static file"
    data = Path(path).read_bytes()
    size = len(data)
    if url.endswith(".css"):  # fonts and imports a stylesheet pulls in count too
        for linked in re.findall(rb"url\(['\"]?(/[^)'\"]+)", data):
            if not linked.decode().endswith((".png", ".jpg", ".svg", ".webp", ".gif")):
                size += _static_size(linked.decode())
    return size


def test_every_public_page_weighs_at_most_150_kb(anonymous, public_providers):
    """HTML, CSS, JS and fonts, uncompressed (on the wire they are smaller still)."""
    weights = {}
    for url in public_urls(public_providers):
        html = anonymous.get(url).content
        resources = [r for r in parse(html.decode()).loaded if not r.endswith(".svg")]
        weights[url] = len(html) + sum(_static_size(r) for r in resources)
    result = anonymous.post("/self-check/", {"fee": "yes"}).content
    weights["POST /self-check/"] = len(result) + sum(
        _static_size(r) for r in parse(result.decode()).loaded if not r.endswith(".svg")
    )
    assert max(weights.values()) <= PAGE_BUDGET_BYTES, weights


def test_a_missing_public_page_keeps_the_public_frame_and_sets_no_cookie(anonymous, db):
    for url in ("/no-such-page/", "/en/help/999999/"):
        response = anonymous.get(url)
        assert response.status_code == 404
        assert not response.cookies
        assert 'class="quick-exit"' in response.content.decode()


def test_a_missing_staff_page_keeps_the_staff_frame(db):
    response = Client().get("/app/places/no-such-page/")
    assert response.status_code in (302, 404)
    if response.status_code == 404:
        assert 'class="quick-exit"' not in response.content.decode()
