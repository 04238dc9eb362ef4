"""Every role × every protected page and action × own organisation and another organisation.

The expected statuses are written out by hand below, not computed from roles.py, so that a
mistake in GRANTS (or in a view's choice of permission) fails here. docs/permissions.md holds
the same rules for people to read; test_permissions_doc.py keeps it in step with GRANTS.

Every signed-in client has passed the second factor (`signed_in_client`), so the statuses are
those of the permission checks, not of the 2FA gate.

Legend:
    200, 302  allowed (302: an action that redirects after success)
    403       a member whose role lacks the permission
    404       another organisation, or someone with no membership there: it might not exist
    LOGIN     anonymous: redirected to the platform's sign-in page
    ADMIN     redirected to the admin's login address, which forwards to the platform's sign-in;
              Django's admin answers every user who is not staff this way (a refusal)

Every action case also checks its effect: done when allowed, nothing changed when refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.models import SignInThrottle
from donghanh.organisations import invitation_urls
from donghanh.organisations import urls as organisation_urls
from donghanh.organisations.models import Invitation, Membership, Organisation, Team
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import confirmed_totp_device

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

LOGIN = "LOGIN"
ADMIN = "ADMIN"

ACTORS = (
    "org_admin",
    "supervisor",
    "case_worker",
    "collaborator",
    "programme_officer",
    "content_editor",
    "donor_viewer",
    "system_administrator",  # a superuser without any membership
    "no_membership",  # signed in, member of nothing
    "anonymous",
)

# Pages inside an organisation (GET), in the order of the table columns.
ORG_PAGES = (
    "overview",  # /app/o/<org>/
    "members",  # /app/o/<org>/members/
    "add_page",  # /app/o/<org>/members/add/
    "member",  # /app/o/<org>/members/<id>/
    "audit_log",  # /app/o/<org>/audit/
    "teams",  # /app/o/<org>/teams/
    "team_add_page",  # /app/o/<org>/teams/add/
    "team_page",  # /app/o/<org>/teams/<id>/
)
# Actions inside an organisation (POST), in the order of the table columns.
ORG_ACTIONS = (
    "add_member",  # /app/o/<org>/members/add/
    "change_role",  # /app/o/<org>/members/<id>/role/
    "deactivate",  # /app/o/<org>/members/<id>/deactivate/
    "reactivate",  # /app/o/<org>/members/<id>/reactivate/
    "reset_password",  # /app/o/<org>/members/<id>/password-reset/
    "reset_2fa",  # /app/o/<org>/members/<id>/two-factor-reset/
    "unlock",  # /app/o/<org>/members/<id>/unlock/
    "team_add",  # /app/o/<org>/teams/add/
    "team_edit",  # /app/o/<org>/teams/<id>/
    "team_deactivate",  # /app/o/<org>/teams/<id>/deactivate/
    "team_reactivate",  # /app/o/<org>/teams/<id>/reactivate/
    "withdraw_invitation",  # /app/o/<org>/members/invitations/<id>/withdraw/
)

# fmt: off
OWN_ORGANISATION_PAGES: dict[str, tuple[Any, ...]] = {
    # overview members add member audit teams team_add team
    "org_admin":            (200, 200, 200, 200, 200, 200, 200, 200),
    "supervisor":           (200, 403, 403, 403, 200, 200, 200, 200),
    "case_worker":          (200, 403, 403, 403, 403, 403, 403, 403),
    "collaborator":         (200, 403, 403, 403, 403, 403, 403, 403),
    "programme_officer":    (200, 403, 403, 403, 403, 403, 403, 403),
    "content_editor":       (200, 403, 403, 403, 403, 403, 403, 403),
    "donor_viewer":         (200, 403, 403, 403, 403, 403, 403, 403),
    "system_administrator": (404, 404, 404, 404, 404, 404, 404, 404),
    "no_membership":        (404, 404, 404, 404, 404, 404, 404, 404),
    "anonymous":            (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
}

OWN_ORGANISATION_ACTIONS: dict[str, tuple[Any, ...]] = {
    # add role deact react reset_pw reset_2fa unlock team_add team_edit team_deact team_react withd.
    "org_admin":            (302, 302, 302, 302, 200, 302, 302, 302, 302, 302, 302, 302),
    "supervisor":           (403, 403, 403, 403, 403, 403, 403, 302, 302, 302, 302, 403),
    "case_worker":          (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "collaborator":         (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "programme_officer":    (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "content_editor":       (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "donor_viewer":         (403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 403),
    "system_administrator": (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "no_membership":        (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "anonymous":            (LOGIN,) * len(ORG_ACTIONS),
}

OTHER_ORGANISATION_PAGES: dict[str, tuple[Any, ...]] = {
    # overview members add member audit teams team_add team
    "org_admin":            (404, 404, 404, 404, 404, 404, 404, 404),
    "supervisor":           (404, 404, 404, 404, 404, 404, 404, 404),
    "case_worker":          (404, 404, 404, 404, 404, 404, 404, 404),
    "collaborator":         (404, 404, 404, 404, 404, 404, 404, 404),
    "programme_officer":    (404, 404, 404, 404, 404, 404, 404, 404),
    "content_editor":       (404, 404, 404, 404, 404, 404, 404, 404),
    "donor_viewer":         (404, 404, 404, 404, 404, 404, 404, 404),
    "system_administrator": (404, 404, 404, 404, 404, 404, 404, 404),
    "no_membership":        (404, 404, 404, 404, 404, 404, 404, 404),
    "anonymous":            (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
}

OTHER_ORGANISATION_ACTIONS: dict[str, tuple[Any, ...]] = {
    # add role deact react reset_pw reset_2fa unlock team_add team_edit team_deact team_react withd.
    "org_admin":            (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "supervisor":           (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "case_worker":          (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "collaborator":         (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "programme_officer":    (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "content_editor":       (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "donor_viewer":         (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "system_administrator": (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "no_membership":        (404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    "anonymous":            (LOGIN,) * len(ORG_ACTIONS),
}

# Pages outside any organisation.
GLOBAL_COLUMNS = (
    "workspace_home",  # GET /app/
    "admin",  # GET /admin/
    "places",  # GET /app/places/
)

GLOBAL_PAGES: dict[str, tuple[Any, ...]] = {
    #                      home   admin  places
    "org_admin":            (200,  ADMIN, 200),
    "supervisor":           (200,  ADMIN, 200),
    "case_worker":          (200,  ADMIN, 200),
    "collaborator":         (200,  ADMIN, 200),
    "programme_officer":    (200,  ADMIN, 200),
    "content_editor":       (200,  ADMIN, 200),
    "donor_viewer":         (200,  ADMIN, 200),
    "system_administrator": (200,  200,   200),
    "no_membership":        (200,  ADMIN, 200),
    "anonymous":            (LOGIN, ADMIN, LOGIN),
}
# fmt: on


# The world each case runs in -------------------------------------------------------------------


@dataclass
class World:
    own: Organisation
    other: Organisation
    client: Client
    targets: dict[str, Membership]  # scope -> the case worker the actions are aimed at
    teams: dict[str, Team]  # scope -> the team the team actions are aimed at
    invitations: dict[str, Invitation]  # scope -> the invitation withdraw_invitation withdraws
    newcomer_username: str  # an existing account that add_member invites


def _actor(actor: str, own: Organisation) -> Client:
    if actor == "anonymous":
        return Client()
    if actor == "system_administrator":
        return signed_in_client(UserFactory(is_superuser=True, is_staff=True))
    if actor == "no_membership":
        return signed_in_client(UserFactory())
    return signed_in_client(MembershipFactory(organisation=own, role=Role(actor)).user)


def _world(actor: str) -> World:
    own, other = OrganisationFactory(), OrganisationFactory()
    targets = {}
    teams = {}
    invitations = {}
    for scope, organisation in (("own", own), ("other", other)):
        # Each organisation keeps an administrator of its own, so no action meets the
        # last-administrator rule, and a case worker the actions are aimed at.
        MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
        targets[scope] = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER)
        teams[scope] = Team.objects.create(organisation=organisation, name="Nhóm tạm lánh")
        invitations[scope] = Invitation.objects.create(
            organisation=organisation,
            username="moi.moi",
            role=Role.CASE_WORKER,
            expires_at=timezone.now() + timedelta(days=14),
        )
    return World(
        own=own,
        other=other,
        client=_actor(actor, own),
        targets=targets,
        teams=teams,
        invitations=invitations,
        newcomer_username=UserFactory().username,
    )


# How to perform each page or action, and how to tell that an action took effect --------------


@dataclass(frozen=True)
class Action:
    url_name: str
    method: str = "get"
    on_member: bool = False
    on_team: bool = False
    on_invitation: bool = False
    data: Callable[[World, str], dict[str, str]] = lambda world, scope: {}
    prepare: Callable[[World, str], None] = lambda world, scope: None
    took_effect: Callable[[World, str], bool] | None = None


def _reload(target: Membership) -> Membership:
    return Membership.objects.select_related("user").get(pk=target.pk)


def _deactivate(world: World, scope: str) -> None:
    Membership.objects.filter(pk=world.targets[scope].pk).update(is_active=False)


def _enrol(world: World, scope: str) -> None:
    confirmed_totp_device(world.targets[scope].user)


def _lock_out(world: World, scope: str) -> None:
    SignInThrottle.objects.create(
        username=world.targets[scope].user.username,
        failures=20,
        last_failure_at=timezone.now(),
        slowed_until=timezone.now() + timedelta(minutes=30),
    )


def _team(world: World, scope: str) -> Team:
    return Team.objects.get(pk=world.teams[scope].pk)


def _deactivate_team(world: World, scope: str) -> None:
    Team.objects.filter(pk=world.teams[scope].pk).update(is_active=False)


def _organisation(world: World, scope: str) -> Organisation:
    return world.own if scope == "own" else world.other


HOW: dict[str, Action] = {
    "overview": Action("organisations:detail"),
    "members": Action("organisations:members"),
    "add_page": Action("organisations:member_add"),
    "member": Action("organisations:member", on_member=True),
    "audit_log": Action("organisations:audit_log"),
    "teams": Action("organisations:teams"),
    "team_add_page": Action("organisations:team_add"),
    "team_page": Action("organisations:team_edit", on_team=True),
    "team_add": Action(
        "organisations:team_add",
        method="post",
        data=lambda world, scope: {
            "name": "Nhóm Nghệ An",
            "members": str(world.targets[scope].pk),
        },
        took_effect=lambda world, scope: Team.objects.filter(
            organisation=_organisation(world, scope),
            name="Nhóm Nghệ An",
            members=world.targets[scope],
        ).exists(),
    ),
    "team_edit": Action(
        "organisations:team_edit",
        method="post",
        on_team=True,
        data=lambda world, scope: {
            "name": "Nhóm tạm lánh 2",
            "members": str(world.targets[scope].pk),
        },
        took_effect=lambda world, scope: (
            _team(world, scope).name == "Nhóm tạm lánh 2"
            and list(_team(world, scope).members.all()) == [world.targets[scope]]
        ),
    ),
    "team_deactivate": Action(
        "organisations:team_deactivate",
        method="post",
        on_team=True,
        took_effect=lambda world, scope: not _team(world, scope).is_active,
    ),
    "team_reactivate": Action(
        "organisations:team_reactivate",
        method="post",
        on_team=True,
        prepare=_deactivate_team,
        took_effect=lambda world, scope: _team(world, scope).is_active,
    ),
    "add_member": Action(
        "organisations:member_add",
        method="post",
        data=lambda world, scope: {
            "mode": "existing",
            "existing-username": world.newcomer_username,
            "existing-role": Role.CASE_WORKER,
        },
        # An invitation, never a membership: the person joins by accepting it.
        took_effect=lambda world, scope: (
            Invitation.objects.filter(
                organisation=_organisation(world, scope), user__username=world.newcomer_username
            ).exists()
            and not Membership.objects.filter(user__username=world.newcomer_username).exists()
        ),
    ),
    "withdraw_invitation": Action(
        "organisations:invitation_withdraw",
        method="post",
        on_invitation=True,
        took_effect=lambda world, scope: (
            Invitation.objects.get(pk=world.invitations[scope].pk).status
            == Invitation.Status.WITHDRAWN
        ),
    ),
    "change_role": Action(
        "organisations:member_change_role",
        method="post",
        on_member=True,
        data=lambda world, scope: {"role-role": Role.SUPERVISOR},
        took_effect=lambda world, scope: _reload(world.targets[scope]).role == Role.SUPERVISOR,
    ),
    "deactivate": Action(
        "organisations:member_deactivate",
        method="post",
        on_member=True,
        took_effect=lambda world, scope: not _reload(world.targets[scope]).is_active,
    ),
    "reactivate": Action(
        "organisations:member_reactivate",
        method="post",
        on_member=True,
        prepare=_deactivate,
        took_effect=lambda world, scope: _reload(world.targets[scope]).is_active,
    ),
    "reset_password": Action(
        "organisations:member_password_reset",
        method="post",
        on_member=True,
        data=lambda world, scope: {"password-confirmed": "on"},
        took_effect=lambda world, scope: _reload(world.targets[scope]).user.must_change_password,
    ),
    "reset_2fa": Action(
        "organisations:member_two_factor_reset",
        method="post",
        on_member=True,
        data=lambda world, scope: {"two_factor-confirmed": "on"},
        prepare=_enrol,
        took_effect=lambda world, scope: (
            not TOTPDevice.objects.filter(user=world.targets[scope].user).exists()
        ),
    ),
    "unlock": Action(
        "organisations:member_sign_in_unlock",
        method="post",
        on_member=True,
        prepare=_lock_out,
        took_effect=lambda world, scope: (
            not SignInThrottle.objects.filter(username=world.targets[scope].user.username).exists()
        ),
    ),
}

GLOBAL_URLS = {
    "workspace_home": lambda: reverse("workspace:home"),
    "admin": lambda: reverse("admin:index"),
    "places": lambda: reverse("places:lookup"),
}


def _assert_status(response: Any, expected: Any) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif expected == ADMIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    else:
        assert response.status_code == expected


ORG_TABLES = (
    ("own", ORG_PAGES, OWN_ORGANISATION_PAGES),
    ("own", ORG_ACTIONS, OWN_ORGANISATION_ACTIONS),
    ("other", ORG_PAGES, OTHER_ORGANISATION_PAGES),
    ("other", ORG_ACTIONS, OTHER_ORGANISATION_ACTIONS),
)


def _org_cases() -> list[Any]:
    cases = []
    for scope, columns, table in ORG_TABLES:
        for actor in ACTORS:
            for column, expected in zip(columns, table[actor], strict=True):
                cases.append(
                    pytest.param(actor, column, scope, expected, id=f"{actor}-{column}-{scope}")
                )
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "column", "scope", "expected"), _org_cases())
def test_organisation_pages_and_actions(actor, column, scope, expected):
    world = _world(actor)
    organisation = world.own if scope == "own" else world.other
    action = HOW[column]
    action.prepare(world, scope)
    kwargs: dict[str, Any] = {"org": organisation.slug}
    if action.on_member:
        kwargs["member_id"] = world.targets[scope].pk
    if action.on_team:
        kwargs["team_id"] = world.teams[scope].pk
    if action.on_invitation:
        kwargs["invitation_id"] = world.invitations[scope].pk
    url = reverse(action.url_name, kwargs=kwargs)

    response = getattr(world.client, action.method)(url, action.data(world, scope))

    _assert_status(response, expected)
    if action.took_effect is not None:
        allowed = expected in (200, 302)
        assert action.took_effect(world, scope) is allowed


def _global_cases() -> list[Any]:
    return [
        pytest.param(actor, column, expected, id=f"{actor}-{column}")
        for actor in ACTORS
        for column, expected in zip(GLOBAL_COLUMNS, GLOBAL_PAGES[actor], strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "column", "expected"), _global_cases())
def test_pages_outside_organisations(actor, column, expected):
    world = _world(actor)
    _assert_status(world.client.get(GLOBAL_URLS[column]()), expected)


def test_the_matrix_covers_every_page_of_the_organisations_app():
    in_matrix = {action.url_name.split(":")[1] for action in HOW.values()}
    in_app = {pattern.name for pattern in organisation_urls.urlpatterns}
    assert in_matrix == in_app


def test_every_table_has_a_row_per_actor_and_a_cell_per_column():
    tables = [(columns, table) for _, columns, table in ORG_TABLES]
    for columns, table in [*tables, (GLOBAL_COLUMNS, GLOBAL_PAGES)]:
        assert tuple(table) == ACTORS
        assert all(len(row) == len(columns) for row in table.values())
    assert set(HOW) == set(ORG_PAGES) | set(ORG_ACTIONS)
    # Only GET pages are read-only; every action must say how to tell that it took effect.
    assert all(HOW[name].method == "get" and HOW[name].took_effect is None for name in ORG_PAGES)
    assert all(HOW[name].method == "post" and HOW[name].took_effect for name in ORG_ACTIONS)


# Answering an invitation (POST /app/invitations/<id>/accept/, …/decline/), outside any
# organisation: only the invited account may; for anyone else the invitation does not exist.
INVITATION_ANSWERS = {"accept": Invitation.Status.ACCEPTED, "decline": Invitation.Status.DECLINED}


def _invitation_cases() -> list[Any]:
    cases = []
    for actor in ACTORS:
        for answer in INVITATION_ANSWERS:
            addressees = ("someone_else",) if actor == "anonymous" else ("self", "someone_else")
            for addressee in addressees:
                expected = LOGIN if actor == "anonymous" else 302 if addressee == "self" else 404
                cases.append(
                    pytest.param(
                        actor, answer, addressee, expected, id=f"{actor}-{answer}-{addressee}"
                    )
                )
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "answer", "addressee", "expected"), _invitation_cases())
def test_answering_an_invitation(actor, answer, addressee, expected):
    world = _world(actor)
    user = world.client.session.get("_auth_user_id")
    invitee = (
        UserFactory()
        if addressee == "someone_else"
        else UserFactory._meta.model.objects.get(pk=user)
    )
    invitation = Invitation.objects.create(
        organisation=world.other,
        username=invitee.username,
        user=invitee,
        role=Role.CASE_WORKER,
        expires_at=timezone.now() + timedelta(days=14),
    )

    response = world.client.post(
        reverse(f"invitations:{answer}", kwargs={"invitation_id": invitation.pk})
    )

    _assert_status(response, expected)
    invitation.refresh_from_db()
    allowed = expected == 302
    assert (invitation.status == INVITATION_ANSWERS[answer]) is allowed
    joined = Membership.objects.filter(organisation=world.other, user=invitee).exists()
    assert joined is (allowed and answer == "accept")


def test_invitation_answers_are_in_the_matrix():
    assert {p.name for p in invitation_urls.urlpatterns} == set(INVITATION_ANSWERS)
