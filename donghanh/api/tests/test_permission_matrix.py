"""Every API endpoint × every role × own organisation and another organisation.

The expected statuses are written out by hand below, not computed from roles.py, so that a
mistake in GRANTS, in an endpoint's choice of permission or in an access helper fails here.
The page matrix (donghanh/organisations/tests/test_permission_matrix.py) is the model.

Every actor holds a token (donghanh/api/tests/actors.py). The projects endpoints have their
own matrix, by how the actor's organisation relates to the project
(test_permission_matrix_projects.py), and so have the imports endpoints (test_imports.py) and
the livelihood ones (test_permission_matrix_livelihood.py);
together they cover every route of the API once.

Legend:
    200, 201  allowed (201: created)
    401       no valid token: anonymous, or an account that may not hold one (no membership)
    403       a member whose role lacks the permission (for a record: anywhere)
    404       another organisation: it might not exist

"own": the records belong to the actor's organisation (a case assigned to the actor when the
actor is a case worker or collaborator; a referral it sent and one it received). "other": the
same records in an organisation the actor does not belong to, and lists asked for it by slug.
Every write also checks its effect: done when allowed, nothing changed when refused; and no
refused answer, nor any answer to a programme officer, content editor or donor viewer, holds
the person's name.
"""

# The tables below keep one row per actor on one line, as wide as their fifteen columns need.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, resolve, reverse

from donghanh.api.tests.actors import ACTORS, actor_client
from donghanh.api.tests.conftest import make_person
from donghanh.api.tests.test_imports import ROUTES as IMPORT_ROUTES
from donghanh.api.tests.test_permission_matrix_duplicates import ROUTES as DUPLICATES_ROUTES
from donghanh.api.tests.test_permission_matrix_livelihood import ROUTES as LIVELIHOOD_ROUTES
from donghanh.api.tests.test_permission_matrix_projects import HOW as PROJECT_HOW
from donghanh.api.v1.urls import urlpatterns as api_urls
from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case
from donghanh.casework.models import ServiceDelivery
from donghanh.core.actor import Actor
from donghanh.core.editing import sign_baseline
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.people.selectors import PERSON_EDITS
from donghanh.referrals.models import Referral, ReferralStatus
from donghanh.referrals.services import referral_accept, referral_send
from donghanh.referrals.tests.conftest import consent_to_share
from donghanh.testing import factories

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

NEVER_SEE_PEOPLE = {"programme_officer", "content_editor", "donor_viewer"}

COLUMNS = (
    "persons",  # GET    /api/v1/persons/?organisation=<org>
    "person_add",  # POST   /api/v1/persons/
    "person",  # GET    /api/v1/persons/{id}/
    "person_edit",  # PATCH  /api/v1/persons/{id}/
    "cases",  # GET    /api/v1/cases/?organisation=<org>
    "case",  # GET    /api/v1/cases/{id}/
    "services",  # GET    /api/v1/cases/{id}/services/
    "service_add",  # POST   /api/v1/cases/{id}/services/
    "projects",  # GET    /api/v1/cases/{id}/projects/
    "received",  # GET    /api/v1/referrals/received/?organisation=<org>
    "sent",  # GET    /api/v1/referrals/sent/?organisation=<org>
    "referral_in",  # GET    /api/v1/referrals/{id}/ (received by the organisation)
    "referral_out",  # GET    /api/v1/referrals/{id}/ (sent by the organisation)
    "accept",  # POST   /api/v1/referrals/{id}/accept/
    "decline",  # POST   /api/v1/referrals/{id}/decline/
    "complete",  # POST   /api/v1/referrals/{id}/complete/ (an accepted referral)
)

# fmt: off
OWN_ORGANISATION: dict[str, tuple[int, ...]] = {
    #                      persons add  person edit cases case serv s_add proj recv sent r_in r_out acc  decl comp
    "org_admin":            (200,  403, 200,   403, 200,  200, 200, 403,  200,  200, 200, 200, 200,  403, 403, 403),
    "supervisor":           (200,  201, 200,   200, 200,  200, 200, 201,  200,  200, 200, 200, 200,  200, 200, 200),
    "case_worker":          (200,  201, 200,   200, 200,  200, 200, 201,  200,  200, 200, 200, 200,  200, 200, 200),
    "collaborator":         (200,  201, 200,   200, 200,  200, 200, 201,  200,  200, 200, 200, 200,  200, 200, 200),
    "programme_officer":    (403,  403, 403,   403, 403,  403, 403, 403,  403,  403, 403, 403, 403,  403, 403, 403),
    "content_editor":       (403,  403, 403,   403, 403,  403, 403, 403,  403,  403, 403, 403, 403,  403, 403, 403),
    "donor_viewer":         (403,  403, 403,   403, 403,  403, 403, 403,  403,  403, 403, 403, 403,  403, 403, 403),
    "system_administrator": (401,  401, 401,   401, 401,  401, 401, 401,  401,  401, 401, 401, 401,  401, 401, 401),
    "no_membership":        (401,  401, 401,   401, 401,  401, 401, 401,  401,  401, 401, 401, 401,  401, 401, 401),
    "anonymous":            (401,  401, 401,   401, 401,  401, 401, 401,  401,  401, 401, 401, 401,  401, 401, 401),
}

