from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.organisations import services
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.factories import TEST_PASSWORD, confirmed_totp_device

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def admin(organisation):
    return MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)


# The last-administrator rule -----------------------------------------------------------------


def test_the_only_administrator_can_neither_step_down_nor_be_deactivated(admin):
    with pytest.raises(ValidationError) as refused:
        services.membership_change_role(
            membership=admin, role=Role.SUPERVISOR, actor=Actor.for_user(admin.user)
        )
    assert refused.value.code == "last_admin"
    with pytest.raises(ValidationError):
        services.membership_deactivate(membership=admin, actor=Actor.for_user(admin.user))
    admin.refresh_from_db()
    assert admin.role == Role.ORG_ADMIN and admin.is_active


def test_one_of_two_administrators_may_step_down_but_not_the_second(organisation, admin):
    second = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
    services.membership_change_role(
        membership=second, role=Role.CASE_WORKER, actor=Actor.for_user(admin.user)
    )
    with pytest.raises(ValidationError):
        services.membership_deactivate(membership=admin, actor=Actor.for_user(admin.user))


def test_inactive_administrators_do_not_count(organisation, admin):
    MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN, is_active=False)
    MembershipFactory(
        organisation=organisation, role=Role.ORG_ADMIN, user=UserFactory(is_active=False)
    )
    with pytest.raises(ValidationError):
        services.membership_deactivate(membership=admin, actor=Actor.for_user(admin.user))


def test_administrators_of_another_organisation_do_not_count(admin):
    MembershipFactory(role=Role.ORG_ADMIN)  # in a new organisation
    with pytest.raises(ValidationError):
        services.membership_change_role(
            membership=admin, role=Role.SUPERVISOR, actor=Actor.for_user(admin.user)
        )


def test_the_rule_reads_the_current_state_not_a_stale_object(organisation, admin):
    second = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
    stale_admin = Membership.objects.get(pk=admin.pk)
    services.membership_deactivate(membership=second, actor=Actor.for_user(admin.user))
    # `second` as loaded earlier still looks like an active administrator; the service reloads.
    with pytest.raises(ValidationError):
        services.membership_deactivate(membership=stale_admin, actor=Actor.for_user(admin.user))


def test_other_members_change_freely_and_no_op_changes_write_nothing(organisation, admin):
    member = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER)
    services.membership_change_role(
        membership=member, role=Role.CASE_WORKER, actor=Actor.for_user(admin.user)
    )
    services.membership_reactivate(membership=member, actor=Actor.for_user(admin.user))
    assert not AuditEntry.objects.exists()
    services.membership_deactivate(membership=member, actor=Actor.for_user(admin.user))
    assert AuditEntry.objects.get().changed_fields == ["is_active"]


# Adding members ------------------------------------------------------------------------------


def test_inviting_an_existing_member_again_is_refused(organisation, admin):
    with pytest.raises(ValidationError) as refused:
        services.invitation_send(
            organisation=organisation,
            username=admin.user.username,
            role=Role.SUPERVISOR,
            actor=Actor.for_user(admin.user),
        )
    assert refused.value.code == "already_member"


def test_a_new_account_gets_a_temporary_password_and_must_change_it(organisation, admin):
    membership, password = services.membership_add_new_user(
        organisation=organisation,
        full_name="Vũ Thị Thu",
        username="thu.vu",
        email="",
        role=Role.PROGRAMME_OFFICER,
        actor=Actor.for_user(admin.user),
    )
    assert membership.user.username == f"thu.vu@{organisation.slug}"
    assert membership.user.must_change_password
    assert membership.user.check_password(password)
    assert len(password) == 19 and password.count("-") == 3
    assert (
        AuditEntry.objects.filter(organisation=organisation, action=AuditAction.CREATE).count() == 2
    )


def test_temporary_passwords_differ():
    assert len({services._temporary_password() for _ in range(50)}) == 50


def test_a_username_taken_in_other_letter_case_is_refused(organisation, admin):
    UserFactory(username=f"Thu.Vu@{organisation.slug}")
    with pytest.raises(ValidationError):
        services.membership_add_new_user(
            organisation=organisation,
            full_name="Vũ Thị Thu",
            username="thu.vu",
            email="",
            role=Role.PROGRAMME_OFFICER,
            actor=Actor.for_user(admin.user),
        )


# A temporary password works for one sign-in, which leads straight to choosing a new one ---------


