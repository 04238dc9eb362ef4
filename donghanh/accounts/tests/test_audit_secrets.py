"""No password, one-time code or session key ever reaches the audit log."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.sessions import PENDING_TOTP_SESSION_KEY
from donghanh.accounts.tests.conftest import sign_in, totp_code
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "sông-hồng-chảy-mãi-2026"
WRONG_PASSWORD = "Sai-mat-khau-99"


def test_a_full_account_life_leaves_no_secret_in_the_audit_log(case_worker):
    secrets: list[str | None] = [TEST_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD]
    client = Client()
    sign_in(client, case_worker.username, WRONG_PASSWORD)
    sign_in(client, case_worker.username)
    secrets.append(client.session.session_key)
    # First sign-in of a case worker: set up the authenticator.
    setup = reverse("accounts:two_factor_setup")
    client.get(setup)
    device = TOTPDevice(user=case_worker, key=client.session[PENDING_TOTP_SESSION_KEY]["key"])
    secrets += [device.key, totp_code(device)]
    client.post(setup, {"otp_token": totp_code(device)})
    secrets.append(client.session.session_key)  # a new one, past the second factor
    codes = list(StaticToken.objects.values_list("token", flat=True))
    secrets += codes
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    secrets.append(client.session.session_key)
    client.post(reverse("accounts:logout"))
    # Sign in again: a wrong code, then a recovery code.
    sign_in(client, case_worker.username, NEW_PASSWORD)
    verify = reverse("accounts:two_factor_verify")
    client.post(verify, {"otp_token": "999999" if totp_code(device) != "999999" else "888888"})
    StaticDevice.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)
    assert client.post(verify, {"otp_token": codes[0]}).status_code == 302
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(Client(), case_worker.username, WRONG_PASSWORD)
    sign_in(Client(), case_worker.username, NEW_PASSWORD)
    # Guesses from many addresses slow the account down.
    for number in range(settings.ACCOUNT_FAILURE_LIMIT):
        sign_in(Client(), case_worker.username, WRONG_PASSWORD, REMOTE_ADDR=f"203.0.113.{number}")

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        AuditAction.LOGIN,
        AuditAction.LOGIN_FAILED,
        AuditAction.LOCKED_OUT,
        AuditAction.SIGN_IN_SLOWED,
        AuditAction.TWO_FACTOR_ENROLLED,
        AuditAction.TWO_FACTOR_FAILED,
        AuditAction.PASSWORD_CHANGED,
        AuditAction.LOGOUT,
    } <= actions
    everything = " ".join(str(row) for row in AuditEntry.objects.values_list())
    leaked = [secret for secret in secrets if secret and secret in everything]
    assert not leaked
