from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.test import Client
from django.urls import reverse

from donghanh.accounts.events import AccountEvent
from donghanh.accounts.models import SignInThrottle, UserSession
from donghanh.accounts.tests.conftest import LOGIN_URL, audit_actions, sign_in
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db


def test_login_page_has_the_contract_fields():
    response = Client().get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'type="submit"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_successful_login_tracks_the_session_and_audits(donor_viewer):
    client = Client()
    response = sign_in(
        client,
        donor_viewer.username,
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/130.0",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    session_key = client.session.session_key
    tracked = UserSession.objects.get(session_key=session_key)
    assert tracked.user == donor_viewer
    assert tracked.ip_address == "127.0.0.1"
    assert "Android" in tracked.user_agent
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == donor_viewer
    assert entry.actor_username == donor_viewer.username
    assert entry.ip_address == "127.0.0.1"


def test_login_sets_the_language_cookie_from_the_users_preference(donor_viewer):
    donor_viewer.preferred_language = "en"
    donor_viewer.save()
    response = sign_in(Client(), donor_viewer.username)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(donor_viewer):
    response = Client().post(
        f"{LOGIN_URL}?next=/app/account/",
        {"username": donor_viewer.username, "password": "correct-horse-battery-staple"},
    )
    assert response["Location"] == "/app/account/"
    response = Client().post(
        f"{LOGIN_URL}?next=https://evil.example/",
        {"username": donor_viewer.username, "password": "correct-horse-battery-staple"},
    )
    assert response["Location"] == reverse("workspace:home")


def test_wrong_password_is_refused_in_vietnamese_and_audited_without_the_password(donor_viewer):
    client = Client()
    response = sign_in(client, donor_viewer.username, password="wrong-password-123")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert entry.actor is None
    assert entry.actor_username == donor_viewer.username
    assert entry.ip_address == "127.0.0.1"
    assert "wrong-password-123" not in str(AuditEntry.objects.values_list())


def test_unknown_username_is_audited_with_the_attempted_name():
    sign_in(Client(), "no-such-person", password="whatever-123")
    assert (
        AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).actor_username == "no-such-person"
    )


def test_empty_form_shows_errors_but_is_not_an_attempt():
    response = Client().post(LOGIN_URL, {"username": "", "password": ""})
    assert response.status_code == 200
    assert not AuditEntry.objects.exists()


def test_lockout_after_the_failure_limit(donor_viewer):
    client = Client()
    limit = settings.LOGIN_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, donor_viewer.username, password="wrong-password").status_code == 200
    response = sign_in(client, donor_viewer.username, password="wrong-password")
    assert response.status_code == 429
    html = response.content.decode()
    assert f"{settings.LOGIN_COOLOFF_MINUTES} phút" in html
    assert audit_actions() == [AuditAction.LOGIN_FAILED] * limit + [AuditAction.LOCKED_OUT]
    assert (
        AuditEntry.objects.get(action=AuditAction.LOCKED_OUT).actor_username
        == donor_viewer.username
    )


def test_correct_password_during_lockout_is_still_refused(donor_viewer):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, donor_viewer.username, password="wrong-password")
    response = sign_in(client, donor_viewer.username)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.exists()
    refused = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).latest("id")
    assert refused.event == AccountEvent.REFUSED_DURING_LOCKOUT.code
    assert refused.summary == "Sign-in refused during lockout"
    assert AuditAction.LOGIN not in audit_actions()


def test_lockout_is_per_username_so_colleagues_on_the_same_network_can_sign_in(
    donor_viewer, case_worker
):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, donor_viewer.username, password="wrong-password")
    assert sign_in(Client(), case_worker.username).status_code == 302


def test_logout_needs_post(donor_viewer):
    client = signed_in_client(donor_viewer)
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_logout_audits_and_forgets_the_session(donor_viewer):
    client = Client()
    sign_in(client, donor_viewer.username)
    assert UserSession.objects.count() == 1
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not UserSession.objects.exists()
    assert audit_actions() == [AuditAction.LOGIN, AuditAction.LOGOUT]
    assert client.get(reverse("workspace:home")).status_code == 302


def test_signed_in_user_sent_to_login_sees_who_they_are(donor_viewer):
    client = signed_in_client(donor_viewer)
    response = client.get(LOGIN_URL + "?next=/admin/")
    assert response.status_code == 200
    assert donor_viewer.username in response.content.decode()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("a" * 256, "Tên đăng nhập có tối đa 150 ký tự."),
        ("a" * 151, "Tên đăng nhập có tối đa 150 ký tự."),
        ("lan\x00pham", "Không được dùng ký tự NUL."),
    ],
)
def test_a_username_no_person_types_is_refused_before_any_attempt(donor_viewer, username, message):
    response = sign_in(Client(), username, password="whatever-123")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuditEntry.objects.exists()
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not SignInThrottle.objects.exists()


def test_a_password_with_a_nul_character_is_not_an_attempt_either(donor_viewer):
    response = sign_in(Client(), donor_viewer.username, password="pass\x00word")
    assert response.status_code == 400
    assert "Không được dùng ký tự NUL." in response.content.decode()
    assert not AuditEntry.objects.exists()