def _sign_in(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_temporary_password_signs_in_once_and_forces_a_change(organisation, admin):
    member = MembershipFactory(organisation=organisation, role=Role.DONOR_VIEWER)
    password = services.member_password_reset(membership=member, actor=Actor.for_user(admin.user))

    # The old password no longer works.
    assert _sign_in(Client(), member.user.username, TEST_PASSWORD).status_code == 200

    client = Client()
    signed_in = _sign_in(client, member.user.username, password)
    assert signed_in.status_code == 302
    # Every page under /app/ leads to the password change until a new password is chosen.
    page = client.get(reverse("workspace:home"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:password_change"))

    new_password = "a-new-long-passphrase-2026"
    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert changed.status_code == 302
    member.user.refresh_from_db()
    assert member.user.must_change_password is False
    # Then the second factor, as for every account.
    home = client.get(reverse("workspace:home"))
    assert home["Location"].startswith(reverse("accounts:two_factor_setup"))

    # The temporary password is spent.
    assert _sign_in(Client(), member.user.username, password).status_code == 200
    assert _sign_in(Client(), member.user.username, new_password).status_code == 302


# Credential resets refuse what would hand over an account beyond the organisation ------------


@pytest.mark.parametrize(
    "reset", [services.member_password_reset, services.member_two_factor_reset]
)
def test_resets_are_refused_for_superusers_other_organisations_self_and_inactive(
    organisation, admin, reset
):

    superuser = MembershipFactory(
        organisation=organisation, user=UserFactory(is_superuser=True, is_staff=True)
    )
    shared = MembershipFactory(organisation=organisation)
    MembershipFactory(user=shared.user)  # also a member of another organisation
    inactive = MembershipFactory(organisation=organisation, is_active=False)
    for membership in (superuser, shared, inactive, admin):
        confirmed_totp_device(membership.user)
        old_hash = membership.user.password
        with pytest.raises(ValidationError) as refused:
            reset(membership=membership, actor=Actor.for_user(admin.user))
        assert refused.value.code == "reset_not_allowed"
        membership.user.refresh_from_db()
        assert membership.user.password == old_hash
        assert TOTPDevice.objects.filter(user=membership.user).exists()
    assert not AuditEntry.objects.exists()


# One transaction: a failure leaves neither a half change nor an audit row --------------------


def test_a_failing_password_reset_changes_nothing(organisation, admin):
    member = MembershipFactory(organisation=organisation)
    old_hash = member.user.password
    with (
        mock.patch.object(services, "user_end_all_sessions", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.member_password_reset(membership=member, actor=Actor.for_user(admin.user))
    member.user.refresh_from_db()
    assert member.user.password == old_hash
    assert member.user.must_change_password is False
    assert not AuditEntry.objects.exists()


def test_a_failing_audit_row_undoes_the_role_change(organisation, admin):
    member = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER)
    with (
        mock.patch.object(services, "audit_record", side_effect=IntegrityError("audit down")),
        pytest.raises(IntegrityError),
    ):
        services.membership_change_role(
            membership=member, role=Role.SUPERVISOR, actor=Actor.for_user(admin.user)
        )
    member.refresh_from_db()
    assert member.role == Role.CASE_WORKER


def test_a_failing_membership_undoes_the_new_account_and_its_audit_row(organisation, admin):
    with (
        mock.patch.object(
            Membership.objects, "create", side_effect=IntegrityError("membership failed")
        ),
        pytest.raises(IntegrityError),
    ):
        services.membership_add_new_user(
            organisation=organisation,
            full_name="Vũ Thị Thu",
            username="thu.vu",
            email="",
            role=Role.PROGRAMME_OFFICER,
            actor=Actor.for_user(admin.user),
        )
    assert not get_user_model().objects.filter(username="thu.vu").exists()
    assert not AuditEntry.objects.exists()


def test_a_failing_two_factor_reset_keeps_the_devices(organisation, admin):
    member = MembershipFactory(organisation=organisation)
    confirmed_totp_device(member.user)
    with (
        mock.patch.object(services, "audit_record", side_effect=IntegrityError("audit down")),
        pytest.raises(IntegrityError),
    ):
        services.member_two_factor_reset(membership=member, actor=Actor.for_user(admin.user))
    assert TOTPDevice.objects.filter(user=member.user).exists()


def test_a_new_account_is_named_within_the_organisation_so_no_other_account_is_revealed(
    organisation, admin
):
    # Someone elsewhere already has "thu.vu": creating "thu.vu" here neither fails nor says so.
    UserFactory(username="thu.vu")
    membership, _password = services.membership_add_new_user(
        organisation=organisation,
        full_name="Vũ Thị Thu",
        username="thu.vu",
        email="",
        role=Role.PROGRAMME_OFFICER,
        actor=Actor.for_user(admin.user),
    )
    assert membership.user.username == f"thu.vu@{organisation.slug}"


def test_a_username_with_its_own_organisation_part_is_refused(organisation, admin):
    with pytest.raises(ValidationError) as refused:
        services.membership_add_new_user(
            organisation=organisation,
            full_name="Vũ Thị Thu",
            username="thu.vu@other-organisation",
            email="",
            role=Role.PROGRAMME_OFFICER,
            actor=Actor.for_user(admin.user),
        )
    assert refused.value.code == "username_local_part"
