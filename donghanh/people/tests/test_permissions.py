"""Who may open each people page: the trio on every view, and every role's expectation."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.tests.conftest import make_person

VIEW_PAGES = ["person_list", "person_detail"]
EDIT_PAGES = [
    "person_register",
    "person_edit",
    "guardian_add",
    "consent_record",
    "consent_withdraw",
]
ALL_PAGES = VIEW_PAGES + EDIT_PAGES


def _consent(person, user):
    return services.consent_record(
        person=person,
        purpose="case_management",
        method="written",
        given_by="person",
        given_on=datetime.date(2026, 1, 5),
        actor=Actor.for_user(user),
    )


def _url(name, organisation, person, consent=None):
    kwargs = {"org": organisation.slug}
    if name not in ("person_list", "person_register"):
        kwargs["person_id"] = person.pk
    if name == "consent_withdraw":
        kwargs["consent_id"] = consent.pk
    return reverse(f"people:{name}", kwargs=kwargs)


@pytest.fixture
def urls(staff, person):
    consent = _consent(person, staff.users[Role.CASE_WORKER])
    return {name: _url(name, staff.organisation, person, consent) for name in ALL_PAGES}


# The trio: owner (organisation administrator), read-only colleague (donor viewer), outsider.


@pytest.mark.parametrize("name", VIEW_PAGES)
def test_owner_can_open_view_pages(trio, name):
    person = make_person(trio.organisation)
    url = _url(name, trio.organisation, person)
    response = trio.owner_client.get(url)
    assert response.status_code == 200
    assert "Nguyễn Thị Hoa" in response.content.decode()


@pytest.mark.parametrize("name", ALL_PAGES)
def test_read_only_colleague_gets_403(trio, name):
    person = make_person(trio.organisation)
    url = _url(name, trio.organisation, person, _consent(person, trio.owner))
    assert trio.colleague_client.get(url).status_code == 403
    assert trio.colleague_client.post(url, {}).status_code in (403, 405)


@pytest.mark.parametrize("name", ALL_PAGES)
def test_outsider_gets_404(trio, name):
    person = make_person(trio.organisation)
    url = _url(name, trio.organisation, person, _consent(person, trio.owner))
    assert trio.outsider_client.get(url).status_code == 404
    assert trio.outsider_client.post(url, {}).status_code in (404, 405)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("person_list", "put"),
        ("person_detail", "post"),
        ("person_register", "put"),
        ("person_edit", "delete"),
        ("guardian_add", "put"),
        ("consent_record", "patch"),
        ("consent_withdraw", "delete"),
    ],
)
def test_wrong_method_gets_405(staff, urls, name, method):
    client = staff.client(Role.SUPERVISOR)
    assert getattr(client, method)(urls[name]).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, urls):
    response = client.get(urls["person_detail"])
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# Every role of the organisation, and a supervisor of another one.

CAN_VIEW = {Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASE_WORKER, Role.COLLABORATOR}
CAN_EDIT = {Role.SUPERVISOR, Role.CASE_WORKER, Role.COLLABORATOR}


# The person was registered by the case worker and has no case yet: a collaborator, who sees
# only the people of the cases assigned to them, does not see them (404, as if absent).
NOT_SEEN_BY = {Role.COLLABORATOR}
PERSON_PAGES = {
    "person_detail",
    "person_edit",
    "guardian_add",
    "consent_record",
    "consent_withdraw",
}


@pytest.mark.parametrize("role", [*Role.values, "outsider"])
@pytest.mark.parametrize("name", ALL_PAGES)
def test_role_matrix(staff, urls, role, name):
    allowed = CAN_VIEW if name in VIEW_PAGES else CAN_EDIT
    expected = 404 if role == "outsider" else (200 if role in allowed else 403)
    if expected == 200 and role in NOT_SEEN_BY and name in PERSON_PAGES:
        expected = 404
    response = staff.client(role).get(urls[name])
    assert response.status_code == expected, (role, name)
    if expected != 200:
        # Programme officers, donor viewers and everyone refused never see an identity.
        assert "Nguyễn Thị Hoa" not in response.content.decode()


def test_person_of_another_organisation_is_404_under_own_slug(staff, person):
    own = make_person(staff.other_organisation)
    client = staff.client("outsider")
    assert client.get(_url("person_detail", staff.other_organisation, own)).status_code == 200
    assert client.get(_url("person_detail", staff.other_organisation, person)).status_code == 404
    assert client.get(_url("person_edit", staff.other_organisation, person)).status_code == 404


def test_consent_of_another_person_is_404(staff, person):
    user = staff.users[Role.CASE_WORKER]
    other_person = make_person(staff.organisation, user, full_name="Lê Văn Nam", sex="male")
    consent = _consent(other_person, user)
    url = reverse(
        "people:consent_withdraw",
        kwargs={"org": staff.organisation.slug, "person_id": person.pk, "consent_id": consent.pk},
    )
    client = staff.client(Role.CASE_WORKER)
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": ""}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_programme_officer_search_is_refused(staff, person):
    url = reverse("people:person_list", kwargs={"org": staff.organisation.slug})
    client = staff.client(Role.PROGRAMME_OFFICER)
    for response in (client.post(url, {"q": "hoa"}), client.get(url)):
        assert response.status_code == 403
        assert "Nguyễn Thị Hoa" not in response.content.decode()


def test_list_offers_registration_only_to_editors(staff, person):
    url = reverse("people:person_list", kwargs={"org": staff.organisation.slug})
    register = reverse("people:person_register", kwargs={"org": staff.organisation.slug})
    assert register in staff.client(Role.CASE_WORKER).get(url).content.decode()
    assert register not in staff.client(Role.ORG_ADMIN).get(url).content.decode()
