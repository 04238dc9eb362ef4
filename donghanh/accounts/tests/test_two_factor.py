from __future__ import annotations

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.events import AccountEvent
from donghanh.accounts.models import UserSession
from donghanh.accounts.services import RECOVERY_CODE_COUNT, two_factor_enrol
from donghanh.accounts.sessions import PENDING_TOTP_SESSION_KEY
from donghanh.accounts.tests.conftest import audit_actions, sign_in, totp_code
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import TEST_PASSWORD, confirmed_totp_device

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
HOME = reverse("workspace:home")


def _pending(client, user):
    """The authenticator the set-up page shows to this browser (its key waits in the session)."""
    key = client.session[PENDING_TOTP_SESSION_KEY]["key"]
    return TOTPDevice(user=user, key=key)


def _wrong_code(device):
    return "123456" if totp_code(device) != "123456" else "654321"


def _unthrottle(device):
    device.throttling_failure_timestamp = timezone.now() - timedelta(hours=1)
    device.save()


def test_setup_page_shows_a_qr_code_and_the_key(case_worker):
    client = signed_in_client(case_worker, verified=False)
    response = client.get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="qr"><svg role="img"' in html
    assert "<title>" in html
    assert "<script" not in html
    assert 'style="' not in html
    device = _pending(client, case_worker)
    assert device.config_url.replace("&", "&amp;") in html
    assert re.search(
        r'<code class="secret" id="setup-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>', html
    )
    assert "Google Authenticator" in html
    assert "Microsoft Authenticator" in html
    assert 'name="otp_token"' in html
    assert 'name="password"' not in html  # a first setup needs no password
    # Reloading shows the same key, so an app that already scanned it keeps working,
    assert _grouped_key(device) in client.get(SETUP).content.decode()
    # and opening the page stores no authenticator: only a confirmed code does.
    assert not TOTPDevice.objects.exists()
    assert response["Cache-Control"].startswith("max-age=0")


def _grouped_key(device):
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def test_opening_the_setup_page_writes_nothing(case_worker):
    client = signed_in_client(case_worker, verified=False)
    entries = AuditEntry.objects.count()
    for _ in range(3):
        assert client.get(SETUP).status_code == 200
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert AuditEntry.objects.count() == entries
    # Another browser of the same person is shown a key of its own.
    other = signed_in_client(case_worker, verified=False)
    other.get(SETUP)
    assert _pending(other, case_worker).key != _pending(client, case_worker).key


def test_confirming_setup_turns_on_2fa_and_shows_recovery_codes_once(case_worker):
    client = signed_in_client(case_worker, verified=False)
    client.get(SETUP)
    key = _pending(client, case_worker).key
    response = client.post(
        f"{SETUP}?next=/app/account/", {"otp_token": totp_code(_pending(client, case_worker))}
    )
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=case_worker)
    assert device.confirmed and device.key == key
    assert PENDING_TOTP_SESSION_KEY not in client.session
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    codes = list(
        StaticToken.objects.filter(device__user=case_worker).values_list("token", flat=True)
    )
    assert len(codes) == RECOVERY_CODE_COUNT
    html = response.content.decode()
    assert all(code in html for code in codes)
    assert 'href="/app/account/"' in html
    assert client.get(HOME).status_code == 200
    assert audit_actions() == [AuditAction.TWO_FACTOR_ENROLLED]
    # The codes are not shown again anywhere.
    assert not any(
        code in client.get(reverse("accounts:security")).content.decode() for code in codes
    )


def test_setup_refuses_a_wrong_code(case_worker):
    client = signed_in_client(case_worker, verified=False)
    client.get(SETUP)
    response = client.post(SETUP, {"otp_token": _wrong_code(_pending(client, case_worker))})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get(HOME)["Location"].startswith(SETUP)


def test_replacing_the_authenticator_needs_verification_first(case_worker):
    confirmed_totp_device(case_worker)
    client = signed_in_client(case_worker, verified=False)
    assert client.get(SETUP)["Location"].startswith(VERIFY)


def test_replacing_the_authenticator_needs_the_password(case_worker):
    old = confirmed_totp_device(case_worker)
    client = signed_in_client(case_worker)
    response = client.get(SETUP)
    assert 'name="password"' in response.content.decode()
    new = _pending(client, case_worker)
    response = client.post(SETUP, {"password": "not-my-password", "otp_token": totp_code(new)})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    response = client.post(SETUP, {"password": TEST_PASSWORD, "otp_token": totp_code(new)})
    assert response.status_code == 200
    saved = TOTPDevice.objects.get(user=case_worker)
    assert (saved.key, saved.confirmed) == (new.key, True)
    assert saved.pk != old.pk
    assert client.session[DEVICE_ID_SESSION_KEY] == saved.persistent_id
    entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_ENROLLED)
    assert entry.event == AccountEvent.TWO_FACTOR_REPLACED.code


def test_replacing_the_authenticator_unverifies_other_sessions(case_worker):
    confirmed_totp_device(case_worker)
    other = signed_in_client(case_worker)
    client = signed_in_client(case_worker)
    client.get(SETUP)
    client.post(
        SETUP, {"password": TEST_PASSWORD, "otp_token": totp_code(_pending(client, case_worker))}
    )
    assert other.get(HOME)["Location"].startswith(VERIFY)
    assert client.get(HOME).status_code == 200


