"""Signing in as each role, with two-factor authentication, in a real browser."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django.utils import translation
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.factories import TEST_PASSWORD, confirmed_totp_device
from tests.browser.signing_in import sign_in_verified

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def current_code(key: bytes) -> str:
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


def sign_in(page: Page, base_url: str, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto(base_url + "/app/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)


def pass_second_factor(page: Page, key: bytes) -> None:
    expect(page).to_have_url(re.compile(r"/app/account/two-factor/verify/"))
    page.fill("input[name=otp_token]", current_code(key))
    submit(page)


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_signs_in_and_sees_its_home(page, live_server, role):
    membership = MembershipFactory(role=role)
    user = membership.user
    key = confirmed_totp_device(user).bin_key

    sign_in(page, live_server.url, user.username)
    pass_second_factor(page, key)  # every role signs in with a second factor

    expect(page).to_have_url(re.compile(r"/app/$"))
    expect(page.locator("h1")).to_contain_text(user.full_name)
    with translation.override("vi"):
        role_label = str(Role(role).label)
    expect(page.locator("main")).to_contain_text(role_label)
    expect(page.locator("main")).to_contain_text(membership.organisation.name)


def test_wrong_password_is_refused_in_vietnamese(page, live_server):
    user = MembershipFactory(role=Role.CASE_WORKER).user
    sign_in(page, live_server.url, user.username, password="not-the-password")
    expect(page).to_have_url(re.compile(r"/app/login/"))
    expect(page.locator("main")).to_contain_text("mật khẩu")


def test_first_sign_in_of_a_case_worker_enrols_two_factor_with_a_qr_code(page, live_server):
    user = MembershipFactory(role=Role.CASE_WORKER).user

    sign_in(page, live_server.url, user.username)
    expect(page).to_have_url(re.compile(r"/app/account/two-factor/setup/"))
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    assert not user.totpdevice_set.exists()  # saved only once a code confirms it

    page.fill("input[name=otp_token]", current_code(key))
    submit(page)
    # Recovery codes are shown once, then the user reaches the workspace.
    expect(page.locator("main")).to_contain_text(re.compile(r"[a-z0-9]{8}", re.I))
    page.goto(live_server.url + "/app/")
    expect(page.locator("h1")).to_contain_text(user.full_name)
    assert user.totpdevice_set.get().confirmed


def test_outsider_cannot_open_another_organisations_pages(page, live_server):
    own = MembershipFactory(role=Role.ORG_ADMIN)
    other = OrganisationFactory()
    key = confirmed_totp_device(own.user).bin_key
    sign_in(page, live_server.url, own.user.username)
    pass_second_factor(page, key)

    for path in ("", "members/", "audit/"):
        response = page.goto(f"{live_server.url}/app/o/{other.slug}/{path}")
        assert response is not None and response.status == 404
        expect(page.locator("h1")).to_have_text("Không tìm thấy trang")

    response = page.goto(f"{live_server.url}/app/o/{own.organisation.slug}/members/")
    assert response is not None and response.status == 200


def test_colleague_without_the_role_is_refused(page, live_server):
    membership = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    key = confirmed_totp_device(membership.user).bin_key
    sign_in(page, live_server.url, membership.user.username)
    pass_second_factor(page, key)
    response = page.goto(f"{live_server.url}/app/o/{membership.organisation.slug}/members/")
    assert response is not None and response.status == 403


def test_language_choice_is_remembered_for_the_signed_in_user(browser, live_server, axe):
    membership = MembershipFactory(role=Role.DONOR_VIEWER)
    for attempt in range(2):
        context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 780})
        page = context.new_page()
        page.on("load", axe.on_load)
        sign_in_verified(page, live_server.url, membership.user)
        if attempt == 0:
            expect(page.locator("html")).to_have_attribute("lang", "vi")
            page.get_by_role("button", name="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        else:
            # A new browser with no cookies: the preference comes from the account.
            expect(page.locator("html")).to_have_attribute("lang", "en")
        context.close()
