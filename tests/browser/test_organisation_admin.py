"""An organisation administrator brings a new colleague in, end to end, in a real browser."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.factories import TEST_PASSWORD, confirmed_totp_device
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def code(key: bytes) -> str:
    return f"{totp(key, step=30, t0=0, digits=6):06d}"


def submit(page: Page, name: str | None = None) -> None:
    if name is None:
        page.locator("main form button[type=submit]").first.click()
    else:
        page.get_by_role("button", name=name).click()


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/app/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)


def test_admin_adds_a_case_worker_who_then_sets_up_their_account(
    browser: Browser, live_server, axe
):
    admin = MembershipFactory(role=Role.ORG_ADMIN)
    org = admin.organisation
    admin_key = confirmed_totp_device(admin.user).bin_key

    admin_context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 800})
    page = admin_context.new_page()
    page.on("load", axe.on_load)
    sign_in(page, live_server.url, admin.user.username, TEST_PASSWORD)
    page.fill("input[name=otp_token]", code(admin_key))
    submit(page)

    page.goto(f"{live_server.url}/app/o/{org.slug}/members/")
    page.get_by_role("link", name="Thêm thành viên").click()
    page.fill("#id_new-full_name", "Lê Thị Hồng Nhung")
    page.fill("#id_new-username", "nhung.le")
    page.select_option("#id_new-role", Role.CASE_WORKER.value)
    page.locator("button[name=mode][value=new]").click()
    temporary_password = page.locator("code.secret").inner_text().strip()
    assert len(temporary_password) >= 10
    axe.check(page)

    # The new colleague signs in with the temporary password, must replace it, then set up 2FA.
    colleague_context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 800})
    colleague = colleague_context.new_page()
    colleague.on("load", axe.on_load)
    # The account is named within the organisation: what was typed, "@", the organisation.
    expect(page.locator("main")).to_contain_text(f"nhung.le@{org.slug}")
    sign_in(colleague, live_server.url, f"nhung.le@{org.slug}", temporary_password)
    expect(colleague).to_have_url(re.compile(r"/app/account/password/"))
    colleague.fill("input[name=old_password]", temporary_password)
    colleague.fill("input[name=new_password1]", "Một-mật-khẩu-dài-2026")
    colleague.fill("input[name=new_password2]", "Một-mật-khẩu-dài-2026")
    submit(colleague)
    expect(colleague).to_have_url(re.compile(r"/app/account/two-factor/setup/"))
    secret = colleague.locator("code.secret").inner_text()
    padded = secret.replace(" ", "")
    key = base64.b32decode(padded + "=" * (-len(padded) % 8))
    colleague.fill("input[name=otp_token]", code(key))
    submit(colleague)
    colleague.goto(live_server.url + "/app/")
    expect(colleague.locator("h1")).to_contain_text("Lê Thị Hồng Nhung")
    expect(colleague.locator("main")).to_contain_text(org.name)
    colleague.goto(live_server.url + "/app/account/")
    expect(colleague.locator("main")).to_contain_text("127.0.0.1")
    colleague_context.close()

    # The administrator sees all of it in the organisation's audit log.
    page.goto(f"{live_server.url}/app/o/{org.slug}/audit/")
    expect(page.locator("main table")).to_contain_text("nhung.le")
    page.select_option("select[name=action]", AuditAction.PASSWORD_CHANGED.value)
    submit(page)
    expect(page.locator("main tbody tr")).to_have_count(1)
    admin_context.close()

    assert AuditEntry.objects.filter(
        action=AuditAction.TWO_FACTOR_ENROLLED, actor_username="nhung.le"
    ).exists()


def test_admin_invites_someone_of_another_organisation_who_accepts(
    browser: Browser, live_server, axe
):
    admin = MembershipFactory(role=Role.ORG_ADMIN)
    org = admin.organisation
    elsewhere = MembershipFactory(role=Role.CASE_WORKER)

    admin_context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 800})
    page = admin_context.new_page()
    page.on("load", axe.on_load)
    sign_in_verified(page, live_server.url, admin.user)
    page.goto(f"{live_server.url}/app/o/{org.slug}/members/add/")
    page.fill("#id_existing-username", elsewhere.user.username)
    page.select_option("#id_existing-role", Role.SUPERVISOR.value)
    page.locator("button[name=mode][value=existing]").click()
    expect(page.locator("main")).to_contain_text("Nếu có tài khoản đang hoạt động")
    expect(page.locator("main table").last).to_contain_text(elsewhere.user.username)
    axe.check(page)
    admin_context.close()

    invited_context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 800})
    invited = invited_context.new_page()
    invited.on("load", axe.on_load)
    sign_in_verified(invited, live_server.url, elsewhere.user)
    invited.goto(live_server.url + "/app/")
    expect(invited.locator("#invitations")).to_contain_text("Lời mời tham gia tổ chức")
    axe.check(invited)
    invited.get_by_role("button", name="Nhận lời").click()
    expect(invited).to_have_url(re.compile(rf"/app/o/{org.slug}/$"))
    invited_context.close()

    assert org.memberships.get(user=elsewhere.user).role == Role.SUPERVISOR


def test_places_lookup_reads_an_old_address(page: Page, live_server):
    member = MembershipFactory(role=Role.DONOR_VIEWER)
    sign_in_verified(page, live_server.url, member.user)
    page.goto(live_server.url + "/app/places/")
    page.fill("input[name=q]", "Quang Binh")
    submit(page)
    expect(page.locator("main")).to_contain_text("Quảng Trị")
