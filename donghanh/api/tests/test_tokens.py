"""Issuing, listing and revoking tokens with the management commands."""

from __future__ import annotations

import hashlib
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from donghanh.api.models import ApiToken
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.factories import confirmed_totp_device

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
UserFactory: Any = factories.UserFactory

SECRET = re.compile(r"^dh_[A-Za-z0-9_-]{43}$", re.MULTILINE)
LIST = reverse("api:person_list")


def _create(*args):
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def case_worker(staff):
    user = staff.users[Role.CASE_WORKER]
    confirmed_totp_device(user)
    return user


def test_the_command_prints_a_working_token_and_stores_only_its_hash(case_worker, staff):
    output = _create(case_worker.username, "--name", "monthly report")
    found = SECRET.search(output)
    assert found is not None
    secret = found.group(0)
    assert api_client(secret).get(LIST).status_code == 200

    token = ApiToken.objects.get()
    assert token.user == case_worker
    assert token.name == "monthly report"
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:11]
    # The secret is nowhere in the row.
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(secret in str(value) for value in row.values())
    assert str(token.prefix) in output and f"#{token.pk}" in output


def test_tokens_expire_after_90_days_unless_told_otherwise(case_worker):
    _create(case_worker.username)
    _create(case_worker.username, "--expires-days", "7")
    expiries = [t.expires_at for t in ApiToken.objects.all()]
    assert None not in expiries
    days = sorted(round((e - timezone.now()).total_seconds() / 86400) for e in expiries if e)
    assert days == [7, 90]


@pytest.mark.parametrize("days", ["0", "-1", "366"])
def test_expiry_out_of_range_is_refused(case_worker, days):
    with pytest.raises(CommandError):
        _create(case_worker.username, "--expires-days", days)
    assert not ApiToken.objects.exists()


def test_issuing_is_audited_in_the_users_organisation(case_worker, staff):
    _create(case_worker.username)
    token = ApiToken.objects.get()
    entry = AuditEntry.objects.get(target_type="api.apitoken")
    assert entry.action == AuditAction.CREATE
    assert entry.target_id == str(token.pk)
    assert entry.organisation == staff.organisation
    assert entry.actor_username == "create_api_token"
    assert case_worker.full_name not in entry.summary


def test_unknown_user(db):
    with pytest.raises(CommandError, match="No user"):
        _create("nobody")


def test_no_token_for_an_account_without_membership(db):
    user = UserFactory()
    with pytest.raises(CommandError):
        _create(user.username)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DONOR_VIEWER])
def test_no_token_before_the_second_factor_is_set_up_whatever_the_role(staff, role):
    user = MembershipFactory(organisation=staff.organisation, role=role).user  # no authenticator
    with pytest.raises(CommandError):
        _create(user.username)
    confirmed_totp_device(user)
    assert SECRET.search(_create(user.username))


def test_no_token_for_an_account_that_must_change_its_password(case_worker):
    case_worker.must_change_password = True
    case_worker.save(update_fields=["must_change_password"])
    with pytest.raises(CommandError):
        _create(case_worker.username)


def _revoke(*args):
    out = StringIO()
    call_command("revoke_api_token", *args, stdout=out)
    return out.getvalue()


def test_revoke_by_the_start_shown_in_the_list(case_worker, staff):
    secret = issue_token(case_worker)
    listing = StringIO()
    call_command("list_api_tokens", stdout=listing)
    assert secret[:11] in listing.getvalue()
    assert secret not in listing.getvalue()

    _revoke(secret[:11])
    assert api_client(secret).get(LIST).status_code == 401
    entry = AuditEntry.objects.get(target_type="api.apitoken", action=AuditAction.UPDATE)
    assert entry.changed_fields == ["revoked_at"]
    assert entry.organisation == staff.organisation
    with pytest.raises(CommandError):
        _revoke(secret[:11])  # already revoked


def test_revoke_by_the_whole_token(case_worker):
    secret = issue_token(case_worker)
    other = issue_token(case_worker)
    _revoke(secret)
    assert api_client(secret).get(LIST).status_code == 401
    assert api_client(other).get(LIST).status_code == 200


def test_revoke_every_token_of_a_user(case_worker, staff):
    secrets = [issue_token(case_worker) for _ in range(2)]
    someone_else = issue_token(staff.users[Role.SUPERVISOR])
    _revoke("--user", case_worker.username)
    assert [api_client(s).get(LIST).status_code for s in secrets] == [401, 401]
    assert api_client(someone_else).get(LIST).status_code == 200


def test_an_ambiguous_start_revokes_nothing(case_worker):
    secrets = [issue_token(case_worker) for _ in range(2)]
    ApiToken.objects.update(prefix="dh_same1234")
    with pytest.raises(CommandError):
        _revoke("dh_same1234")
    assert [api_client(s).get(LIST).status_code for s in secrets] == [200, 200]