def test_verify_page_has_the_contract_field(case_worker):
    confirmed_totp_device(case_worker)
    response = signed_in_client(case_worker, verified=False).get(VERIFY)
    assert response.status_code == 200
    assert 'name="otp_token"' in response.content.decode()


def test_verify_with_a_real_totp_code(case_worker):
    device = confirmed_totp_device(case_worker)
    client = signed_in_client(case_worker, verified=False)
    response = client.post(f"{VERIFY}?next=/app/account/", {"otp_token": totp_code(device)})
    assert response["Location"] == "/app/account/"
    assert client.get(HOME).status_code == 200


def test_the_same_totp_code_cannot_be_used_twice(case_worker):
    device = confirmed_totp_device(case_worker)
    code = totp_code(device)
    first = signed_in_client(case_worker, verified=False)
    assert first.post(VERIFY, {"otp_token": code}).status_code == 302
    second = signed_in_client(case_worker, verified=False)
    assert second.post(VERIFY, {"otp_token": code}).status_code == 200
    assert second.get(HOME)["Location"].startswith(VERIFY)


def test_wrong_code_is_refused_audited_and_throttled(case_worker):
    device = confirmed_totp_device(case_worker)
    client = signed_in_client(case_worker, verified=False)
    wrong = _wrong_code(device)
    response = client.post(VERIFY, {"otp_token": wrong})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    assert audit_actions() == [AuditAction.TWO_FACTOR_FAILED]
    entry = AuditEntry.objects.get()
    assert entry.actor == case_worker
    assert wrong not in str(AuditEntry.objects.values_list())
    # django-otp's throttle: straight after a wrong code even the right one waits.
    response = client.post(VERIFY, {"otp_token": totp_code(device)})
    assert response.status_code == 200
    assert client.get(HOME)["Location"].startswith(VERIFY)
    device.refresh_from_db()
    _unthrottle(device)
    StaticDevice.objects.filter(user=case_worker).update(throttling_failure_timestamp=None)
    assert client.post(VERIFY, {"otp_token": totp_code(device)}).status_code == 302


def test_recovery_code_works_once(case_worker):
    device = TOTPDevice.objects.create(user=case_worker, name="authenticator", confirmed=False)
    codes = two_factor_enrol(actor=Actor.for_user(case_worker), device=device)
    first = signed_in_client(case_worker, verified=False)
    response = first.post(
        VERIFY, {"otp_token": f" {codes[0][:4].upper()} {codes[0][4:]} "}, follow=True
    )
    assert response.redirect_chain[-1][0] == HOME
    assert "Số mã khôi phục còn lại: 9." in response.content.decode()
    assert StaticToken.objects.filter(device__user=case_worker).count() == RECOVERY_CODE_COUNT - 1
    second = signed_in_client(case_worker, verified=False)
    assert second.post(VERIFY, {"otp_token": codes[0]}).status_code == 200
    assert second.get(HOME)["Location"].startswith(VERIFY)


def test_verify_without_an_authenticator_goes_to_setup(case_worker):
    client = signed_in_client(case_worker, verified=False)
    assert client.get(VERIFY)["Location"] == SETUP


def test_verified_user_on_the_verify_page_moves_on(case_worker):
    assert signed_in_client(case_worker).get(VERIFY)["Location"] == HOME


def test_anonymous_visitors_are_sent_to_login():
    for url in (SETUP, VERIFY):
        assert Client().get(url)["Location"].startswith(reverse("accounts:login"))


# Every step up of a session's authentication gets a new session key.


def _signed_in_with_the_password(user):
    client = Client()
    assert sign_in(client, user.username).status_code == 302
    return client


def _with_the_cookie_of(client):
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return copy


def _pass_with_the_authenticator(client, user):
    device = confirmed_totp_device(user)
    return client.post(VERIFY, {"otp_token": totp_code(device)})


def _pass_with_a_recovery_code(client, user):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    codes = two_factor_enrol(actor=Actor.for_user(user), device=device)
    return client.post(VERIFY, {"otp_token": codes[0]})


def _pass_by_setting_up_an_authenticator(client, user):
    client.get(SETUP)
    return client.post(SETUP, {"otp_token": totp_code(_pending(client, user))})


@pytest.mark.parametrize(
    "step_up",
    [
        _pass_with_the_authenticator,
        _pass_with_a_recovery_code,
        _pass_by_setting_up_an_authenticator,
    ],
)
def test_a_cookie_copied_before_the_second_factor_stays_unverified(case_worker, step_up):
    client = _signed_in_with_the_password(case_worker)
    copied = _with_the_cookie_of(client)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert step_up(client, case_worker).status_code in (200, 302)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(reverse("accounts:security")).status_code == 200
    # The copy names a session that no longer exists: it is sent to sign in, not to the code.
    response = copied.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    # The session list follows the new key, so the owner still sees (and can end) it.
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [after]


def test_the_code_that_confirmed_the_setup_cannot_be_used_again(case_worker):
    client = signed_in_client(case_worker, verified=False)
    client.get(SETUP)
    code = totp_code(_pending(client, case_worker))
    assert client.post(SETUP, {"otp_token": code}).status_code == 200
    other = signed_in_client(case_worker, verified=False)
    assert other.post(VERIFY, {"otp_token": code}).status_code == 200  # refused, not redirected
    assert other.get(HOME)["Location"].startswith(VERIFY)
