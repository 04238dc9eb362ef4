"""Who may open each case page: every role of the owning organisation, and outsiders."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donghanh.cases import services as case_services
from donghanh.cases.models import CaseStatus
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory

CASE_PAGES = [
    "case_detail",
    "case_edit_intake",
    "case_edit_screening",
    "case_edit_identification",
    "case_workers",
    "case_restriction",
    "case_closure_request",
    "case_closure_decide",
    "case_reopen",
]
ALL_PAGES = ["case_list", "case_open", *CASE_PAGES]

OK, FORBIDDEN, MISSING = 200, 403, 404
# The person's name as a page shows it (the search help text quotes the same name, unlinked).
NAME_SHOWN = "Nguyễn Thị Hoa</"
GET_ONLY = {"case_detail"}  # the caseload takes a posted search

# What each role of the owning organisation gets on each page. The case was opened by the
# case worker ("case_worker", assigned); "other_case_worker" and the collaborator work in the
# same organisation but are not assigned, so the case does not exist for them (404) wherever
# their role would allow the page, and is refused (403) where it would not.
MATRIX = {
    Role.ORG_ADMIN: {
        "case_list": OK,
        "case_open": FORBIDDEN,
        "case_detail": OK,
        "case_edit_intake": FORBIDDEN,
        "case_edit_screening": FORBIDDEN,
        "case_edit_identification": FORBIDDEN,
        "case_workers": FORBIDDEN,
        "case_restriction": OK,
        "case_closure_request": FORBIDDEN,
        "case_closure_decide": FORBIDDEN,
        "case_reopen": FORBIDDEN,
    },
    Role.SUPERVISOR: dict.fromkeys(ALL_PAGES, OK),
    Role.CASE_WORKER: {
        **dict.fromkeys(ALL_PAGES, OK),
        "case_workers": FORBIDDEN,
        "case_restriction": FORBIDDEN,
        "case_closure_decide": FORBIDDEN,
    },
    "other_case_worker": {
        **dict.fromkeys(ALL_PAGES, MISSING),
        "case_list": OK,
        "case_workers": FORBIDDEN,
        "case_restriction": FORBIDDEN,
        "case_closure_decide": FORBIDDEN,
    },
    Role.COLLABORATOR: {
        **dict.fromkeys(ALL_PAGES, MISSING),
        "case_list": OK,
        "case_workers": FORBIDDEN,
        "case_restriction": FORBIDDEN,
        "case_closure_decide": FORBIDDEN,
    },
    Role.PROGRAMME_OFFICER: dict.fromkeys(ALL_PAGES, FORBIDDEN),
    Role.CONTENT_EDITOR: dict.fromkeys(ALL_PAGES, FORBIDDEN),
    Role.DONOR_VIEWER: dict.fromkeys(ALL_PAGES, FORBIDDEN),
    "outsider": dict.fromkeys(ALL_PAGES, MISSING),
}


def _url(name, organisation, case):
    kwargs = {"org": organisation.slug}
    if name == "case_open":
        kwargs["person_id"] = case.person_id
    elif name != "case_list":
        kwargs["case_id"] = case.pk
    return reverse(f"cases:{name}", kwargs=kwargs)


@pytest.fixture
def clients(staff):
    other_worker = MembershipFactory(organisation=staff.organisation, role=Role.CASE_WORKER).user
    return {
        **{role: staff.client(role) for role in Role.values},
        "other_case_worker": signed_in_client(other_worker),
        "outsider": staff.client("outsider"),
    }


def test_the_matrix_covers_every_page_and_role():
    assert set(MATRIX) == {*Role.values, "other_case_worker", "outsider"}
    for row in MATRIX.values():
        assert set(row) == set(ALL_PAGES)


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("name", ALL_PAGES)
def test_role_matrix(staff, case, clients, role, name):
    expected = MATRIX[role][name]
    response = clients[role].get(_url(name, staff.organisation, case))
    assert response.status_code == expected, (role, name)
    body = response.content.decode()
    if expected == OK and name in CASE_PAGES:
        assert case.number in body
    if expected != OK:
        # Nobody refused ever sees the person or the case.
        assert NAME_SHOWN not in body
        assert case.number not in body


@pytest.mark.parametrize("role", list(MATRIX))
@pytest.mark.parametrize("name", ALL_PAGES)
def test_refused_posts_change_nothing(staff, case, clients, role, name):
    if MATRIX[role][name] == OK:
        return
    response = clients[role].post(
        _url(name, staff.organisation, case),
        {"decision": "approve", "reason": "other", "reintegration_outcome": "unknown", "note": "x"},
    )
    assert response.status_code == (405 if name in GET_ONLY else MATRIX[role][name])
    case.refresh_from_db()
    assert case.version == 1
    assert case.status == CaseStatus.OPEN
    assert case.person.cases.count() == 1


def test_caseload_lists_the_case_only_for_those_who_see_it(staff, case, clients):
    url = _url("case_list", staff.organisation, case)
    for role in (Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASE_WORKER):
        assert case.number in clients[role].get(url).content.decode(), role
    for unassigned in ("other_case_worker", Role.COLLABORATOR.value):
        body = clients[unassigned].get(url).content.decode()
        assert case.number not in body and NAME_SHOWN not in body, unassigned


def test_an_assigned_collaborator_sees_and_edits_the_case(staff, case):
    collaborator = staff.users[Role.COLLABORATOR]
    case_services.case_assign(
        case=case,
        workers=[staff.users[Role.CASE_WORKER], collaborator],
        actor=Actor.for_user(staff.users[Role.SUPERVISOR]),
    )
    client = staff.client(Role.COLLABORATOR)
    for name in ("case_detail", "case_edit_screening", "case_closure_request"):
        assert client.get(_url(name, staff.organisation, case)).status_code == 200, name
    person_url = reverse(
        "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": case.person_id}
    )
    assert client.get(person_url).status_code == 200


def test_unassigning_takes_the_case_away(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    case_services.case_assign(case=case, workers=[supervisor], actor=Actor.for_user(supervisor))
    client = staff.client(Role.CASE_WORKER)
    assert client.get(_url("case_detail", staff.organisation, case)).status_code == 404
    person_url = reverse(
        "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": case.person_id}
    )
    assert client.get(person_url).status_code == 404


# Restriction to named users.


@pytest.fixture
def restricted(staff, case):
    """The case restricted to the org admin and the case worker: the supervisor is not named."""
    admin = staff.users[Role.ORG_ADMIN]
    return case_services.case_restrict(
        case=case, named_users=[admin, staff.users[Role.CASE_WORKER]], actor=Actor.for_user(admin)
    )


def test_a_restricted_case_is_hidden_from_an_unnamed_supervisor(staff, restricted, clients):
    supervisor = clients[Role.SUPERVISOR]
    for name in CASE_PAGES:
        response = supervisor.get(_url(name, staff.organisation, restricted))
        assert response.status_code == 404, name
    listing = supervisor.get(_url("case_list", staff.organisation, restricted))
    assert restricted.number not in listing.content.decode()
    # The person's record is hidden too, and so is their name in the people search.
    person_url = reverse(
        "people:person_detail",
        kwargs={"org": staff.organisation.slug, "person_id": restricted.person_id},
    )
    assert supervisor.get(person_url).status_code == 404
    people = supervisor.get(reverse("people:person_list", kwargs={"org": staff.organisation.slug}))
    assert NAME_SHOWN not in people.content.decode()


def test_a_restricted_case_is_seen_by_the_named_users(staff, restricted, clients):
    for role in (Role.ORG_ADMIN, Role.CASE_WORKER):
        response = clients[role].get(_url("case_detail", staff.organisation, restricted))
        assert response.status_code == 200, role
        assert NAME_SHOWN in response.content.decode()


def test_naming_a_case_worker_on_a_restricted_case_is_enough_to_see_it(staff, case, clients):
    supervisor = staff.users[Role.SUPERVISOR]
    other = staff.users[Role.COLLABORATOR]
    case_services.case_restrict(
        case=case, named_users=[supervisor, other], actor=Actor.for_user(supervisor)
    )
    assert (
        clients[Role.COLLABORATOR].get(_url("case_detail", staff.organisation, case)).status_code
        == 200
    )
    # The assigned case worker is not named: the restriction wins.
    assert (
        clients[Role.CASE_WORKER].get(_url("case_detail", staff.organisation, case)).status_code
        == 404
    )


def test_a_supervisor_sees_a_person_through_another_unrestricted_case(staff, restricted, clients):
    make_case(restricted.person, staff.users[Role.SUPERVISOR])
    person_url = reverse(
        "people:person_detail",
        kwargs={"org": staff.organisation.slug, "person_id": restricted.person_id},
    )
    response = clients[Role.SUPERVISOR].get(person_url)
    assert response.status_code == 200
    assert restricted.number not in response.content.decode()  # only the case they may see


# The trio, and the usual refusals.


def test_trio_on_the_case_pages(trio):
    person = make_person(trio.organisation)
    case = make_case(person)
    detail = _url("case_detail", trio.organisation, case)
    assert trio.owner_client.get(detail).status_code == 200
    assert trio.colleague_client.get(detail).status_code == 403
    assert trio.outsider_client.get(detail).status_code == 404


def test_a_case_of_another_organisation_is_404_under_the_own_slug(staff, case):
    own = make_case(make_person(staff.other_organisation))
    client = staff.client("outsider")
    assert client.get(_url("case_detail", staff.other_organisation, own)).status_code == 200
    assert client.get(_url("case_detail", staff.other_organisation, case)).status_code == 404
    assert client.get(_url("case_open", staff.other_organisation, case)).status_code == 404


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("case_list", "put"),
        ("case_detail", "post"),
        ("case_open", "put"),
        ("case_edit_intake", "delete"),
        ("case_edit_screening", "put"),
        ("case_edit_identification", "patch"),
        ("case_workers", "delete"),
        ("case_restriction", "put"),
        ("case_closure_request", "delete"),
        ("case_closure_decide", "put"),
        ("case_reopen", "patch"),
    ],
)
def test_wrong_method_gets_405(staff, case, name, method):
    client = staff.client(Role.SUPERVISOR)
    assert getattr(client, method)(_url(name, staff.organisation, case)).status_code == 405


def test_anonymous_is_sent_to_sign_in(client, staff, case):
    response = client.get(_url("case_detail", staff.organisation, case))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
