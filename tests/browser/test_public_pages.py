import re

from playwright.sync_api import expect


def test_public_home_is_vietnamese_by_default_and_switches_to_english(page, live_server, axe):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="111").first).to_have_attribute("href", "tel:111")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The choice is remembered on the next visit.
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_workspace_sends_anonymous_visitors_to_sign_in(page, live_server, axe):
    page.goto(live_server.url + "/app/")
    expect(page).to_have_url(re.compile(r"/app/login/\?next=/app/$"))
    expect(page.locator("input[name=username]")).to_be_visible()
