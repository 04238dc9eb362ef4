"""The POST actions on one membership: role, deactivate/reactivate, password and 2FA resets."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.organisations.events import OrganisationEvent
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import confirmed_totp_device

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db

ACTIONS = {
    "member_change_role": {"role-role": Role.SUPERVISOR},
    "member_deactivate": {},
    "member_reactivate": {},
    "member_password_reset": {"password-confirmed": "on"},
    "member_two_factor_reset": {"two_factor-confirmed": "on"},
    "member_sign_in_unlock": {},
}


def action_url(name: str, membership, org=None) -> str:
    org = org or membership.organisation
    return reverse(f"organisations:{name}", kwargs={"org": org.slug, "member_id": membership.pk})


# The permission trio, for every action ---------------------------------------------------------


@pytest.mark.parametrize("name", ACTIONS)
def test_colleague_gets_403(trio, member, name):
    response = trio.colleague_client.post(action_url(name, member), ACTIONS[name])
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == Role.CASE_WORKER and member.is_active


@pytest.mark.parametrize("name", ACTIONS)
def test_outsider_gets_404(trio, member, name):
    response = trio.outsider_client.post(action_url(name, member), ACTIONS[name])
    assert response.status_code == 404


@pytest.mark.parametrize("name", ACTIONS)
def test_membership_of_another_organisation_through_own_gets_404(trio, other_member, name):
    url = action_url(name, other_member, org=trio.organisation)
    assert trio.owner_client.post(url, ACTIONS[name]).status_code == 404
    other_member.refresh_from_db()
    assert other_member.role == Role.CASE_WORKER and other_member.is_active


@pytest.mark.parametrize("name", ACTIONS)
def test_get_is_405(trio, member, name):
    assert trio.owner_client.get(action_url(name, member)).status_code == 405


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_need_the_csrf_token(trio, member, name):
    trio.owner_client.handler.enforce_csrf_checks = True
    response = trio.owner_client.post(action_url(name, member), ACTIONS[name])
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(organisation=trio.organisation).exists()


# Role ----------------------------------------------------------------------------------------


def test_owner_changes_a_role(trio, member):
    response = trio.owner_client.post(
        action_url("member_change_role", member), {"role-role": Role.SUPERVISOR}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "organisations:member", kwargs={"org": trio.organisation.slug, "member_id": member.pk}
    )
    member.refresh_from_db()
    assert member.role == Role.SUPERVISOR
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_id=str(member.pk))
    assert entry.changed_fields == ["role"]
    assert entry.organisation == trio.organisation
    assert entry.event == OrganisationEvent.ROLE_CHANGED.code
    assert entry.details == {"old_role": "case_worker", "role": "supervisor"}
    assert entry.summary == "Role changed: case_worker → supervisor"


def test_an_unknown_role_is_refused(trio, member):
    response = trio.owner_client.post(
        action_url("member_change_role", member),
        {"role-role": "overlord"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Hãy chọn một vai trò trong danh sách." in response.content.decode()
    member.refresh_from_db()
    assert member.role == Role.CASE_WORKER


def test_the_last_administrator_cannot_step_down(trio):
    own = trio.organisation.memberships.get(user=trio.owner)
    response = trio.owner_client.post(
        action_url("member_change_role", own),
        {"role-role": Role.SUPERVISOR},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "phải luôn có ít nhất một quản trị viên" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.ORG_ADMIN
    assert not AuditEntry.objects.filter(target_id=str(own.pk)).exists()


def test_an_administrator_who_steps_down_goes_home(trio):
    MembershipFactory(organisation=trio.organisation, role=Role.ORG_ADMIN)
    own = trio.organisation.memberships.get(user=trio.owner)
    response = trio.owner_client.post(
        action_url("member_change_role", own), {"role-role": Role.SUPERVISOR}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    own.refresh_from_db()
    assert own.role == Role.SUPERVISOR


# Deactivate and reactivate -------------------------------------------------------------------


def test_owner_deactivates_and_reactivates_a_member(trio, member):
    client = signed_in_client(member.user)
    detail = reverse("organisations:detail", kwargs={"org": trio.organisation.slug})
    assert client.get(detail).status_code == 200

    assert trio.owner_client.post(action_url("member_deactivate", member)).status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    assert client.get(detail).status_code == 404  # access ends at once

    assert trio.owner_client.post(action_url("member_reactivate", member)).status_code == 302
    member.refresh_from_db()
    assert member.is_active is True
    assert client.get(detail).status_code == 200
    entries = AuditEntry.objects.filter(target_id=str(member.pk), action=AuditAction.UPDATE)
    assert sorted(e.summary for e in entries) == [
        "Membership deactivated",
        "Membership reactivated",
    ]


def test_the_last_administrator_cannot_be_deactivated(trio):
    own = trio.organisation.memberships.get(user=trio.owner)
    response = trio.owner_client.post(
        action_url("member_deactivate", own), HTTP_ACCEPT_LANGUAGE="vi", follow=True
    )
    assert "phải luôn có ít nhất một quản trị viên" in response.content.decode()
    own.refresh_from_db()
    assert own.is_active is True


# Password reset ------------------------------------------------------------------------------


def test_owner_resets_a_password(trio, member):
    target_client = signed_in_client(member.user)
    home = reverse("workspace:home")
    assert target_client.get(home).status_code == 200

    response = trio.owner_client.post(
        action_url("member_password_reset", member), {"password-confirmed": "on"}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.must_change_password is True
    assert member.user.check_password(password)
    # The member's open session has ended.
    assert target_client.get(home).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_RESET)
    assert entry.organisation == trio.organisation
    assert entry.target_type == "accounts.user" and entry.target_id == str(member.user.pk)
    assert password not in entry.summary


def test_a_password_reset_needs_the_identity_confirmation(trio, member):
    old_hash = member.user.password
    response = trio.owner_client.post(
        action_url("member_password_reset", member), {}, HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    assert "Hãy đánh dấu vào ô" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.password == old_hash
    assert not AuditEntry.objects.filter(action=AuditAction.PASSWORD_RESET).exists()


def test_the_password_of_a_system_administrator_cannot_be_reset(trio, member):
    member.user.is_superuser = True
    member.user.is_staff = True
    member.user.save()
    old_hash = member.user.password
    response = trio.owner_client.post(
        action_url("member_password_reset", member),
        {"password-confirmed": "on"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "quản trị viên hệ thống" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.password == old_hash


def test_the_password_of_someone_who_also_belongs_elsewhere_cannot_be_reset(trio, member):
    MembershipFactory(user=member.user, organisation=trio.other_organisation, is_active=False)
    old_hash = member.user.password
    response = trio.owner_client.post(
        action_url("member_password_reset", member), {"password-confirmed": "on"}
    )
    assert response.status_code == 200
    assert "password" not in response.context
    member.user.refresh_from_db()
    assert member.user.password == old_hash


# Two-factor reset ----------------------------------------------------------------------------


def test_owner_resets_two_factor(trio, member):
    confirmed_totp_device(member.user)
    StaticDevice.objects.create(user=member.user, name="recovery codes", confirmed=True)
    target_client = signed_in_client(member.user)

    response = trio.owner_client.post(
        action_url("member_two_factor_reset", member), {"two_factor-confirmed": "on"}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=member.user).exists()
    assert not StaticDevice.objects.filter(user=member.user).exists()
    assert target_client.get(reverse("workspace:home")).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert entry.organisation == trio.organisation
    assert entry.target_id == str(member.user.pk)


def test_own_two_factor_cannot_be_reset_here(trio):
    own = trio.organisation.memberships.get(user=trio.owner)
    response = trio.owner_client.post(
        action_url("member_two_factor_reset", own), {"two_factor-confirmed": "on"}
    )
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=trio.owner).exists()


# Unlocking a sign-in (issue 11, item 10) -------------------------------------------------------


def _lock_out(user: Any) -> None:
    """Locked out twice over: from one address by django-axes, from everywhere by the
    slowdown after guessed passwords."""
    import datetime

    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    from donghanh.accounts.models import SignInThrottle

    AccessAttempt.objects.create(
        username=user.username,
        ip_address="203.0.113.7",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    SignInThrottle.objects.create(
        username=user.username,
        failures=12,
        last_failure_at=timezone.now(),
        slowed_until=timezone.now() + datetime.timedelta(minutes=30),
    )


def test_the_administrator_unlocks_a_locked_out_member_from_the_members_page(trio, member):
    from axes.models import AccessAttempt

    from donghanh.accounts.models import SignInThrottle
    from donghanh.accounts.selectors import sign_in_locked

    _lock_out(member.user)
    assert sign_in_locked(member.user.username)
    members_url = reverse("organisations:members", kwargs={"org": trio.organisation.slug})
    page = trio.owner_client.get(members_url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Bị khóa đăng nhập" in page
    assert action_url("member_sign_in_unlock", member) in page
    response = trio.owner_client.post(
        action_url("member_sign_in_unlock", member), {"back": "members"}
    )
    assert response.status_code == 302 and response["Location"] == members_url
    assert not sign_in_locked(member.user.username)
    assert not AccessAttempt.objects.filter(username=member.user.username).exists()
    assert not SignInThrottle.objects.filter(username=member.user.username).exists()
    entry = AuditEntry.objects.get(event=OrganisationEvent.SIGN_IN_UNLOCKED.code)
    assert entry.organisation == trio.organisation
    assert entry.actor == trio.owner and entry.target_id == str(member.user.pk)
    assert entry.details == {"membership": member.pk, "attempts": 2}
    assert member.user.username not in entry.summary
    page = trio.owner_client.get(members_url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Bị khóa đăng nhập" not in page


def test_a_member_of_another_organisation_stays_locked(trio, other_member):
    from donghanh.accounts.selectors import sign_in_locked

    _lock_out(other_member.user)
    url = action_url("member_sign_in_unlock", other_member, org=trio.organisation)
    assert trio.owner_client.post(url).status_code == 404
    assert trio.outsider_client.post(url).status_code == 404
    assert sign_in_locked(other_member.user.username)
    assert not AuditEntry.objects.filter(event=OrganisationEvent.SIGN_IN_UNLOCKED.code).exists()
