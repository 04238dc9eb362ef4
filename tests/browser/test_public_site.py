"""A visitor on a cheap phone, with JavaScript off, finds help; quick exit leaves at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Browser, Page, Route, expect

from donghanh.core.actor import Actor
from donghanh.directory.models import Provider
from donghanh.directory.services import ContactInput, ProviderInput, provider_create
from tests.browser.conftest import AxeChecker

pytestmark = pytest.mark.django_db(transaction=True)

NEUTRAL_PAGE = (
    '<!doctype html><html lang="vi"><head><title>Thời tiết</title></head>'
    "<body><main><h1>Thời tiết hôm nay</h1></main></body></html>"
)


def _stub_neutral_site(page: Page) -> None:
    """The quick exit goes to a real news site; the test serves a stand-in for it."""

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)

    page.context.route(re.compile(re.escape(settings.QUICK_EXIT_URL) + ".*"), fulfil)


@pytest.fixture
def no_js_page(browser: Browser, axe: AxeChecker) -> Iterator[Page]:
    """A phone-sized page with JavaScript turned off.

    axe-core cannot run where scripts are off, so each page is kept as it was served and checked
    afterwards in a page with scripts on, under its own address (so its stylesheets load).
    """
    context = browser.new_context(
        java_script_enabled=False, locale="vi-VN", viewport={"width": 360, "height": 780}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    served: list[tuple[str, str]] = []
    page.on("load", lambda loaded: served.append((loaded.url, loaded.content())))
    yield page
    if not page.is_closed() and (not served or served[-1][0] != page.url):
        page.wait_for_load_state()
        served.append((page.url, page.content()))
    context.close()
    _check_served_pages(browser, axe, served)


def _serving(html: str) -> Callable[[Route], None]:
    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    return serve


def _check_served_pages(browser: Browser, axe: AxeChecker, served: list[tuple[str, str]]) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 780})
    page = context.new_page()
    for url, html in served:
        page.unroute_all()
        page.route(url, _serving(html))
        page.goto(url)
        axe.check(page)
    context.close()


@pytest.fixture
def providers(transactional_db: None) -> None:
    provider_create(
        data=ProviderInput(
            name="Tổng đài quốc gia 111",
            name_en="National hotline 111",
            kind=Provider.Kind.HOTLINE,
            services=["hotline"],
            serves_nationwide=True,
            open_24_7=True,
            shown_to_public=True,
            contacts=[ContactInput(kind="phone", value="111")],
        ),
        actor=Actor.system("tests"),
    )
    provider_create(
        data=ProviderInput(
            name="Nhà tạm lánh chỉ cán bộ thấy",
            kind=Provider.Kind.SHELTER,
            services=["shelter"],
            serves_nationwide=True,
        ),
        actor=Actor.system("tests"),
    )


def test_home_in_vietnamese_and_english_without_javascript(no_js_page: Page, live_server):
    page = no_js_page
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("main a[href='tel:111']").first).to_be_visible()
    for number in ("tel:113", "tel:+84981848484", "tel:+448000121700"):
        expect(page.locator(f"main a[href='{number}']").first).to_be_visible()

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Help first: you are not alone")
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page).to_have_url(live_server.url + "/")
    assert page.context.cookies() == []


def test_self_check_gives_advice_without_javascript(no_js_page: Page, live_server):
    page = no_js_page
    page.goto(live_server.url + "/")
    page.locator("main").get_by_role("link", name=re.compile("Lời mời làm việc này")).click()
    expect(page.locator("h1")).to_have_text("Việc làm này có an toàn không?")
    page.locator("input[name=fee][value=yes]").check()
    page.locator("input[name=passport][value=yes]").check()
    page.locator("input[name=contract][value=no]").check()
    page.get_by_role("button", name="Xem kết quả").click()
    expect(page.locator("h2#risk-level")).to_contain_text("Nguy cơ cao")
    expect(page.locator("main a[href='tel:111']").first).to_be_visible()
    expect(page.locator("main a[href='tel:113']").first).to_be_visible()
    assert "?" not in page.url  # the answers are nowhere in the address
    assert page.context.cookies() == []

    page.goto(live_server.url + "/en/self-check/")
    page.get_by_role("button", name="See the result").click()
    expect(page.locator("h2#risk-level")).to_contain_text("Be careful")


def test_public_directory_search_without_javascript(no_js_page: Page, live_server, providers):
    page = no_js_page
    page.goto(live_server.url + "/help/")
    page.get_by_label("Bạn cần gì, hoặc tên nơi hỗ trợ").fill("tong dai")
    page.get_by_label("Bạn đang ở đâu?").fill("Quảng Bình")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator("main")).to_contain_text("Tổng đài quốc gia 111")
    expect(page.locator("main")).not_to_contain_text("Nhà tạm lánh chỉ cán bộ thấy")
    page.get_by_role("link", name="Tổng đài quốc gia 111").click()
    expect(page.locator("main a[href='tel:111']")).to_be_visible()

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("National hotline 111")


def test_help_abroad_by_a_city_name_without_javascript(no_js_page: Page, live_server, providers):
    provider_create(
        data=ProviderInput(
            name="Đường dây trợ giúp tại Vương quốc Anh",
            name_en="UK Modern Slavery & Exploitation Helpline",
            kind=Provider.Kind.HOTLINE,
            countries=["GB"],
            shown_to_public=True,
        ),
        actor=Actor.system("tests"),
    )
    page = no_js_page
    page.goto(live_server.url + "/en/help/")
    page.get_by_label("Where are you?").fill("Lodnon")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("Place read as: United Kingdom")
    expect(page.locator("main")).to_contain_text("UK Modern Slavery & Exploitation Helpline")
    expect(page.locator("main")).not_to_contain_text("National hotline 111")
    assert "place=Lodnon" in page.url and page.context.cookies() == []


def test_guides_for_the_readers_country_first_without_javascript(no_js_page: Page, live_server):
    call_command("load_articles", stdout=StringIO())
    page = no_js_page
    page.goto(live_server.url + "/en/articles/")
    # The English site is read mostly in the UK: its guides come first unless told otherwise.
    first = page.locator("main section").first
    expect(first.locator("h2")).to_have_text("Country guides: United Kingdom")
    expect(first).to_contain_text("Working in the United Kingdom")
    page.get_by_label("The country you are going to or living in").select_option("any")
    page.get_by_role("button", name="Show guides").click()
    expect(page).to_have_url(live_server.url + "/en/articles/?destination=any")
    expect(page.locator("main section").first.locator("h2")).to_have_text(
        "Thinking about going abroad"
    )
    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page).to_have_url(live_server.url + "/articles/?destination=any")
    page.get_by_label("Nước bạn sắp đến hoặc đang sống").select_option("GB")
    page.get_by_role("button", name="Xem hướng dẫn").click()
    expect(page.locator("main section").first.locator("h2")).to_have_text(
        "Hướng dẫn theo nước: Vương quốc Anh"
    )
    assert page.context.cookies() == []


def test_site_search_without_javascript_puts_the_answer_first(no_js_page: Page, live_server):
    call_command("load_articles", stdout=StringIO())
    call_command("load_directory_demo", stdout=StringIO())
    page = no_js_page
    page.goto(live_server.url + "/search")
    page.get_by_label("Bạn đang tìm gì?").fill("lua daoo viec lam")
    page.locator("main form[role=search] button").click()
    results = page.locator("ol.search-results > li")
    expect(results.first).to_contain_text("Lừa đảo việc làm trên Facebook, Zalo, TikTok")
    shown = results.count()
    expect(page.get_by_role("status")).to_have_text(f"{shown} kết quả")
    results.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Lừa đảo việc làm trên Facebook, Zalo, TikTok")
    assert page.context.cookies() == []


SEARCH_ENGINE = "https://search.example/"
SEARCH_ENGINE_PAGE = (
    '<!doctype html><html lang="vi"><head><title>Tìm kiếm</title></head>'
    "<body><main><h1>Kết quả tìm kiếm</h1></main></body></html>"
)


def _arrive_from_a_search_engine(page: Page, address: str) -> None:
    """The tab showed a search engine (a local stand-in) before the visitor opened the site."""
    page.context.route(SEARCH_ENGINE, _serving(SEARCH_ENGINE_PAGE))
    page.goto(SEARCH_ENGINE)
    page.goto(address)


def test_quick_exit_with_javascript_leaves_no_way_back(page: Page, live_server, providers, axe):
    """Three pages reached inside the site, then quick exit: "back" finds none of them."""
    _stub_neutral_site(page)
    _arrive_from_a_search_engine(page, live_server.url + "/")
    page.locator("main").get_by_role("link", name=re.compile("Tìm nơi giúp đỡ gần bạn")).click()
    expect(page).to_have_url(live_server.url + "/help/")
    axe.ensure_checked(page)
    page.get_by_label("Bạn cần gì, hoặc tên nơi hỗ trợ").fill("tong dai")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url + "/help/?q=tong+dai&")))
    axe.ensure_checked(page)
    page.get_by_role("link", name="Tổng đài quốc gia 111").click()
    expect(page.locator("h1")).to_have_text("Tổng đài quốc gia 111")
    axe.ensure_checked(page)

    page.get_by_role("link", name=re.compile("Thoát nhanh")).click()
    expect(page).to_have_url(settings.QUICK_EXIT_URL)
    page.go_back()
    # Back returns to where the tab was before the site, not to any page of it.
    expect(page).to_have_url(SEARCH_ENGINE)
    page.go_forward()
    expect(page).to_have_url(settings.QUICK_EXIT_URL)


def test_the_self_check_result_takes_the_place_of_the_questions(page: Page, live_server, axe):
    """With JavaScript the answers are sent in the background: no entry of the history holds the
    questions with the answers ticked, and quick exit from the result leaves no way back."""
    _stub_neutral_site(page)
    _arrive_from_a_search_engine(page, live_server.url + "/")
    page.locator("main").get_by_role("link", name=re.compile("Lời mời làm việc này")).click()
    expect(page.locator("h1")).to_have_text("Việc làm này có an toàn không?")
    axe.ensure_checked(page)
    entries = page.evaluate("history.length")
    page.locator("input[name=fee][value=yes]").check()
    page.locator("input[name=passport][value=yes]").check()
    page.get_by_role("button", name="Xem kết quả").click()
    expect(page.locator("h2#risk-level")).to_contain_text("Nguy cơ cao")
    expect(page).to_have_title(re.compile("Kết quả"))
    expect(page.locator("main")).to_be_focused()
    assert page.evaluate("history.length") == entries
    axe.check(page)  # the same document, now showing the result

    page.get_by_role("link", name=re.compile("Thoát nhanh")).click()
    expect(page).to_have_url(settings.QUICK_EXIT_URL)
    page.go_back()
    expect(page).to_have_url(SEARCH_ENGINE)
    page.go_forward()
    expect(page).to_have_url(settings.QUICK_EXIT_URL)


def test_escape_twice_leaves_too(page: Page, live_server):
    _stub_neutral_site(page)
    page.goto(live_server.url + "/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(page).to_have_url(settings.QUICK_EXIT_URL)


def test_quick_exit_without_javascript_still_leaves(no_js_page: Page, live_server):
    _stub_neutral_site(no_js_page)
    no_js_page.goto(live_server.url + "/en/self-check/")
    no_js_page.get_by_role("link", name=re.compile("Quick exit")).click()
    expect(no_js_page).to_have_url(settings.QUICK_EXIT_URL)