OTHER_ORGANISATION: dict[str, tuple[int, ...]] = {
    #                      persons add  person edit cases case serv s_add proj recv sent r_in r_out acc  decl comp
    "org_admin":            (404,  404, 404,   403, 404,  404, 404, 403,  404,  404, 404, 404, 404,  403, 403, 403),
    "supervisor":           (404,  404, 404,   404, 404,  404, 404, 404,  404,  404, 404, 404, 404,  404, 404, 404),
    "case_worker":          (404,  404, 404,   404, 404,  404, 404, 404,  404,  404, 404, 404, 404,  404, 404, 404),
    "collaborator":         (404,  404, 404,   404, 404,  404, 404, 404,  404,  404, 404, 404, 404,  404, 404, 404),
    "programme_officer":    (404,  404, 403,   403, 404,  403, 403, 403,  403,  404, 404, 403, 403,  403, 403, 403),
    "content_editor":       (404,  404, 403,   403, 404,  403, 403, 403,  403,  404, 404, 403, 403,  403, 403, 403),
    "donor_viewer":         (404,  404, 403,   403, 404,  403, 403, 403,  403,  404, 404, 403, 403,  403, 403, 403),
    "system_administrator": (401,  401, 401,   401, 401,  401, 401, 401,  401,  401, 401, 401, 401,  401, 401, 401),
    "no_membership":        (401,  401, 401,   401, 401,  401, 401, 401,  401,  401, 401, 401, 401,  401, 401, 401),
    "anonymous":            (401,  401, 401,   401, 401,  401, 401, 401,  401,  401, 401, 401, 401,  401, 401, 401),
}
# fmt: on

NAME = "Nguyễn Thị Hoa"


# The world each case runs in -------------------------------------------------------------------


@dataclass
class Records:
    organisation: Organisation
    person: Person
    case: Case
    referral_in: Referral  # sent to the organisation by a third one
    referral_out: Referral  # sent by the organisation to a third one


@dataclass
class World:
    actor: Any
    client: Any
    scopes: dict[str, Records]


def _records(organisation: Organisation, third: Organisation, worker: Any) -> Records:
    person = make_person(organisation, worker, phone="0912 345 678")
    case = make_case(person, worker)
    consent_to_share(person, third)
    out = referral_send(
        case=case, actor=Actor.for_user(worker), to_organisation=third, shared_sections=["identity"]
    )
    their_worker = MembershipFactory(organisation=third, role=Role.CASE_WORKER).user
    theirs = make_case(make_person(third, their_worker, full_name="Lê Văn Nam"), their_worker)
    consent_to_share(theirs.person, organisation)
    received = referral_send(
        case=theirs,
        actor=Actor.for_user(their_worker),
        to_organisation=organisation,
        shared_sections=["identity", "needs"],
    )
    return Records(organisation, person, case, received, out)


def _world(actor: str) -> World:
    own, other, third = (OrganisationFactory() for _ in range(3))
    user, client = actor_client(actor, own)
    scopes = {}
    for scope, organisation in (("own", own), ("other", other)):
        MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
        assigned = scope == "own" and actor in ("case_worker", "collaborator")
        worker = (
            user
            if assigned
            else MembershipFactory(organisation=organisation, role=Role.CASE_WORKER).user
        )
        scopes[scope] = _records(organisation, third, worker)
    return World(actor=user, client=client, scopes=scopes)


# How to call each endpoint, and how to tell that a write took effect ---------------------------


@dataclass(frozen=True)
class Call:
    method: str
    url: Callable[[Records], str]
    data: Callable[[Records], dict[str, Any]] = lambda records: {}
    prepare: Callable[[Records], None] = lambda records: None
    took_effect: Callable[[Records], bool] | None = None


def _listed(name: str) -> Callable[[Records], str]:
    return lambda records: f"{reverse(name)}?organisation={records.organisation.slug}"


def _person(records: Records) -> str:
    return reverse("api:person_detail", kwargs={"person_id": records.person.pk})


def _case(name: str) -> Callable[[Records], str]:
    return lambda records: reverse(name, kwargs={"case_id": records.case.pk})


def _referral(name: str, which: str = "referral_in") -> Callable[[Records], str]:
    return lambda records: reverse(name, kwargs={"referral_id": getattr(records, which).pk})


def _status_of(records: Records) -> str:
    return Referral.objects.get(pk=records.referral_in.pk).status


def _accept_first(records: Records) -> None:
    answering = MembershipFactory(organisation=records.organisation, role=Role.SUPERVISOR).user
    referral_accept(referral=records.referral_in, actor=Actor.for_user(answering))


