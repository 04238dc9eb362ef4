"""Guessing spread over many addresses slows the account down, never its owner's browsers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.browsers import KNOWN_BROWSER_COOKIE
from donghanh.accounts.models import SecurityNotice, SignInThrottle
from donghanh.accounts.services import sign_in_failure_counted
from donghanh.accounts.tests.conftest import LOGIN_URL, audit_actions, sign_in
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.selectors import audit_entries_for_organisation
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db

HOME = reverse("workspace:home")
SLOWED = "đăng nhập vào tài khoản này từ một trình duyệt chưa từng đăng nhập"


def _guess_from_many_addresses(username, times=None):
    """One wrong password from each of `times` addresses: never enough to lock one address out.

    The guesser waits out each slowdown (the waits are moved into the past).
    """
    for number in range(times or settings.ACCOUNT_FAILURE_LIMIT):
        SignInThrottle.objects.update(slowed_until=timezone.now() - timedelta(seconds=1))
        response = sign_in(
            Client(), username, password="wrong-password", REMOTE_ADDR=f"203.0.113.{number + 1}"
        )
        assert response.status_code == 200


def _from_a_new_address(username, **extra):
    return sign_in(Client(), username, REMOTE_ADDR="198.51.100.7", **extra)


def test_guesses_from_many_addresses_slow_down_the_account(case_worker):
    _guess_from_many_addresses(case_worker.username)
    # Even the right password, from yet another address, is not checked while the account waits.
    client = Client()
    response = sign_in(client, case_worker.username, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert SLOWED in response.content.decode()
    assert "Thử lại sau 1 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditAction.LOGIN not in audit_actions()
    # A refusal while waiting is not another failure: the wait does not grow from it.
    assert SignInThrottle.objects.get().failures == settings.ACCOUNT_FAILURE_LIMIT
    # When the wait is over, the right password works again.
    SignInThrottle.objects.update(slowed_until=timezone.now() - timedelta(seconds=1))
    assert _from_a_new_address(case_worker.username).status_code == 302


def test_fewer_guesses_than_the_limit_slow_nothing(case_worker):
    _guess_from_many_addresses(case_worker.username, times=settings.ACCOUNT_FAILURE_LIMIT - 1)
    assert _from_a_new_address(case_worker.username).status_code == 302


def test_the_owners_own_browser_is_never_slowed_down(case_worker):
    owner = Client()
    assert sign_in(owner, case_worker.username).status_code == 302
    assert owner.cookies[KNOWN_BROWSER_COOKIE]["path"] == LOGIN_URL
    assert case_worker.username not in owner.cookies[KNOWN_BROWSER_COOKIE].value
    owner.post(reverse("accounts:logout"))
    _guess_from_many_addresses(case_worker.username, times=settings.ACCOUNT_FAILURE_LIMIT + 3)
    assert _from_a_new_address(case_worker.username).status_code == 429
    # The guesser cannot lock the owner out: the browser they used before signs in at once,
    assert sign_in(owner, case_worker.username).status_code == 302
    # and its own typing mistakes do not add to the account's count.
    owner.post(reverse("accounts:logout"))
    failures = SignInThrottle.objects.get().failures
    sign_in(owner, case_worker.username, password="typo")
    assert SignInThrottle.objects.get().failures == failures


def test_a_forged_known_browser_cookie_is_ignored(case_worker):
    _guess_from_many_addresses(case_worker.username)
    client = Client()
    client.cookies[KNOWN_BROWSER_COOKIE] = "forged"
    assert sign_in(client, case_worker.username).status_code == 429


def test_made_up_usernames_are_answered_the_same(db):
    _guess_from_many_addresses("nobody.here")
    response = _from_a_new_address("nobody.here")
    assert response.status_code == 429
    assert SLOWED in response.content.decode()
    assert not SecurityNotice.objects.exists()


def test_each_further_guess_doubles_the_wait_up_to_the_longest(db, settings):
    settings.ACCOUNT_FAILURE_LIMIT = 3
    settings.ACCOUNT_SLOWDOWN_MAX_MINUTES = 10
    waits = []
    for _ in range(7):
        throttle = sign_in_failure_counted(actor=Actor(), username="lan.pham")
        wait = throttle.slowed_until - throttle.last_failure_at if throttle.slowed_until else None
        waits.append(wait)
    minutes = [None if wait is None else wait / timedelta(minutes=1) for wait in waits]
    assert minutes == [None, None, 1, 2, 4, 8, 10]


def test_a_day_without_guesses_starts_the_count_again(db, settings):
    settings.ACCOUNT_FAILURE_LIMIT = 2
    sign_in_failure_counted(actor=Actor(), username="lan.pham")
    SignInThrottle.objects.update(last_failure_at=timezone.now() - timedelta(hours=25))
    assert sign_in_failure_counted(actor=Actor(), username="lan.pham").failures == 1


def test_the_owner_and_the_administrators_are_told_once(case_worker):
    organisation = case_worker.memberships.get().organisation
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    colleague = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    other_admin = MembershipFactory(role=Role.ORG_ADMIN).user
    _guess_from_many_addresses(case_worker.username, times=settings.ACCOUNT_FAILURE_LIMIT + 2)

    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_SLOWED)
    assert entry.actor is None and entry.actor_username == case_worker.username
    assert "wrong-password" not in entry.summary
    assert entry in audit_entries_for_organisation(organisation.pk)
    told = SecurityNotice.objects.values_list("recipient", "account")
    assert sorted(told) == sorted([(case_worker.pk, case_worker.pk), (admin.pk, case_worker.pk)])

    own = signed_in_client(case_worker).get(HOME).content.decode()
    assert "Có nhiều mật khẩu sai được thử cho tài khoản của bạn" in own
    administrator = signed_in_client(admin).get(HOME).content.decode()
    assert case_worker.username in administrator
    assert "Có nhiều mật khẩu sai được thử cho tài khoản của" in administrator
    for bystander in (colleague, other_admin):
        assert case_worker.username not in signed_in_client(bystander).get(HOME).content.decode()


def test_a_notice_is_dismissed_by_its_recipient_only(case_worker):
    _guess_from_many_addresses(case_worker.username)
    notice = SecurityNotice.objects.get(recipient=case_worker)
    url = reverse("accounts:notice_dismiss", kwargs={"notice_id": notice.pk})
    stranger = MembershipFactory(role=Role.ORG_ADMIN).user
    assert signed_in_client(stranger).post(url).status_code == 404
    client = signed_in_client(case_worker)
    assert client.get(url).status_code == 405
    assert client.post(url)["Location"] == HOME
    notice.refresh_from_db()
    assert notice.dismissed_at is not None
    assert "Có nhiều mật khẩu sai" not in client.get(HOME).content.decode()
