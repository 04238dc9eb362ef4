from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from donghanh.accounts.models import UserSession
from donghanh.accounts.tests.conftest import sign_in
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import TEST_PASSWORD, confirmed_totp_device

pytestmark = pytest.mark.django_db

SECURITY = reverse("accounts:security")
PASSWORD = reverse("accounts:password_change")
HOME = reverse("workspace:home")
NEW_PASSWORD = "mây-trắng-bay-qua-đồi-2026"


def test_profile_update_saves_name_and_language(donor_viewer):
    client = signed_in_client(donor_viewer)
    response = client.post(SECURITY, {"full_name": "Lê Văn Hùng", "preferred_language": "en"})
    assert response["Location"] == SECURITY
    donor_viewer.refresh_from_db()
    assert donor_viewer.full_name == "Lê Văn Hùng"
    assert donor_viewer.preferred_language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.changed_fields == ["full_name", "preferred_language"]
    assert "Lê Văn Hùng" not in entry.summary


def test_profile_name_is_stripped_of_overrides_and_control_characters(donor_viewer):
    client = signed_in_client(donor_viewer)
    response = client.post(
        SECURITY, {"full_name": "\u202eLê\u200b Văn\u2066 Hùng\u0007", "preferred_language": "vi"}
    )
    assert response["Location"] == SECURITY
    donor_viewer.refresh_from_db()
    assert donor_viewer.full_name == "Lê Văn Hùng"


def test_profile_refuses_an_unknown_language(donor_viewer):
    response = signed_in_client(donor_viewer).post(
        SECURITY, {"full_name": "x", "preferred_language": "fr"}
    )
    assert response.status_code == 200
    donor_viewer.refresh_from_db()
    assert donor_viewer.preferred_language == "vi"


def test_account_page_shows_two_factor_status(case_worker):
    confirmed_totp_device(case_worker)
    response = signed_in_client(case_worker).get(SECURITY)
    assert response.context["two_factor"].enabled
    assert reverse("accounts:two_factor_setup") in response.content.decode()


def test_password_change_keeps_this_session_and_ends_the_others(case_worker):
    case_worker.must_change_password = True
    case_worker.save()
    me = signed_in_client(case_worker)
    other = signed_in_client(case_worker)
    other.get(reverse("accounts:password_change"))
    response = me.post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == HOME
    case_worker.refresh_from_db()
    assert case_worker.check_password(NEW_PASSWORD)
    assert not case_worker.must_change_password
    assert me.get(HOME).status_code == 200  # still signed in and still past 2FA
    assert UserSession.objects.filter(session_key=me.session.session_key).exists()
    assert other.get(HOME)["Location"].startswith(reverse("accounts:login"))
    assert AuditEntry.objects.filter(
        action=AuditAction.PASSWORD_CHANGED, actor=case_worker
    ).exists()
    assert NEW_PASSWORD not in str(AuditEntry.objects.values_list())


def test_voluntary_password_change_returns_to_the_account_page(donor_viewer):
    response = signed_in_client(donor_viewer).post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == SECURITY


def test_weak_or_wrong_passwords_are_refused_in_vietnamese(donor_viewer):
    client = signed_in_client(donor_viewer)
    response = client.post(
        PASSWORD,
        {"old_password": TEST_PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn" in html
    assert "hoàn toàn là số" in html
    response = client.post(
        PASSWORD,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "Mật khẩu hiện tại không đúng" in response.content.decode()
    donor_viewer.refresh_from_db()
    assert donor_viewer.check_password(TEST_PASSWORD)


def test_new_password_works_for_the_next_sign_in(donor_viewer):
    signed_in_client(donor_viewer).post(
        PASSWORD,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert sign_in(Client(), donor_viewer.username, NEW_PASSWORD).status_code == 302
    assert sign_in(Client(), donor_viewer.username, TEST_PASSWORD).status_code == 200


def test_language_switch_remembers_the_language_on_the_user_and_the_browser(donor_viewer):
    response = signed_in_client(donor_viewer).post(
        reverse("set_language"), {"language": "en", "next": SECURITY}
    )
    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    donor_viewer.refresh_from_db()
    assert donor_viewer.preferred_language == "en"


def test_language_switch_before_sign_in_sets_the_cookie_only_and_stays_on_the_site():
    response = Client().post(
        reverse("set_language"), {"language": "en", "next": "https://example.org/"}
    )
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert reverse("set_language") == "/i18n/language/"