HOW: dict[str, Call] = {
    "persons": Call("get", _listed("api:person_list")),
    "person_add": Call(
        "post",
        lambda records: reverse("api:person_list"),
        data=lambda records: {
            "organisation": records.organisation.slug,
            "full_name": "Phạm Thị Lan",
            "sex": "female",
        },
        took_effect=lambda records: (
            Person.objects.filter(organisation=records.organisation).count() == 2
        ),
    ),
    "person": Call("get", _person),
    "person_edit": Call(
        "patch",
        _person,
        data=lambda records: {
            "version": records.person.version,
            "baseline": sign_baseline(PERSON_EDITS.fingerprints(records.person)),
            "phone": "0977 000 111",
        },
        took_effect=lambda records: Person.objects.get(pk=records.person.pk).version == 2,
    ),
    "cases": Call("get", _listed("api:case_list")),
    "case": Call("get", _case("api:case_detail")),
    "services": Call("get", _case("api:case_service_list")),
    "service_add": Call(
        "post",
        _case("api:case_service_list"),
        data=lambda records: {
            "domain": "health",
            "provider_name": "Trạm y tế xã",
            "delivered_on": "2026-03-05",
        },
        took_effect=lambda records: ServiceDelivery.objects.filter(case=records.case).exists(),
    ),
    "projects": Call("get", _case("api:case_project_list")),
    "received": Call("get", _listed("api:referral_received_list")),
    "sent": Call("get", _listed("api:referral_sent_list")),
    "referral_in": Call("get", _referral("api:referral_detail")),
    "referral_out": Call("get", _referral("api:referral_detail", "referral_out")),
    "accept": Call(
        "post",
        _referral("api:referral_accept"),
        took_effect=lambda records: _status_of(records) == ReferralStatus.ACCEPTED,
    ),
    "decline": Call(
        "post",
        _referral("api:referral_decline"),
        data=lambda records: {"reason": "Không đủ chỗ"},
        took_effect=lambda records: _status_of(records) == ReferralStatus.DECLINED,
    ),
    "complete": Call(
        "post",
        _referral("api:referral_complete"),
        data=lambda records: {"feedback": "Đã hỗ trợ xong."},
        prepare=_accept_first,
        took_effect=lambda records: _status_of(records) == ReferralStatus.COMPLETED,
    ),
}

TABLES = (("own", OWN_ORGANISATION), ("other", OTHER_ORGANISATION))


def _cases() -> list[Any]:
    return [
        pytest.param(actor, column, scope, expected, id=f"{actor}-{column}-{scope}")
        for scope, table in TABLES
        for actor in ACTORS
        for column, expected in zip(COLUMNS, table[actor], strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "column", "scope", "expected"), _cases())
def test_every_endpoint_for_every_actor(actor, column, scope, expected):
    world = _world(actor)
    records = world.scopes[scope]
    call = HOW[column]
    call.prepare(records)

    response = getattr(world.client, call.method)(
        call.url(records), call.data(records), format="json"
    )

    assert response.status_code == expected, response.content
    body = response.content.decode()
    if expected not in (200, 201) or actor in NEVER_SEE_PEOPLE:
        assert NAME not in body
        assert records.case.number not in body
    if call.took_effect is not None:
        assert call.took_effect(records) is (expected in (200, 201))


def test_the_matrix_covers_every_endpoint_and_method():
    """Each route and method is in exactly one of the two matrices (in this one, a route may
    have several columns: a referral received and one sent), and none is left out."""
    here = {(_route_name(HOW[column]), HOW[column].method) for column in COLUMNS}
    projects = {(str(resolve(c.url(1)).url_name), c.method) for c in PROJECT_HOW.values()}
    projects |= IMPORT_ROUTES  # their own matrix: donghanh/api/tests/test_imports.py
    projects |= LIVELIHOOD_ROUTES  # their own: test_permission_matrix_livelihood.py
    projects |= DUPLICATES_ROUTES  # their own: test_permission_matrix_duplicates.py
    in_api = set()
    for pattern in _endpoints(api_urls):
        view = pattern.callback.view_class  # type: ignore[attr-defined]
        for method in ("get", "post", "patch", "put", "delete"):
            if hasattr(view, method):
                in_api.add((pattern.name, method))
    assert not here & projects
    assert here | projects == in_api
    assert {("project_list", "get"), ("project_indicators", "get")} <= in_api


def _endpoints(patterns: list[Any]) -> Iterator[URLPattern]:
    """Every route, also those of included URL modules (as api/v1/projects.py)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _endpoints(pattern.url_patterns)
        else:
            yield pattern


def _route_name(call: Call) -> str:
    """The name of the route a call goes to: its address for stand-in records, resolved."""
    return str(resolve(call.url(_DummyRecords()).split("?")[0]).url_name)  # type: ignore[arg-type]


class _DummyRecords:
    organisation = type("Org", (), {"slug": "x"})()
    person = type("P", (), {"pk": 1})()
    case = type("C", (), {"pk": 1})()
    referral_in = type("R", (), {"pk": 1})()
    referral_out = type("R", (), {"pk": 2})()


def test_every_table_has_a_row_per_actor_and_a_cell_per_column():
    for _scope, table in TABLES:
        assert tuple(table) == ACTORS
        assert all(len(row) == len(COLUMNS) for row in table.values())
    assert set(HOW) == set(COLUMNS)
    writes = {name for name, call in HOW.items() if call.method != "get"}
    assert all(HOW[name].took_effect is not None for name in writes)
