from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from donghanh.core.actor import Actor
from donghanh.organisations.roles import ROLE_DESCRIPTIONS, Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

pytestmark = pytest.mark.django_db

HOME = "/app/"


def links(org) -> dict[str, str]:
    return {
        "overview": reverse("organisations:detail", kwargs={"org": org.slug}),
        "members": reverse("organisations:members", kwargs={"org": org.slug}),
        "audit_log": reverse("organisations:audit_log", kwargs={"org": org.slug}),
        "people": reverse("people:person_list", kwargs={"org": org.slug}),
        "cases": reverse("cases:case_list", kwargs={"org": org.slug}),
        "overdue": reverse("casework:overdue", kwargs={"org": org.slug}),
        "reviews_due": reverse("livelihood:reviews_due", kwargs={"org": org.slug}),
        "referrals": reverse("referrals:incoming", kwargs={"org": org.slug}),
    }


CASE_WORK = {"people", "cases", "overdue", "reviews_due", "referrals"}


# Which links each role's panel offers (written out, not derived from roles.py).
PANEL_LINKS = {
    Role.ORG_ADMIN: {"overview", "members", "audit_log", *CASE_WORK},
    Role.SUPERVISOR: {"overview", "audit_log", *CASE_WORK},
    Role.CASE_WORKER: {"overview", *CASE_WORK},
    Role.COLLABORATOR: {"overview", *CASE_WORK},
    Role.PROGRAMME_OFFICER: {"overview"},
    Role.CONTENT_EDITOR: {"overview"},
    Role.DONOR_VIEWER: {"overview"},
}


def test_home_url():
    assert reverse("workspace:home") == HOME


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_a_panel_saying_what_it_does_with_its_pages(role):
    membership = MembershipFactory(role=role)
    response = signed_in_client(membership.user).get(HOME, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("vi"):
        assert str(ROLE_DESCRIPTIONS[role]) in page
        assert str(role.label) in page
    for name, url in links(membership.organisation).items():
        assert (f'href="{url}"' in page) is (name in PANEL_LINKS[role]), name


def test_donor_viewer_is_told_it_sees_totals_only():
    membership = MembershipFactory(role=Role.DONOR_VIEWER)
    page = signed_in_client(membership.user).get(HOME, HTTP_ACCEPT_LANGUAGE="vi")
    assert "số liệu tổng hợp" in page.content.decode()


def test_one_panel_per_active_membership():
    user = UserFactory()
    first = MembershipFactory(user=user, role=Role.CASE_WORKER)
    second = MembershipFactory(user=user, role=Role.DONOR_VIEWER)
    left = MembershipFactory(user=user, role=Role.SUPERVISOR, is_active=False)
    closed = MembershipFactory(
        user=user, role=Role.SUPERVISOR, organisation=OrganisationFactory(is_active=False)
    )
    response = signed_in_client(user).get(HOME)
    shown = [panel["membership"].pk for panel in response.context["panels"]]
    assert sorted(shown) == sorted([first.pk, second.pk])
    page = response.content.decode()
    assert left.organisation.name not in page
    assert closed.organisation.name not in page


def test_someone_without_membership_is_told_to_ask_an_administrator():
    response = signed_in_client(UserFactory()).get(HOME, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert "Bạn chưa là thành viên của tổ chức nào" in response.content.decode()
    assert reverse("admin:index") not in response.content.decode()


def test_a_system_administrator_gets_the_administration_panel():
    user = UserFactory(is_superuser=True, is_staff=True)
    response = signed_in_client(user).get(HOME, HTTP_ACCEPT_LANGUAGE="vi")
    page = response.content.decode()
    assert "Quản trị hệ thống" in page
    assert f'href="{reverse("admin:index")}"' in page


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_method_gets_405(trio):
    assert trio.owner_client.post(HOME).status_code == 405


def test_query_count_does_not_grow_with_memberships(django_assert_max_num_queries):
    user = UserFactory()
    for _ in range(15):
        MembershipFactory(user=user)
    client = signed_in_client(user)
    client.get(HOME)
    # 14: one of them reads the invitations waiting for the user's answer, three the results
    # dashboards of the programmes the organisations take part in.
    with django_assert_max_num_queries(14):
        assert client.get(HOME).status_code == 200


def test_home_lists_the_data_subject_requests_due_for_the_user():
    import datetime

    from donghanh.people import services as person_services
    from donghanh.privacy import services as privacy_services

    membership = MembershipFactory(role=Role.SUPERVISOR)
    person = person_services.person_register(
        organisation=membership.organisation,
        actor=Actor.for_user(membership.user),
        full_name="Phan Thị Cúc",
        sex="female",
    )
    overdue = privacy_services.request_register(
        person=person,
        kind="access",
        received_on=datetime.date(2026, 3, 6),
        received_via="in_person",
        requester="person",
        responsible=membership.user,
        actor=Actor.for_user(membership.user),
    )
    page = signed_in_client(membership.user).get(HOME).content.decode()

    detail = reverse(
        "privacy:request_detail",
        kwargs={"org": membership.organisation.slug, "request_id": overdue.pk},
    )
    assert f'href="{detail}"' in page
    assert "Phan Thị Cúc" not in page  # the home page names people by number only
    with translation.override("vi"):
        assert "Quá hạn" in page or str(translation.gettext("Overdue")) in page
