import re

from playwright.sync_api import expect


def test_public_home_is_vietnamese_at_the_root_and_english_under_en(page, live_server, axe):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="Gọi 111").first).to_have_attribute("href", "tel:111")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(live_server.url + "/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The address carries the language: nothing is remembered, no cookie is set.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.context.cookies() == []


def test_workspace_sends_anonymous_visitors_to_sign_in(page, live_server, axe):
    page.goto(live_server.url + "/app/")
    expect(page).to_have_url(re.compile(r"/app/login/\?next=/app/$"))
    expect(page.locator("input[name=username]")).to_be_visible()
