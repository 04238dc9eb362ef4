from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.organisations.models import Invitation, Membership
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.factories import confirmed_totp_device

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
UserFactory: Any = factories.UserFactory

pytestmark = pytest.mark.django_db


def members_url(org) -> str:
    return reverse("organisations:members", kwargs={"org": org.slug})


def add_url(org) -> str:
    return reverse("organisations:member_add", kwargs={"org": org.slug})


def member_url(membership) -> str:
    return reverse(
        "organisations:member",
        kwargs={"org": membership.organisation.slug, "member_id": membership.pk},
    )


# The list ------------------------------------------------------------------------------------


def test_owner_sees_members_with_role_access_two_factor_and_last_sign_in(trio):
    enrolled = MembershipFactory(
        organisation=trio.organisation,
        role=Role.SUPERVISOR,
        user=UserFactory(full_name="Lê Văn Nam", username="nam.le"),
        joined_at=timezone.make_aware(datetime(2026, 1, 5)),
    )
    confirmed_totp_device(enrolled.user)
    enrolled.user.last_login = timezone.make_aware(datetime(2026, 3, 5, 9, 30))
    enrolled.user.save()
    MembershipFactory(
        organisation=trio.organisation,
        role=Role.CASE_WORKER,
        is_active=False,
        user=UserFactory(full_name="Phạm Thị Lan", username="lan.pham"),
    )

    response = trio.owner_client.get(members_url(trio.organisation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Lê Văn Nam" in page and "nam.le" in page
    assert "05/03/2026" in page
    rows = {m.user.username: m for m in response.context["members"]}
    assert rows["nam.le"].two_factor_enrolled is True
    assert rows["lan.pham"].two_factor_enrolled is False
    assert rows["lan.pham"].is_active is False
    # Active members come first.
    assert list(rows)[-1] == "lan.pham"


def test_members_list_shows_only_this_organisation(trio, other_member):
    response = trio.owner_client.get(members_url(trio.organisation))
    assert other_member.user.username not in response.content.decode()


def test_members_colleague_gets_403(trio):
    assert trio.colleague_client.get(members_url(trio.organisation)).status_code == 403


def test_members_outsider_gets_404(trio):
    assert trio.outsider_client.get(members_url(trio.organisation)).status_code == 404


def test_members_wrong_method_gets_405(trio):
    assert trio.owner_client.post(members_url(trio.organisation)).status_code == 405


def test_members_query_count_is_fixed(trio, django_assert_max_num_queries):
    for _ in range(40):
        membership = MembershipFactory(organisation=trio.organisation)
        confirmed_totp_device(membership.user)
    trio.owner_client.get(members_url(trio.organisation))
    # Session, user, device, membership, the list, and saving the session (3): 8 today.
    with django_assert_max_num_queries(10):
        response = trio.owner_client.get(members_url(trio.organisation))
    assert len(response.context["members"]) == 42


# Adding --------------------------------------------------------------------------------------


def test_add_page_shows_both_forms(trio):
    response = trio.owner_client.get(add_url(trio.organisation))
    assert response.status_code == 200
    assert 'name="existing-username"' in response.content.decode()
    assert 'name="new-full_name"' in response.content.decode()


def test_both_forms_start_with_the_least_privileged_role(trio):
    # Issue 11, item 10: not an organisation administrator until someone chooses so.
    page = trio.owner_client.get(add_url(trio.organisation)).content.decode()
    for prefix in ("existing", "new"):
        select = page[page.index(f'name="{prefix}-role"') :]
        select = select[: select.index("</select>")]
        assert '<option value="donor_viewer" selected>' in select
        assert "selected" not in select.replace('<option value="donor_viewer" selected>', "")


def test_add_colleague_gets_403(trio):
    assert trio.colleague_client.get(add_url(trio.organisation)).status_code == 403
    response = trio.colleague_client.post(
        add_url(trio.organisation),
        {"mode": "existing", "existing-username": "x", "existing-role": Role.CASE_WORKER},
    )
    assert response.status_code == 403


def test_add_outsider_gets_404(trio):
    assert trio.outsider_client.get(add_url(trio.organisation)).status_code == 404


def test_add_wrong_method_gets_405(trio):
    assert trio.owner_client.put(add_url(trio.organisation)).status_code == 405


def test_owner_invites_an_existing_account_who_is_not_added_before_accepting(trio):
    person = UserFactory(username="hoa.nguyen")

    response = trio.owner_client.post(
        add_url(trio.organisation),
        {"mode": "existing", "existing-username": "hoa.nguyen", "existing-role": Role.SUPERVISOR},
    )

    assert response.status_code == 302
    assert response["Location"] == members_url(trio.organisation)
    assert not Membership.objects.filter(user=person, organisation=trio.organisation).exists()
    invitation = Invitation.objects.get(organisation=trio.organisation)
    assert invitation.user == person and invitation.role == Role.SUPERVISOR
    assert invitation.status == Invitation.Status.PENDING
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_id=str(invitation.pk))
    assert entry.organisation == trio.organisation
    assert entry.actor == trio.owner
    assert "hoa.nguyen" not in entry.summary


def test_inviting_an_unknown_username_gets_the_same_answer_in_vietnamese(trio):
    response = trio.owner_client.post(
        add_url(trio.organisation),
        {"mode": "existing", "existing-username": "khong.co", "existing-role": Role.SUPERVISOR},
        HTTP_ACCEPT_LANGUAGE="vi",
        follow=True,
    )
    assert response.status_code == 200
    assert "Nếu có tài khoản đang hoạt động với tên đăng nhập này" in response.content.decode()
    assert not Membership.objects.filter(user__username="khong.co").exists()


def test_adding_someone_already_a_member_is_refused(trio):
    response = trio.owner_client.post(
        add_url(trio.organisation),
        {
            "mode": "existing",
            "existing-username": trio.colleague.username,
            "existing-role": Role.SUPERVISOR,
        },
    )
    assert response.status_code == 200
    assert response.context["existing_form"].errors
    assert trio.organisation.memberships.get(user=trio.colleague).role == Role.DONOR_VIEWER


def test_owner_creates_an_account_and_sees_its_temporary_password_once(trio, client):
    response = trio.owner_client.post(
        add_url(trio.organisation),
        {
            "mode": "new",
            "new-full_name": "Đỗ Thị Hằng",
            "new-username": "hang.do",
            "new-email": "hang.do@example.org",
            "new-role": Role.COLLABORATOR,
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode()
    username = f"hang.do@{trio.organisation.slug}"
    membership = Membership.objects.select_related("user").get(user__username=username)
    user = membership.user
    assert membership.role == Role.COLLABORATOR
    assert user.full_name == "Đỗ Thị Hằng" and user.email == "hang.do@example.org"
    assert user.must_change_password is True
    assert user.check_password(password)
    # Only the hash is stored; the audit rows name records, not the person.
    assert password not in user.password
    entries = AuditEntry.objects.filter(organisation=trio.organisation, action=AuditAction.CREATE)
    assert {e.target_type for e in entries} == {"accounts.user", "organisations.membership"}
    for entry in entries:
        assert "hang" not in entry.summary.lower() and password not in entry.summary
    # Reloading the member's page does not show the password again.
    page = trio.owner_client.get(member_url(membership)).content.decode()
    assert password not in page


def test_creating_an_account_never_tells_whether_a_username_exists_elsewhere(trio):
    # The colleague's username belongs to an account the form must not reveal: the new account
    # is named within this organisation, whatever exists elsewhere.
    response = trio.owner_client.post(
        add_url(trio.organisation),
        {
            "mode": "new",
            "new-full_name": "Ai đó",
            "new-username": trio.colleague.username.upper(),
            "new-email": "",
            "new-role": Role.COLLABORATOR,
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "đã có" not in response.content.decode()
    created = Membership.objects.get(user__full_name="Ai đó").user
    assert created.username == f"{trio.colleague.username.upper()}@{trio.organisation.slug}"


def test_creating_an_account_twice_with_one_username_is_refused_within_the_organisation(trio):
    data = {
        "mode": "new",
        "new-full_name": "Ai đó",
        "new-username": "ai.do",
        "new-email": "",
        "new-role": Role.COLLABORATOR,
    }
    assert trio.owner_client.post(add_url(trio.organisation), data).status_code == 200
    again = {**data, "new-full_name": "Người khác", "new-username": "AI.DO"}
    response = trio.owner_client.post(add_url(trio.organisation), again, HTTP_ACCEPT_LANGUAGE="vi")
    assert "Tổ chức này đã có tài khoản với tên đăng nhập này" in response.content.decode()
    assert not Membership.objects.filter(user__full_name="Người khác").exists()


def test_creating_an_account_needs_name_username_and_role(trio):
    response = trio.owner_client.post(add_url(trio.organisation), {"mode": "new"})
    errors = response.context["new_form"].errors
    assert set(errors) == {"full_name", "username", "role"}


# The member's page ---------------------------------------------------------------------------


def test_owner_opens_a_member(trio, member):
    response = trio.owner_client.get(member_url(member))
    assert response.status_code == 200
    assert member.user.username in response.content.decode()
    assert response.context["reset_refusal"] is None


def test_member_page_colleague_gets_403(trio, member):
    assert trio.colleague_client.get(member_url(member)).status_code == 403


def test_member_page_outsider_gets_404(trio, member):
    assert trio.outsider_client.get(member_url(member)).status_code == 404


def test_member_page_of_another_organisation_through_own_gets_404(trio, other_member):
    url = reverse(
        "organisations:member",
        kwargs={"org": trio.organisation.slug, "member_id": other_member.pk},
    )
    assert trio.owner_client.get(url).status_code == 404


def test_member_page_wrong_method_gets_405(trio, member):
    assert trio.owner_client.post(member_url(member)).status_code == 405


def test_member_page_explains_why_a_reset_is_not_possible(trio, member):
    MembershipFactory(user=member.user, organisation=trio.other_organisation)
    response = trio.owner_client.get(member_url(member), HTTP_ACCEPT_LANGUAGE="vi")
    assert "cũng thuộc một tổ chức khác" in response.content.decode()
    assert 'name="password-confirmed"' not in response.content.decode()
