"""Accounts across organisations: what an organisation's administrator can do to, and learn
about, the account of someone who is not (or no longer) a member.

- Invitations: an existing account joins another organisation only by accepting an invitation,
  which expires, can be withdrawn, and is audited on both sides.
- Audit scope: an organisation's log shows a member's account events (sign-ins with address
  and browser…) only from while they were a member, and never another organisation's rows.
- Username existence: the add-member form answers the same, and does the same work, whether
  an account has the username or not.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.events import AccountEvent
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.organisations import services
from donghanh.organisations.events import OrganisationEvent
from donghanh.organisations.models import Invitation, Membership, MembershipPeriod
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
UserFactory: Any = factories.UserFactory

pytestmark = pytest.mark.django_db


def add_url(org) -> str:
    return reverse("organisations:member_add", kwargs={"org": org.slug})


def log_url(org) -> str:
    return reverse("organisations:audit_log", kwargs={"org": org.slug})


def invite(client, org, username: str, role: str = Role.CASE_WORKER, **extra: Any):
    return client.post(
        add_url(org),
        {"mode": "existing", "existing-username": username, "existing-role": role},
        **extra,
    )


@pytest.fixture
def stranger(trio):
    """A case worker of the other organisation, whom the trio's owner would like to have."""
    return MembershipFactory(
        organisation=trio.other_organisation,
        role=Role.CASE_WORKER,
        user=UserFactory(username="lan.tran"),
        joined_at=timezone.make_aware(datetime(2026, 1, 1)),
    ).user


def at(day: int, month: int = 3) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 9, 0))


def signed_in(user: Any, when: datetime, *, ip: str = "198.51.100.7") -> AuditEntry:
    """A sign-in of `user` at `when`, from `ip`, as the accounts app records it."""
    actor = Actor(user=user, ip_address=ip, user_agent="Mozilla/5.0 (Android) Chrome/120")
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_record(event=AccountEvent.SIGNED_IN, actor=actor)


def failed_sign_in(username: str, when: datetime) -> AuditEntry:
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_record(event=AccountEvent.SIGN_IN_FAILED, actor=Actor(name=username))


def shown(client, org) -> set[int]:
    response = client.get(log_url(org))
    assert response.status_code == 200
    return {entry.pk for entry in response.context["page"].paginator.object_list}


# Invitations -------------------------------------------------------------------------------


def test_an_administrator_cannot_add_another_organisations_user_directly(trio, stranger):
    response = invite(trio.owner_client, trio.organisation, "lan.tran", Role.SUPERVISOR)

    assert response.status_code == 302
    assert not Membership.objects.filter(organisation=trio.organisation, user=stranger).exists()
    # Not a member: none of the organisation's pages about members reach the account.
    page = trio.owner_client.get(
        reverse("organisations:members", kwargs={"org": trio.organisation.slug})
    )
    assert stranger.full_name not in page.content.decode()
    invitation = Invitation.objects.get(organisation=trio.organisation)
    assert invitation.user == stranger and invitation.status == Invitation.Status.PENDING


