from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.models import User
from donghanh.core.queries import CompiledRead
from donghanh.organisations.models import (
    Invitation,
    Membership,
    MembershipPeriod,
    Organisation,
    Team,
)
from donghanh.organisations.roles import Perm, Role, role_allows

# Every staff page reads them (the navigation, the access check): compiled once per process
# (`donghanh.core.queries`).
_active_memberships_of = CompiledRead(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
)


def memberships_for(user: Any) -> list[Membership]:
    """The user's active memberships, cached on the user object for the request."""
    cached: list[Membership] | None = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = _active_memberships_of(user.pk)
        user._active_memberships = cached
    return cached


def access_membership(user: Any, org_slug: str, perm: Perm) -> Membership:
    """The user's membership in the organisation, if it grants `perm`.

    Someone outside the organisation gets 404, exactly as if it did not exist; a member whose
    role does not allow the action gets 403.
    """
    for membership in memberships_for(user):
        if membership.organisation.slug == org_slug:
            if not role_allows(membership.role, perm):
                raise PermissionDenied
            return membership
    raise Http404


def _with_two_factor(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    enrolled = TOTPDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True)
    return memberships.annotate(two_factor_enrolled=Exists(enrolled))


def members_of(organisation_id: int) -> QuerySet[Membership]:
    """Every membership of the organisation, active or not, with whether 2FA is set up."""
    return _with_two_factor(
        Membership.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "user__username")
    )


def access_member(acting_membership: Membership, membership_id: int) -> Membership:
    """A membership of the acting member's own organisation; any other id is 404."""
    try:
        return _with_two_factor(
            Membership.objects.select_related("user", "organisation").filter(
                organisation_id=acting_membership.organisation_id
            )
        ).get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404 from None


def member_credentials_reset_refusal(*, membership: Membership, user: Any) -> str | None:
    """Why an organisation administrator may not reset this member's password or 2FA, if so.

    Resetting someone's credentials hands their account to whoever holds the new ones, so an
    administrator may only do it for an active member of their own organisation who has no
    access anywhere else and no system-wide powers. `user` is the administrator asking.
    """
    member = membership.user
    if member.pk == getattr(user, "pk", None):
        return _("Use your own account page to change your own password or two-factor sign-in.")
    if not membership.is_active:
        return _("This membership is not active. Reactivate it first.")
    if member.is_superuser or member.is_staff:
        return _(
            "This person is a system administrator. Only another system administrator can "
            "reset their sign-in."
        )
    elsewhere = Membership.objects.filter(user=member).exclude(
        organisation_id=membership.organisation_id
    )
    if elsewhere.exists():
        return _(
            "This person also belongs to another organisation. Ask a system administrator to "
            "reset their sign-in."
        )
    return None


def organisation_overview(organisation_id: int) -> Organisation:
    """The organisation with its parent, active units, provinces and active member count."""
    return (
        Organisation.objects.select_related("parent")
        .prefetch_related(
            "provinces",
            Prefetch(
                "units",
                queryset=Organisation.objects.filter(is_active=True).order_by("name"),
                to_attr="active_units",
            ),
        )
        .annotate(
            active_member_count=Count(
                "memberships",
                filter=Q(memberships__is_active=True, memberships__user__is_active=True),
            )
        )
        .get(pk=organisation_id)
    )


# --- Teams ------------------------------------------------------------------------------


def team_eligible_members(organisation_id: int) -> QuerySet[Membership]:
    """Active members who can be in a team: those whose role gives access to cases."""
    roles = [role for role in Role.values if role_allows(role, Perm.VIEW_CASES)]
    return (
        Membership.objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            user__is_active=True,
            role__in=roles,
        )
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )


def teams_of(organisation_id: int) -> QuerySet[Team]:
    """The organisation's teams, active first, each with its members (two queries)."""
    return Team.objects.filter(organisation_id=organisation_id).prefetch_related(
        Prefetch(
            "members",
            queryset=Membership.objects.select_related("user").order_by(
                "user__full_name", "user__username"
            ),
            to_attr="member_list",
        )
    )


def active_teams(organisation_id: int) -> QuerySet[Team]:
    return Team.objects.filter(organisation_id=organisation_id, is_active=True).order_by("name")


def access_team(acting_membership: Membership, team_id: int) -> Team:
    """A team of the acting member's own organisation; any other id is 404."""
    try:
        return Team.objects.select_related("organisation").get(
            pk=team_id, organisation_id=acting_membership.organisation_id
        )
    except Team.DoesNotExist:
        raise Http404 from None


def account_overseers(user: Any) -> list[Any]:
    """The administrators (who may reset passwords) of every organisation `user` is active in.

    Registered with accounts in `OrganisationsConfig.ready()`: they hear about guessed
    passwords on their members' accounts.
    """
    organisation_ids = [m.organisation_id for m in memberships_for(user)]
    roles = [role for role in Role.values if role_allows(role, Perm.RESET_PASSWORDS)]
    admins = (
        Membership.objects.filter(
            organisation_id__in=organisation_ids,
            role__in=roles,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user_id=user.pk)
        .select_related("user")
        .order_by("user_id")
    )
    return list({m.user_id: m.user for m in admins}.values())


def organisation_membership_periods(organisation_id: int) -> list[QuerySet[Any]]:
    """When each user was a member of the organisation (for use as subqueries).

    Registered with audit in `OrganisationsConfig.ready()`: an organisation's log shows a
    member's account events only from within these periods. Each queryset gives `user_id`,
    `username`, `started_at` and `ended_at` (empty while the period lasts). A membership made
    inactive without an end recorded counts as having ended when it began: nothing is shown.
    """
    username = f"user__{User.USERNAME_FIELD}"
    current = Membership.objects.filter(organisation_id=organisation_id).annotate(
        username=F(username),
        started_at=F("joined_at"),
        ended_at=Case(
            When(is_active=True, then=Value(None, output_field=DateTimeField())),
            default=Coalesce(F("left_at"), F("joined_at")),
            output_field=DateTimeField(),
        ),
    )
    past = MembershipPeriod.objects.filter(membership__organisation_id=organisation_id).annotate(
        user_id=F("membership__user_id"), username=F(f"membership__{username}")
    )
    return [current, past]


# --- Invitations ------------------------------------------------------------------------


def invitations_of(organisation_id: int, *, limit: int = 50) -> list[Invitation]:
    """The organisation's latest invitations, newest first (what they were sent as: the
    username typed, never whether an account has it)."""
    return list(
        Invitation.objects.filter(organisation_id=organisation_id).select_related("invited_by")[
            :limit
        ]
    )


def access_invitation(acting_membership: Membership, invitation_id: int) -> Invitation:
    """An invitation of the acting member's own organisation; any other id is 404."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=invitation_id, organisation_id=acting_membership.organisation_id)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def open_invitations_for(user: Any) -> list[Invitation]:
    """The invitations waiting for the user's answer, from active organisations, newest first."""
    return list(
        Invitation.objects.filter(
            user=user,
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
            organisation__is_active=True,
        ).select_related("organisation")
    )


def access_own_invitation(user: Any, invitation_id: int) -> Invitation:
    """An invitation addressed to the user; anyone else's is 404."""
    user_id = getattr(user, "pk", None)
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=invitation_id, user_id=user_id)
        .first()
        if user_id is not None
        else None
    )
    if invitation is None:
        raise Http404
    return invitation
