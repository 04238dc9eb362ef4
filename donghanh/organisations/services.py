"""Changes to who belongs to an organisation and how they sign in.

Every function runs in one transaction with its audit row, so a change is never recorded
without happening, nor happens without being recorded. Rules that refuse a change raise
`ValidationError` with a message for the administrator.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from donghanh.accounts.services import user_end_all_sessions
from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.organisations.models import Membership, Organisation, Team
from donghanh.organisations.roles import Role
from donghanh.organisations.selectors import team_eligible_members

# Letters and digits that cannot be mistaken for one another when read aloud or copied.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - not a password


def temporary_password() -> str:
    """A random password such as "k7mp-2qrx-9tzw-h3nd" (about 78 bits), to be changed at once."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(4))


def _lock_organisation(organisation_id: int) -> None:
    """Serialise membership changes of one organisation (a no-op lock on SQLite, whose write
    transactions are already serialised)."""
    Organisation.objects.select_for_update().only("pk").get(pk=organisation_id)


def _locked_membership(membership: Membership) -> Membership:
    _lock_organisation(membership.organisation_id)
    return (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )


def _refuse_losing_last_admin(membership: Membership) -> None:
    """An organisation keeps at least one active administrator."""
    if not (
        membership.role == Role.ORG_ADMIN and membership.is_active and membership.user.is_active
    ):
        return
    others = (
        Membership.objects.filter(
            organisation_id=membership.organisation_id,
            role=Role.ORG_ADMIN,
            is_active=True,
            user__is_active=True,
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise ValidationError(
            _(
                "An organisation must keep at least one active administrator. Make another "
                "member an administrator first."
            ),
            code="last_admin",
        )


def member_credentials_reset_refusal(*, membership: Membership, acting_user: Any) -> str | None:
    """Why an organisation administrator may not reset this member's password or 2FA, if so.

    Resetting someone's credentials hands their account to whoever holds the new ones, so an
    administrator may only do it for an active member of their own organisation who has no
    access anywhere else and no system-wide powers.
    """
    user = membership.user
    if user.pk == acting_user.pk:
        return _("Use your own account page to change your own password or two-factor sign-in.")
    if not membership.is_active:
        return _("This membership is not active. Reactivate it first.")
    if user.is_superuser or user.is_staff:
        return _(
            "This person is a system administrator. Only another system administrator can "
            "reset their sign-in."
        )
    elsewhere = Membership.objects.filter(user=user).exclude(
        organisation_id=membership.organisation_id
    )
    if elsewhere.exists():
        return _(
            "This person also belongs to another organisation. Ask a system administrator to "
            "reset their sign-in."
        )
    return None


def _refuse_credentials_reset(*, membership: Membership, acting_user: Any) -> None:
    refusal = member_credentials_reset_refusal(membership=membership, acting_user=acting_user)
    if refusal:
        raise ValidationError(refusal, code="reset_not_allowed")


def _membership_create(
    *,
    organisation: Organisation,
    user: Any,
    role: str,
    acting_user: Any,
    request: HttpRequest | None,
) -> Membership:
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError(
            _(
                "This person is already a member of the organisation. Open their membership to "
                "change the role or reactivate it."
            ),
            code="already_member",
        )
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        request=request,
        organisation=organisation,
        target=membership,
        summary=f"role={role}",
        changed_fields=["is_active", "organisation", "role", "user"],
    )
    return membership


@transaction.atomic
def membership_add(
    *,
    organisation: Organisation,
    user: Any,
    role: str,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Membership:
    """Give an existing account a role in the organisation."""
    _lock_organisation(organisation.pk)
    return _membership_create(
        organisation=organisation, user=user, role=role, acting_user=acting_user, request=request
    )


@transaction.atomic
def membership_add_new_user(
    *,
    organisation: Organisation,
    full_name: str,
    username: str,
    email: str,
    role: str,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> tuple[Membership, str]:
    """Create an account with a temporary password and make it a member.

    Returns the membership and the temporary password, which is shown to the administrator
    once and never stored in clear.
    """
    _lock_organisation(organisation.pk)
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("This username is already taken. Choose another one."), code="username_taken"
        )
    password = temporary_password()
    user = user_model(
        username=username, full_name=full_name, email=email, must_change_password=True
    )
    user.set_password(password)
    user.save()
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        request=request,
        organisation=organisation,
        target=user,
        summary="account created with a temporary password",
        changed_fields=["email", "full_name", "must_change_password", "password", "username"],
    )
    membership = _membership_create(
        organisation=organisation, user=user, role=role, acting_user=acting_user, request=request
    )
    return membership, password


@transaction.atomic
def membership_change_role(
    *,
    membership: Membership,
    role: str,
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Membership:
    membership = _locked_membership(membership)
    old_role = membership.role
    if role == old_role:
        return membership
    if role != Role.ORG_ADMIN:
        _refuse_losing_last_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        request=request,
        organisation=membership.organisation,
        target=membership,
        summary=f"role: {old_role} → {role}",
        changed_fields=["role"],
    )
    return membership


def _membership_set_active(
    *, membership: Membership, active: bool, acting_user: Any, request: HttpRequest | None
) -> Membership:
    membership = _locked_membership(membership)
    if membership.is_active == active:
        return membership
    if not active:
        _refuse_losing_last_admin(membership)
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        request=request,
        organisation=membership.organisation,
        target=membership,
        summary="membership reactivated" if active else "membership deactivated",
        changed_fields=["is_active"],
    )
    return membership


@transaction.atomic
def membership_deactivate(
    *, membership: Membership, acting_user: Any, request: HttpRequest | None = None
) -> Membership:
    """Withdraw a member's access to the organisation; the account itself stays."""
    return _membership_set_active(
        membership=membership, active=False, acting_user=acting_user, request=request
    )


