"""An editor drafts an article, a second editor publishes it, and a visitor reads and finds it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from donghanh.organisations.roles import Role
from donghanh.testing import factories
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, membership: Any) -> None:
    sign_in_verified(page, base, membership.user)


def sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_an_article_goes_from_draft_to_the_public(
    page: Page, browser: Browser, live_server, axe
) -> None:
    author = MembershipFactory(role=Role.CONTENT_EDITOR)
    reviewer = MembershipFactory(role=Role.CONTENT_EDITOR)
    base = live_server.url

    sign_in(page, base, author)
    page.goto(base + "/app/content/new/")
    page.fill("input[name=slug]", "lua-dao-viec-lam")
    page.select_option("select[name=stage]", "recruiter_contract")
    page.fill("input[name=title]", "Nhận biết lừa đảo việc làm")
    page.fill("textarea[name=summary]", "Dấu hiệu của một lời mời làm việc không an toàn.")
    page.fill("textarea[name=body]", "## Dấu hiệu\n\n- Giữ hộ chiếu của bạn\n\nGọi [111](tel:111).")
    page.fill("input[name=last_checked]", "20/11/2026")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text("Nhận biết lừa đảo việc làm")
    article_url = page.url

    # The English text, written beside the Vietnamese one, with a preview first.
    page.goto(article_url + "en/edit/")
    page.fill("input[name=title]", "Spotting job scams")
    page.fill("textarea[name=body]", "## Danger signs\n\n- They keep your passport\n\nCall 111.")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".preview h2").last).to_have_text("Danger signs")
    page.get_by_role("button", name="Lưu bản nháp").click()
    submit_buttons = page.locator("form[action$='/submit/'] button")
    for remaining in (1, 0):  # both languages, one after the other
        submit_buttons.first.click()
        expect(submit_buttons).to_have_count(remaining)
    # Drafts waiting for review are not public.
    assert page.request.get(base + "/articles/lua-dao-viec-lam/").status == 404
    sign_out(page)

    sign_in(page, base, reviewer)
    for language in ("vi", "en"):
        page.goto(f"{article_url}{language}/review/")
        page.get_by_label("Duyệt và đăng").check()
        page.locator("main form button[type=submit]").last.click()
        expect(page.locator(".messages")).to_contain_text("Đã đăng")
    page.goto(f"{article_url}vi/versions/")
    expect(page.locator("main table")).to_contain_text("Nhận biết lừa đảo việc làm")
    sign_out(page)

    # A visitor with JavaScript turned off reads both languages and searches without accents.
    context = browser.new_context(java_script_enabled=False, bypass_csp=True, locale="vi-VN")
    visitor = context.new_page()
    visitor.on("load", axe.on_load)
    visitor.goto(base + "/articles/")
    visitor.get_by_role("link", name="Nhận biết lừa đảo việc làm").click()
    expect(visitor.locator("h1")).to_have_text("Nhận biết lừa đảo việc làm")
    expect(visitor.locator("main")).to_contain_text("20/11/2026")
    expect(visitor.get_by_role("link", name="Chia sẻ qua Zalo")).to_be_visible()
    visitor.goto(base + "/search?q=lua+dao+viec+lam")
    expect(visitor.locator("main ol")).to_contain_text("Nhận biết lừa đảo việc làm")
    visitor.fill("input[name=q]", "lua dao vieec lam")
    visitor.locator("main form[role=search] button").click()
    expect(visitor.locator("main ol")).to_contain_text("Nhận biết lừa đảo việc làm")
    context.close()

    english = browser.new_context(java_script_enabled=False, bypass_csp=True)
    reader = english.new_page()
    reader.on("load", axe.on_load)
    reader.goto(base + "/en/articles/lua-dao-viec-lam/")
    expect(reader.locator("h1")).to_have_text("Spotting job scams")
    english.close()
