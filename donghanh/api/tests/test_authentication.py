"""Bearer tokens: 401 with a Bearer challenge for every way a call can lack valid credentials."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.api.models import ApiToken, token_hash
from donghanh.api.services import api_token_revoke
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.core.actor import Actor
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client

LIST = reverse("api:person_list")


def _stored(secret):
    return ApiToken.objects.get(key_hash=token_hash(secret))


def _assert_refused(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "results" not in response.json()


@pytest.fixture
def case_worker(staff):
    return staff.users[Role.CASE_WORKER]


def test_a_valid_token_gets_in(case_worker):
    response = api_client(issue_token(case_worker)).get(LIST)
    assert response.status_code == 200


def test_without_credentials(db):
    _assert_refused(api_client().get(LIST))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer dh_not-a-token-we-issued-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "Bearer something-else",
        "Bearer",
        "Bearer two parts",
        "Basic dXNlcjpwYXNz",
        "Token dh_abc",
    ],
)
def test_bad_credentials(case_worker, header):
    issue_token(case_worker)
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=header)
    _assert_refused(client.get(LIST))


def test_a_token_with_one_character_changed(case_worker):
    secret = issue_token(case_worker)
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    _assert_refused(api_client(tampered).get(LIST))


def test_a_revoked_token(case_worker):
    secret = issue_token(case_worker)
    assert api_client(secret).get(LIST).status_code == 200
    api_token_revoke(actor=Actor.system("test"), token=_stored(secret))
    response = api_client(secret).get(LIST)
    _assert_refused(response)
    assert response.json()["detail"] == "This token was revoked."


def test_an_expired_token(case_worker):
    secret = issue_token(case_worker)
    ApiToken.objects.filter(key_hash=token_hash(secret)).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = api_client(secret).get(LIST)
    _assert_refused(response)
    assert response.json()["detail"] == "This token has expired."


def test_a_disabled_account(case_worker):
    secret = issue_token(case_worker)
    case_worker.is_active = False
    case_worker.save(update_fields=["is_active"])
    _assert_refused(api_client(secret).get(LIST))


def test_a_member_no_longer(case_worker):
    secret = issue_token(case_worker)
    Membership.objects.filter(user=case_worker).update(is_active=False)
    _assert_refused(api_client(secret).get(LIST))


def test_a_password_reset_by_an_administrator_suspends_tokens(case_worker):
    secret = issue_token(case_worker)
    case_worker.must_change_password = True
    case_worker.save(update_fields=["must_change_password"])
    _assert_refused(api_client(secret).get(LIST))


def test_a_two_factor_reset_suspends_the_tokens_of_every_role(staff):
    case_worker = staff.users[Role.CASE_WORKER]
    donor = staff.users[Role.DONOR_VIEWER]
    case_worker_secret, donor_secret = issue_token(case_worker), issue_token(donor)
    TOTPDevice.objects.filter(user__in=[case_worker, donor]).delete()
    _assert_refused(api_client(case_worker_secret).get(LIST))
    _assert_refused(api_client(donor_secret).get(LIST))


def test_a_browser_session_is_not_accepted(case_worker):
    """Only tokens: a session (even past 2FA) never authenticates an API call."""
    client = signed_in_client(case_worker)
    _assert_refused(client.get(LIST))


def test_last_use_is_recorded(case_worker):
    secret = issue_token(case_worker)
    assert _stored(secret).last_used_at is None
    api_client(secret).get(LIST)
    assert _stored(secret).last_used_at is not None


def test_the_schema_needs_no_token(db):
    assert api_client().get(reverse("api:openapi")).status_code == 200


def test_refusals_speak_vietnamese_by_default(case_worker):
    secret = issue_token(case_worker)
    api_token_revoke(actor=Actor.system("test"), token=_stored(secret))
    client = api_client(secret)
    client.defaults.pop("HTTP_ACCEPT_LANGUAGE")
    assert client.get(LIST).json()["detail"] == "Mã truy cập này đã bị thu hồi."