@transaction.atomic
def membership_reactivate(
    *, membership: Membership, acting_user: Any, request: HttpRequest | None = None
) -> Membership:
    return _membership_set_active(
        membership=membership, active=True, acting_user=acting_user, request=request
    )


@transaction.atomic
def member_password_reset(
    *, membership: Membership, acting_user: Any, request: HttpRequest | None = None
) -> str:
    """Give a member a new temporary password and sign them out everywhere.

    Returns the temporary password, to be shown to the administrator once. The member must
    choose a new password at their next sign-in.
    """
    membership = _locked_membership(membership)
    _refuse_credentials_reset(membership=membership, acting_user=acting_user)
    user = membership.user
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    user_end_all_sessions(user=user, acting_user=acting_user, request=request)
    audit_record(
        action=AuditAction.PASSWORD_RESET,
        actor=acting_user,
        request=request,
        organisation=membership.organisation,
        target=user,
        summary=f"temporary password set through membership {membership.pk}",
        changed_fields=["must_change_password", "password"],
    )
    return password


@transaction.atomic
def member_two_factor_reset(
    *, membership: Membership, acting_user: Any, request: HttpRequest | None = None
) -> int:
    """Remove every second-factor device of a member, who sets up a new one at next sign-in.

    Their sessions end too: a lost phone is the usual reason for a reset. Returns the number
    of devices removed.
    """
    membership = _locked_membership(membership)
    _refuse_credentials_reset(membership=membership, acting_user=acting_user)
    user = membership.user
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    user_end_all_sessions(user=user, acting_user=acting_user, request=request)
    audit_record(
        action=AuditAction.TWO_FACTOR_RESET,
        actor=acting_user,
        request=request,
        organisation=membership.organisation,
        target=user,
        summary=f"{removed} device(s) removed through membership {membership.pk}",
        changed_fields=["otp_devices"],
    )
    return removed


# --- Teams ------------------------------------------------------------------------------


def _clean_team_name(organisation_id: int, name: str, *, team_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the team a name.")}, code="team_name_missing")
    taken = Team.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if team_id is not None:
        taken = taken.exclude(pk=team_id)
    if taken.exists():
        raise ValidationError(
            {"name": _("The organisation already has a team of this name.")},
            code="team_name_taken",
        )
    return name


def _team_member_ids(organisation_id: int, members: Iterable[Membership]) -> set[int]:
    wanted = {membership.pk for membership in members}
    allowed = set(team_eligible_members(organisation_id).values_list("pk", flat=True))
    if not wanted <= allowed:
        raise ValidationError(
            {
                "members": _(
                    "Only active members of the organisation who work on cases can be in a team."
                )
            },
            code="not_team_eligible",
        )
    return wanted


@transaction.atomic
def team_create(
    *,
    organisation: Organisation,
    name: str,
    members: Iterable[Membership] = (),
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Team:
    """A new team of the organisation; its members see the cases given to the team."""
    _lock_organisation(organisation.pk)
    name = _clean_team_name(organisation.pk, name)
    member_ids = _team_member_ids(organisation.pk, members)
    team = Team.objects.create(organisation=organisation, name=name)
    team.members.set(sorted(member_ids))
    audit_record(
        action=AuditAction.CREATE,
        actor=acting_user,
        request=request,
        organisation=organisation,
        target=team,
        summary=f"team created with memberships {sorted(member_ids)}",
        changed_fields=["name", "members"],
    )
    return team


@transaction.atomic
def team_update(
    *,
    team: Team,
    name: str,
    members: Iterable[Membership],
    acting_user: Any,
    request: HttpRequest | None = None,
) -> Team:
    """Rename the team and make `members` its members: those removed lose its cases at once."""
    _lock_organisation(team.organisation_id)
    team = Team.objects.select_for_update().select_related("organisation").get(pk=team.pk)
    name = _clean_team_name(team.organisation_id, name, team_id=team.pk)
    wanted = _team_member_ids(team.organisation_id, members)
    current = set(team.members.values_list("pk", flat=True))
    changed = []
    if name != team.name:
        team.name = name
        team.save(update_fields=["name"])
        changed.append("name")
    if wanted != current:
        team.members.remove(*sorted(current - wanted))
        team.members.add(*sorted(wanted - current))
        changed.append("members")
    if not changed:
        return team
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        request=request,
        organisation=team.organisation,
        target=team,
        summary=(
            f"team changed: added memberships {sorted(wanted - current)}, "
            f"removed memberships {sorted(current - wanted)}"
        ),
        changed_fields=changed,
    )
    return team


def _team_set_active(
    *, team: Team, active: bool, acting_user: Any, request: HttpRequest | None
) -> Team:
    team = Team.objects.select_for_update().select_related("organisation").get(pk=team.pk)
    if team.is_active == active:
        return team
    team.is_active = active
    team.save(update_fields=["is_active"])
    audit_record(
        action=AuditAction.UPDATE,
        actor=acting_user,
        request=request,
        organisation=team.organisation,
        target=team,
        summary="team reactivated" if active else "team deactivated",
        changed_fields=["is_active"],
    )
    return team


@transaction.atomic
def team_deactivate(*, team: Team, acting_user: Any, request: HttpRequest | None = None) -> Team:
    """Its members no longer see the team's cases (those assigned to them by name they keep)."""
    return _team_set_active(team=team, active=False, acting_user=acting_user, request=request)


@transaction.atomic
def team_reactivate(*, team: Team, acting_user: Any, request: HttpRequest | None = None) -> Team:
    return _team_set_active(team=team, active=True, acting_user=acting_user, request=request)
