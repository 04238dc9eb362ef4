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
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from donghanh.accounts.services import user_end_all_sessions
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.organisations.events import OrganisationEvent
from donghanh.organisations.models import Membership, Organisation, Team
from donghanh.organisations.roles import Role
from donghanh.organisations.selectors import member_credentials_reset_refusal, team_eligible_members

# Letters and digits that cannot be mistaken for one another when read aloud or copied.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - not a password


def _temporary_password() -> str:
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


def _refuse_credentials_reset(*, membership: Membership, actor: Actor) -> None:
    refusal = member_credentials_reset_refusal(membership=membership, user=actor.user)
    if refusal:
        raise ValidationError(refusal, code="reset_not_allowed")


def _membership_create(
    *, organisation: Organisation, user: Any, role: str, actor: Actor
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
        event=OrganisationEvent.MEMBER_ADDED,
        actor=actor.within(organisation),
        target=membership,
        changed_fields=["is_active", "organisation", "role", "user"],
        details={"role": role},
    )
    return membership


@transaction.atomic
def membership_add(
    *,
    organisation: Organisation,
    user: Any,
    role: str,
    actor: Actor,
) -> Membership:
    """Give an existing account a role in the organisation."""
    _lock_organisation(organisation.pk)
    return _membership_create(organisation=organisation, user=user, role=role, actor=actor)


@transaction.atomic
def membership_add_new_user(
    *,
    organisation: Organisation,
    full_name: str,
    username: str,
    email: str,
    role: str,
    actor: Actor,
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
    password = _temporary_password()
    user = user_model(
        username=username, full_name=full_name, email=email, must_change_password=True
    )
    user.set_password(password)
    user.save(force_insert=True)
    audit_record(
        event=OrganisationEvent.ACCOUNT_CREATED,
        actor=actor.within(organisation),
        target=user,
        changed_fields=["email", "full_name", "must_change_password", "password", "username"],
    )
    membership = _membership_create(organisation=organisation, user=user, role=role, actor=actor)
    return membership, password


@transaction.atomic
def membership_change_role(
    *,
    membership: Membership,
    role: str,
    actor: Actor,
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
        event=OrganisationEvent.ROLE_CHANGED,
        actor=actor.within(membership.organisation),
        target=membership,
        changed_fields=["role"],
        details={"old_role": old_role, "role": role},
    )
    return membership


def _membership_set_active(*, membership: Membership, active: bool, actor: Actor) -> Membership:
    membership = _locked_membership(membership)
    if membership.is_active == active:
        return membership
    if not active:
        _refuse_losing_last_admin(membership)
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    audit_record(
        event=OrganisationEvent.MEMBERSHIP_REACTIVATED
        if active
        else OrganisationEvent.MEMBERSHIP_DEACTIVATED,
        actor=actor.within(membership.organisation),
        target=membership,
        changed_fields=["is_active"],
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, actor: Actor) -> Membership:
    """Withdraw a member's access to the organisation; the account itself stays."""
    return _membership_set_active(membership=membership, active=False, actor=actor)


@transaction.atomic
def membership_reactivate(*, membership: Membership, actor: Actor) -> Membership:
    return _membership_set_active(membership=membership, active=True, actor=actor)


@transaction.atomic
def member_password_reset(*, membership: Membership, actor: Actor) -> str:
    """Give a member a new temporary password and sign them out everywhere.

    Returns the temporary password, to be shown to the administrator once. The member must
    choose a new password at their next sign-in.
    """
    membership = _locked_membership(membership)
    _refuse_credentials_reset(membership=membership, actor=actor)
    actor = actor.within(membership.organisation)
    user = membership.user
    password = _temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    user_end_all_sessions(actor=actor, user=user)
    audit_record(
        event=OrganisationEvent.PASSWORD_RESET,
        actor=actor,
        target=user,
        changed_fields=["must_change_password", "password"],
        details={"membership": membership.pk},
    )
    return password


@transaction.atomic
def member_two_factor_reset(*, membership: Membership, actor: Actor) -> int:
    """Remove every second-factor device of a member, who sets up a new one at next sign-in.

    Their sessions end too: a lost phone is the usual reason for a reset. Returns the number
    of devices removed.
    """
    membership = _locked_membership(membership)
    _refuse_credentials_reset(membership=membership, actor=actor)
    actor = actor.within(membership.organisation)
    user = membership.user
    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    user_end_all_sessions(actor=actor, user=user)
    audit_record(
        event=OrganisationEvent.TWO_FACTOR_RESET,
        actor=actor,
        target=user,
        changed_fields=["otp_devices"],
        details={"devices": removed, "membership": membership.pk},
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
    actor: Actor,
) -> Team:
    """A new team of the organisation; its members see the cases given to the team."""
    _lock_organisation(organisation.pk)
    name = _clean_team_name(organisation.pk, name)
    member_ids = _team_member_ids(organisation.pk, members)
    team = Team.objects.create(organisation=organisation, name=name)
    team.members.set(sorted(member_ids))
    audit_record(
        event=OrganisationEvent.TEAM_CREATED,
        actor=actor.within(organisation),
        target=team,
        changed_fields=["name", "members"],
        details={"members": sorted(member_ids)},
    )
    return team


@transaction.atomic
def team_update(
    *,
    team: Team,
    name: str,
    members: Iterable[Membership],
    actor: Actor,
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
        event=OrganisationEvent.TEAM_CHANGED,
        actor=actor.within(team.organisation),
        target=team,
        changed_fields=changed,
        details={"added": sorted(wanted - current), "removed": sorted(current - wanted)},
    )
    return team


def _team_set_active(*, team: Team, active: bool, actor: Actor) -> Team:
    team = Team.objects.select_for_update().select_related("organisation").get(pk=team.pk)
    if team.is_active == active:
        return team
    team.is_active = active
    team.save(update_fields=["is_active"])
    audit_record(
        event=OrganisationEvent.TEAM_REACTIVATED if active else OrganisationEvent.TEAM_DEACTIVATED,
        actor=actor.within(team.organisation),
        target=team,
        changed_fields=["is_active"],
    )
    return team


@transaction.atomic
def team_deactivate(*, team: Team, actor: Actor) -> Team:
    """Its members no longer see the team's cases (those assigned to them by name they keep)."""
    return _team_set_active(team=team, active=False, actor=actor)


@transaction.atomic
def team_reactivate(*, team: Team, actor: Actor) -> Team:
    return _team_set_active(team=team, active=True, actor=actor)
