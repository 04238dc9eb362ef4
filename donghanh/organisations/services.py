"""Changes to who belongs to an organisation and how they sign in.

Every function runs in one transaction with its audit row, so a change is never recorded
without happening, nor happens without being recorded. Rules that refuse a change raise
`ValidationError` with a message for the administrator.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from donghanh.accounts.models import SignInThrottle
from donghanh.accounts.services import user_end_all_sessions
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.text import plain_name
from donghanh.organisations.events import OrganisationEvent
from donghanh.organisations.models import (
    Invitation,
    Membership,
    MembershipPeriod,
    Organisation,
    Team,
)
from donghanh.organisations.roles import Role
from donghanh.organisations.selectors import member_credentials_reset_refusal, team_eligible_members

# How long an invitation waits for an answer.
INVITATION_DAYS = 14

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


def _already_member() -> ValidationError:
    return ValidationError(
        _(
            "This person is already a member of the organisation. Open their membership to "
            "change the role or reactivate it."
        ),
        code="already_member",
    )


def _membership_create(
    *, organisation: Organisation, user: Any, role: str, actor: Actor
) -> Membership:
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise _already_member()
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    audit_record(
        event=OrganisationEvent.MEMBER_ADDED,
        actor=actor.within(organisation),
        target=membership,
        changed_fields=["is_active", "organisation", "role", "user"],
        details={"role": role},
    )
    return membership


# --- Invitations ------------------------------------------------------------------------
#
# An administrator never adds an existing account directly: the person is invited and joins
# only by accepting. Sending an invitation does the same work and gives the same answer
# whether an account has the username or not, so that nobody learns which usernames exist.


@transaction.atomic
def invitation_send(
    *,
    organisation: Organisation,
    username: str,
    role: str,
    actor: Actor,
) -> Invitation:
    """Invite the account with this username, if an active one has it, to join with `role`.

    Refused only for what the administrator already knows: a username of one of the
    organisation's own members, or one with an invitation still waiting for an answer.
    """
    _lock_organisation(organisation.pk)
    username = username.strip()
    if Membership.objects.filter(organisation=organisation, user__username=username).exists():
        raise _already_member()
    waiting = Invitation.objects.filter(
        organisation=organisation,
        username=username,
        status=Invitation.Status.PENDING,
        expires_at__gt=timezone.now(),
    )
    if waiting.exists():
        raise ValidationError(
            _(
                "An invitation for this username is already waiting for an answer. Withdraw it "
                "first to send another one."
            ),
            code="already_invited",
        )
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    invitation = Invitation.objects.create(
        organisation=organisation,
        username=username,
        user=user,
        role=role,
        invited_by_id=actor.user_id,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        event=OrganisationEvent.INVITATION_SENT,
        actor=actor.within(organisation),
        target=invitation,
        changed_fields=["expires_at", "organisation", "role", "username"],
        details={"role": role},
    )
    return invitation


def _locked_invitation(invitation: Invitation) -> Invitation:
    _lock_organisation(invitation.organisation_id)
    return (
        # Only the invitation's row is locked: its user may be null (an outer join), which
        # PostgreSQL cannot lock.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "user")
        .get(pk=invitation.pk)
    )


def _refuse_closed(invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValidationError(
            _("This invitation is no longer open: it was answered, withdrawn or has expired."),
            code="invitation_closed",
        )


def _invitation_close(
    invitation: Invitation, status: str, *, event: OrganisationEvent, actor: Actor
) -> Invitation:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    audit_record(
        event=event,
        actor=actor.within(invitation.organisation),
        target=invitation,
        changed_fields=["answered_at", "status"],
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: Actor) -> Invitation:
    """An administrator takes back an invitation still waiting for an answer."""
    invitation = _locked_invitation(invitation)
    _refuse_closed(invitation)
    return _invitation_close(
        invitation,
        Invitation.Status.WITHDRAWN,
        event=OrganisationEvent.INVITATION_WITHDRAWN,
        actor=actor,
    )


def _refuse_not_invited(invitation: Invitation, actor: Actor) -> None:
    """Only the invited account answers; anyone else is told nothing about the invitation."""
    if invitation.user_id is None or invitation.user_id != actor.user_id:
        raise ValidationError(_("This invitation is not addressed to you."), code="not_invited")


@transaction.atomic
def invitation_accept(*, invitation: Invitation, actor: Actor) -> Membership:
    """The invited person joins the organisation with the role offered."""
    invitation = _locked_invitation(invitation)
    _refuse_not_invited(invitation, actor)
    _refuse_closed(invitation)
    if not invitation.organisation.is_active:
        raise ValidationError(
            _("This organisation is no longer active on the platform."), code="inactive"
        )
    _invitation_close(
        invitation,
        Invitation.Status.ACCEPTED,
        event=OrganisationEvent.INVITATION_ACCEPTED,
        actor=actor,
    )
    return _membership_create(
        organisation=invitation.organisation,
        user=invitation.user,
        role=invitation.role,
        actor=actor,
    )


@transaction.atomic
def invitation_decline(*, invitation: Invitation, actor: Actor) -> Invitation:
    invitation = _locked_invitation(invitation)
    _refuse_not_invited(invitation, actor)
    _refuse_closed(invitation)
    return _invitation_close(
        invitation,
        Invitation.Status.DECLINED,
        event=OrganisationEvent.INVITATION_DECLINED,
        actor=actor,
    )


def _account_username(*, local_part: str, organisation: Organisation) -> str:
    """The username of an account an organisation creates: what the administrator typed, then
    "@" and the organisation's slug (`hoa.nguyen` → `hoa.nguyen@ngoi-nha-binh-yen`)."""
    local_part = local_part.strip()
    if not local_part or "@" in local_part:
        raise ValidationError(
            _("Type the first part of the username only, without “@”, for example hoa.nguyen."),
            code="username_local_part",
        )
    return f"{local_part}@{organisation.slug}"[:150]


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
    # The account's username lives in the organisation's own namespace ("hoa.nguyen@slug"), so
    # "already taken" can only name an account of this organisation: nobody learns whether
    # another organisation's colleague, or anyone else, has an account.
    username = _account_username(local_part=username, organisation=organisation)
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            _("This organisation already has an account with this username. Choose another one."),
            code="username_taken",
        )
    password = _temporary_password()
    user = user_model(
        username=username, full_name=plain_name(full_name), email=email, must_change_password=True
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


def _follow_period(membership: Membership) -> list[str]:
    """Start or end the membership's period to match its new `is_active`; the fields changed.

    Ending sets `left_at`; starting again keeps the ended period as a `MembershipPeriod` and
    begins a new one now.
    """
    now = timezone.now()
    if not membership.is_active:
        if membership.left_at is not None:
            return []
        membership.left_at = now
        return ["left_at"]
    if membership.left_at is not None:
        MembershipPeriod.objects.create(
            membership=membership, started_at=membership.joined_at, ended_at=membership.left_at
        )
    membership.joined_at, membership.left_at = now, None
    return ["joined_at", "left_at"]


@transaction.atomic
def membership_activity_changed_in_admin(
    *, membership: Membership, was_active: bool, actor: Actor
) -> None:
    """Keep the periods of a membership whose `is_active` system administration just changed
    (the change and its audit row are the admin's own)."""
    if membership.is_active == was_active:
        return
    membership.save(update_fields=_follow_period(membership) or ["is_active"])


def _membership_set_active(*, membership: Membership, active: bool, actor: Actor) -> Membership:
    membership = _locked_membership(membership)
    if membership.is_active == active:
        return membership
    if not active:
        _refuse_losing_last_admin(membership)
    membership.is_active = active
    membership.save(update_fields=["is_active", *_follow_period(membership)])
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


@transaction.atomic
def member_sign_in_unlock(*, membership: Membership, actor: Actor) -> int:
    """Lift the lockout of a member of the actor's organisation locked out after wrong
    passwords: their failed attempts are forgotten, from every address, and so is the
    slowdown of their username. Their password and sessions stay as they are. Returns the
    number of records forgotten; the audit row says so, naming the membership."""
    from axes.utils import reset as forget_failed_attempts

    membership = _locked_membership(membership)
    user = membership.user
    if user.is_superuser or user.is_staff:
        raise ValidationError(
            _(
                "This person is a system administrator. Only another system administrator can "
                "unlock their sign-in."
            )
        )
    forgotten = forget_failed_attempts(username=user.username)
    slowdowns, _deleted = SignInThrottle.objects.filter(username=user.username).delete()
    audit_record(
        event=OrganisationEvent.SIGN_IN_UNLOCKED,
        actor=actor.within(membership.organisation),
        target=user,
        changed_fields=["sign_in_lockout"],
        details={"membership": membership.pk, "attempts": forgotten + slowdowns},
    )
    return forgotten + slowdowns


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