def test_the_invited_person_sees_the_invitation_after_signing_in_and_accepts(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran", Role.SUPERVISOR)
    invitation = Invitation.objects.get()
    client = signed_in_client(stranger)

    home = client.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="vi")
    assert [i.pk for i in home.context["invitations"]] == [invitation.pk]
    assert trio.organisation.name in home.content.decode()

    response = client.post(reverse("invitations:accept", kwargs={"invitation_id": invitation.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "organisations:detail", kwargs={"org": trio.organisation.slug}
    )
    membership = Membership.objects.get(organisation=trio.organisation, user=stranger)
    assert membership.role == Role.SUPERVISOR and membership.is_active
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.answered_at
    # Still a member of their own organisation: joining one leaves the other untouched.
    assert Membership.objects.get(organisation=trio.other_organisation, user=stranger).is_active
    assert client.get(reverse("workspace:home")).context["invitations"] == []


def test_invitations_are_audited_on_both_sides(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran")
    invitation = Invitation.objects.get()
    signed_in_client(stranger).post(
        reverse("invitations:accept", kwargs={"invitation_id": invitation.pk})
    )

    rows = AuditEntry.objects.filter(organisation=trio.organisation).order_by("id")
    assert [(row.event, row.actor) for row in rows] == [
        # The administrator's side: the invitation sent…
        (OrganisationEvent.INVITATION_SENT.code, trio.owner),
        # … the invited person's side: their answer, and the membership it made.
        (OrganisationEvent.INVITATION_ACCEPTED.code, stranger),
        (OrganisationEvent.MEMBER_ADDED.code, stranger),
    ]
    for row in rows:
        assert "lan.tran" not in row.summary and stranger.full_name not in row.summary


def test_a_declined_invitation_makes_no_member_and_is_audited(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran")
    invitation = Invitation.objects.get()

    response = signed_in_client(stranger).post(
        reverse("invitations:decline", kwargs={"invitation_id": invitation.pk})
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(organisation=trio.organisation, user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    entry = AuditEntry.objects.get(event=OrganisationEvent.INVITATION_DECLINED.code)
    assert entry.actor == stranger and entry.organisation == trio.organisation


def test_an_invitation_expires(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran")
    invitation = Invitation.objects.get()
    waits = invitation.expires_at - invitation.created_at
    assert abs(waits - timedelta(days=services.INVITATION_DAYS)) < timedelta(seconds=1)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client = signed_in_client(stranger)

    assert client.get(reverse("workspace:home")).context["invitations"] == []
    client.post(reverse("invitations:accept", kwargs={"invitation_id": invitation.pk}))

    assert not Membership.objects.filter(organisation=trio.organisation, user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING and invitation.is_expired


def test_a_withdrawn_invitation_can_no_longer_be_accepted(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran")
    invitation = Invitation.objects.get()
    trio.owner_client.post(
        reverse(
            "organisations:invitation_withdraw",
            kwargs={"org": trio.organisation.slug, "invitation_id": invitation.pk},
        )
    )

    signed_in_client(stranger).post(
        reverse("invitations:accept", kwargs={"invitation_id": invitation.pk})
    )

    assert not Membership.objects.filter(organisation=trio.organisation, user=stranger).exists()
    assert Invitation.objects.get().status == Invitation.Status.WITHDRAWN
    entry = AuditEntry.objects.get(event=OrganisationEvent.INVITATION_WITHDRAWN.code)
    assert entry.actor == trio.owner


def test_nobody_else_can_answer_someone_elses_invitation(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran")
    invitation = Invitation.objects.get()
    for client in (trio.owner_client, trio.outsider_client, trio.colleague_client):
        for answer in ("accept", "decline"):
            response = client.post(
                reverse(f"invitations:{answer}", kwargs={"invitation_id": invitation.pk})
            )
            assert response.status_code == 404
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_an_invitation_to_a_username_nobody_has_binds_no_later_account(trio):
    invite(trio.owner_client, trio.organisation, "chua.co")
    # An account made later with that username is not invited: the invitation named nobody.
    latecomer = UserFactory(username="chua.co")
    assert signed_in_client(latecomer).get(reverse("workspace:home")).context["invitations"] == []
    assert Invitation.objects.get().user is None


# Audit scope -------------------------------------------------------------------------------


def test_the_log_shows_a_members_sign_ins_only_while_a_member(trio, stranger):
    before = signed_in(stranger, at(1))
    failed_before = failed_sign_in("lan.tran", at(2))
    invite(trio.owner_client, trio.organisation, "lan.tran")
    signed_in_client(stranger).post(
        reverse("invitations:accept", kwargs={"invitation_id": Invitation.objects.get().pk})
    )
    membership = Membership.objects.get(organisation=trio.organisation, user=stranger)
    during = signed_in(stranger, timezone.now() + timedelta(hours=1))
    failed_during = failed_sign_in("lan.tran", timezone.now() + timedelta(hours=2))
    left = timezone.now() + timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=left):
        services.membership_deactivate(
            membership=membership, actor=Actor.for_user(trio.owner, organisation=trio.organisation)
        )
    after = signed_in(stranger, left + timedelta(hours=1))
    failed_after = failed_sign_in("lan.tran", left + timedelta(hours=2))

    seen = shown(trio.owner_client, trio.organisation)

    assert {during.pk, failed_during.pk} <= seen
    assert not {before.pk, failed_before.pk, after.pk, failed_after.pk} & seen
    # Their own organisation, where they have been a member all along, sees every sign-in.
    theirs = shown(trio.outsider_client, trio.other_organisation)
    assert {before.pk, during.pk, after.pk} <= theirs


def test_the_log_skips_the_gap_between_two_periods_of_membership(trio, member):
    member.joined_at = at(1)
    member.save(update_fields=["joined_at"])
    actor = Actor.for_user(trio.owner, organisation=trio.organisation)
    first = signed_in(member.user, at(2))
    with mock.patch("django.utils.timezone.now", return_value=at(3)):
        services.membership_deactivate(membership=member, actor=actor)
    gap = signed_in(member.user, at(4))
    with mock.patch("django.utils.timezone.now", return_value=at(5)):
        services.membership_reactivate(membership=member, actor=actor)
    second = signed_in(member.user, at(6))

    seen = shown(trio.owner_client, trio.organisation)

    assert {first.pk, second.pk} <= seen
    assert gap.pk not in seen
    assert list(MembershipPeriod.objects.values_list("started_at", "ended_at")) == [(at(1), at(3))]


def test_the_log_never_shows_a_members_rows_of_another_organisation(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran")
    signed_in_client(stranger).post(
        reverse("invitations:accept", kwargs={"invitation_id": Invitation.objects.get().pk})
    )
    elsewhere = audit_record(
        event=OrganisationEvent.ROLE_CHANGED,
        actor=Actor.for_user(stranger, organisation=trio.other_organisation),
        details={"old_role": "case_worker", "role": "supervisor"},
    )
    assert elsewhere.pk not in shown(trio.owner_client, trio.organisation)


def test_member_pages_show_no_sign_in_from_before_joining(trio, stranger):
    stranger.last_login = at(1)
    stranger.save(update_fields=["last_login"])
    invite(trio.owner_client, trio.organisation, "lan.tran")
    signed_in_client(stranger).post(
        reverse("invitations:accept", kwargs={"invitation_id": Invitation.objects.get().pk})
    )
    membership = Membership.objects.get(organisation=trio.organisation, user=stranger)
    stranger.last_login = at(1)  # signing in for the test moved it: put it back
    stranger.save(update_fields=["last_login"])

    members = trio.owner_client.get(
        reverse("organisations:members", kwargs={"org": trio.organisation.slug})
    )
    member = trio.owner_client.get(
        reverse(
            "organisations:member",
            kwargs={"org": trio.organisation.slug, "member_id": membership.pk},
        )
    )
    for response in (members, member):
        assert "01/03/2026" not in response.content.decode()


def test_existing_memberships_get_their_periods_from_the_audit_log(trio, member):
    """The data migration rebuilds each membership's periods from its audit rows."""
    from importlib import import_module

    migration = import_module(
        "donghanh.organisations.migrations.0003_invitations_and_membership_periods"
    )
    Membership.objects.filter(pk=member.pk).update(created_at=at(1), is_active=False)
    for day, event in (
        (3, OrganisationEvent.MEMBERSHIP_DEACTIVATED),
        (5, OrganisationEvent.MEMBERSHIP_REACTIVATED),
        (7, OrganisationEvent.MEMBERSHIP_DEACTIVATED),
    ):
        with mock.patch("django.utils.timezone.now", return_value=at(day)):
            audit_record(
                event=event,
                actor=Actor.for_user(trio.owner, organisation=trio.organisation),
                target=member,
            )

    migration.rebuild_membership_periods(django_apps, None)

    member.refresh_from_db()
    assert (member.joined_at, member.left_at) == (at(5), at(7))
    assert list(
        MembershipPeriod.objects.filter(membership=member).values_list("started_at", "ended_at")
    ) == [(at(1), at(3))]
    # Active memberships run from when they were made.
    owner = Membership.objects.get(organisation=trio.organisation, user=trio.owner)
    assert owner.joined_at == owner.created_at and owner.left_at is None


# Username existence ------------------------------------------------------------------------


def _answer(trio, username: str) -> tuple[Any, ...]:
    """What the administrator sees, and how much work the server did, for one username."""
    with CaptureQueriesContext(connection) as queries:
        response = invite(trio.owner_client, trio.organisation, username, HTTP_ACCEPT_LANGUAGE="vi")
    followed = trio.owner_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi")
    messages = [str(m) for m in followed.context["messages"]]
    entry = AuditEntry.objects.filter(organisation=trio.organisation).latest("id")
    invitation = Invitation.objects.filter(username=username).get()
    row = next(i for i in followed.context["invitations"] if i.pk == invitation.pk)
    return (
        response.status_code,
        response["Location"],
        messages,
        len(queries),
        entry.event,
        entry.summary,
        entry.changed_fields,
        entry.details,
        (row.status, row.is_open, row.get_role_display()),
    )


def test_the_add_member_form_answers_the_same_for_existing_and_unknown_usernames(trio, stranger):
    UserFactory(username="da.nghi", is_active=False)

    existing = _answer(trio, "lan.tran")
    unknown = _answer(trio, "khong.ai.co")
    inactive = _answer(trio, "da.nghi")

    assert existing == unknown == inactive
    assert existing[0] == 302
    assert "Nếu có tài khoản đang hoạt động với tên đăng nhập này" in existing[2][0]


def test_the_add_member_form_never_says_that_a_username_is_unknown(trio):
    response = invite(
        trio.owner_client, trio.organisation, "khong.ai.co", HTTP_ACCEPT_LANGUAGE="vi"
    )
    page = trio.owner_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="vi")
    text = page.content.decode()
    assert "Không có tài khoản nào" not in text
    assert "No active account" not in text


def test_the_members_page_shows_both_invitations_alike(trio, stranger):
    invite(trio.owner_client, trio.organisation, "lan.tran")
    invite(trio.owner_client, trio.organisation, "khong.ai.co")
    page = trio.owner_client.get(
        reverse("organisations:members", kwargs={"org": trio.organisation.slug})
    ).content.decode()
    rows = [
        re.sub(r"lan\.tran|khong\.ai\.co|/invitations/\d+/", "X", row)
        for row in re.findall(r"<tr>.*?</tr>", page, flags=re.DOTALL)
        if "lan.tran" in row or "khong.ai.co" in row
    ]
    assert len(rows) == 2 and rows[0] == rows[1]
    assert stranger.full_name not in page


def test_an_unknown_actions_filter_is_not_an_oracle_either(trio, stranger):
    """The log's username filter reads only rows the organisation may see: a stranger's
    sign-ins are not found by filtering on their username."""
    signed_in(stranger, at(1))
    response = trio.owner_client.get(
        log_url(trio.organisation) + "?username=lan.tran&action=" + AuditAction.LOGIN
    )
    assert list(response.context["page"]) == []
