"""Every endpoint of the duplicates review × every actor × own organisation and another one.

As in test_permission_matrix.py, the expected statuses are written out by hand. The endpoints
follow the review pages' permissions (donghanh/duplicates/tests/test_permission_matrix.py):
reviewing (the queue, a pair, a scan, a merge) is `review_duplicates` (supervisors and
organisation administrators); deciding, merging and undoing also need `edit_cases`
(supervisors).

Legend:
    200, 201, 202  allowed (201: merged; 202: the scan is queued)
    401            no valid token: anonymous, or an account that may not hold one
    403            a member whose role lacks the permission (for a record: anywhere)
    404            another organisation: it might not exist

"own": the records belong to the actor's organisation. "other": the same records in an
organisation the actor does not belong to, and the queue and the scan asked for it by slug.
Every write checks its effect: done when allowed, nothing changed when refused. No refused
answer holds either person's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from donghanh.api.tests.actors import ACTORS, actor_client
from donghanh.api.tests.conftest import make_person
from donghanh.core.actor import Actor
from donghanh.duplicates import services
from donghanh.duplicates.models import CandidatePair, Decision, PersonMerge
from donghanh.duplicates.selectors import SCAN_JOB_KIND
from donghanh.jobs.models import Job
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.testing import factories

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

NAMES = ("Nguyễn Thị Hoa", "Nguyen Thi Hoa")

COLUMNS = (
    "pairs",  # GET   /api/v1/duplicates/pairs/?organisation=<org>
    "pair",  # GET   /api/v1/duplicates/pairs/{id}/
    "decide",  # POST  /api/v1/duplicates/pairs/{id}/decision/
    "merge",  # POST  /api/v1/duplicates/pairs/{id}/merge/
    "scan",  # POST  /api/v1/duplicates/scans/
    "scan_job",  # GET   /api/v1/duplicates/scans/{job}/
    "merge_read",  # GET   /api/v1/duplicates/merges/{id}/
    "undo",  # POST  /api/v1/duplicates/merges/{id}/undo/
)

# fmt: off
OWN_ORGANISATION: dict[str, tuple[int, ...]] = {
    #                      pairs pair decide merge scan job  m_read undo
    "org_admin":            (200, 200, 403,   403,  202, 200, 200,   403),
    "supervisor":           (200, 200, 200,   201,  202, 200, 200,   200),
    "case_worker":          (403, 403, 403,   403,  403, 403, 403,   403),
    "collaborator":         (403, 403, 403,   403,  403, 403, 403,   403),
    "programme_officer":    (403, 403, 403,   403,  403, 403, 403,   403),
    "content_editor":       (403, 403, 403,   403,  403, 403, 403,   403),
    "donor_viewer":         (403, 403, 403,   403,  403, 403, 403,   403),
    "system_administrator": (401, 401, 401,   401,  401, 401, 401,   401),
    "no_membership":        (401, 401, 401,   401,  401, 401, 401,   401),
    "anonymous":            (401, 401, 401,   401,  401, 401, 401,   401),
}

OTHER_ORGANISATION: dict[str, tuple[int, ...]] = {
    #                      pairs pair decide merge scan job  m_read undo
    "org_admin":            (404, 404, 404,   404,  404, 404, 404,   404),
    "supervisor":           (404, 404, 404,   404,  404, 404, 404,   404),
    "case_worker":          (404, 403, 403,   403,  404, 403, 403,   403),
    "collaborator":         (404, 403, 403,   403,  404, 403, 403,   403),
    "programme_officer":    (404, 403, 403,   403,  404, 403, 403,   403),
    "content_editor":       (404, 403, 403,   403,  404, 403, 403,   403),
    "donor_viewer":         (404, 403, 403,   403,  404, 403, 403,   403),
    "system_administrator": (401, 401, 401,   401,  401, 401, 401,   401),
    "no_membership":        (401, 401, 401,   401,  401, 401, 401,   401),
    "anonymous":            (401, 401, 401,   401,  401, 401, 401,   401),
}
# fmt: on


@dataclass
class Place:
    organisation: Organisation
    supervisor: Any
    pair: CandidatePair
    merge: PersonMerge | None = None
    job: Job | None = None

    def actor(self) -> Actor:
        return Actor.for_user(self.supervisor, organisation=self.organisation)


def make_pair(organisation: Organisation, worker: Any) -> CandidatePair:
    a = make_person(organisation, worker, full_name=NAMES[0], phone="0912345678")
    b = make_person(organisation, worker, full_name=NAMES[1], phone="0912345678")
    return CandidatePair.objects.create(
        organisation=organisation,
        person_a=a,
        person_b=b,
        weight=30.0,
        probability=0.999,
        comparisons=[
            {"field": "phone", "level": "exact", "weight": 19.0},
            {"field": "given_name", "level": "exact", "weight": 8.5},
            {"field": "place", "level": "", "weight": 0.0},
        ],
        found_at=timezone.now(),
    )


def _world(actor: str, scope: str) -> tuple[Any, Place]:
    own, other = OrganisationFactory(), OrganisationFactory()
    _user, client = actor_client(actor, own)
    organisation = own if scope == "own" else other
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    worker = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER).user
    return client, Place(organisation, supervisor, make_pair(organisation, worker))


def _merge_now(place: Place) -> None:
    place.merge = services.person_merge(
        pair=place.pair, survivor_id=place.pair.person_a_id, choices={}, actor=place.actor()
    )


def _queue_scan(place: Place) -> None:
    place.job = services.registry_scan_request(actor=place.actor())


@dataclass(frozen=True)
class Call:
    method: str
    url: Callable[[Place], str]
    data: Callable[[Place], dict[str, Any]] = lambda place: {}
    prepare: Callable[[Place], None] = lambda place: None
    took_effect: Callable[[Place], bool] | None = None


def _pair_url(name: str) -> Callable[[Place], str]:
    return lambda place: reverse(name, kwargs={"pair_id": place.pair.pk})


def _merge_url(name: str) -> Callable[[Place], str]:
    return lambda place: reverse(name, kwargs={"merge_id": place.merge.pk if place.merge else 0})


def _undone(place: Place) -> bool:
    assert place.merge is not None
    place.merge.refresh_from_db()
    return place.merge.undone_at is not None


HOW: dict[str, Call] = {
    "pairs": Call(
        "get",
        lambda place: (
            f"{reverse('api:duplicate_pair_list')}?organisation={place.organisation.slug}"
        ),
    ),
    "pair": Call("get", _pair_url("api:duplicate_pair_detail")),
    "decide": Call(
        "post",
        _pair_url("api:duplicate_pair_decision"),
        data=lambda place: {"decision": "not_same", "version": place.pair.version},
        took_effect=lambda place: (
            CandidatePair.objects.get(pk=place.pair.pk).decision == Decision.NOT_SAME
        ),
    ),
    "merge": Call(
        "post",
        _pair_url("api:duplicate_pair_merge"),
        data=lambda place: {"survivor": place.pair.person_a_id, "choices": {"full_name": "merged"}},
        took_effect=lambda place: (
            Person.objects.get(pk=place.pair.person_b_id).merged_into_id == place.pair.person_a_id
        ),
    ),
    "scan": Call(
        "post",
        lambda place: reverse("api:duplicate_scan_request"),
        data=lambda place: {"organisation": place.organisation.slug},
        took_effect=lambda place: Job.objects.filter(
            kind=SCAN_JOB_KIND, organisation=place.organisation
        ).exists(),
    ),
    "scan_job": Call(
        "get",
        lambda place: reverse(
            "api:duplicate_scan_detail", kwargs={"job_id": place.job.pk if place.job else 0}
        ),
        prepare=_queue_scan,
    ),
    "merge_read": Call("get", _merge_url("api:duplicate_merge_detail"), prepare=_merge_now),
    "undo": Call(
        "post", _merge_url("api:duplicate_merge_undo"), prepare=_merge_now, took_effect=_undone
    ),
}

TABLES = (("own", OWN_ORGANISATION), ("other", OTHER_ORGANISATION))
# The routes and methods this matrix covers (test_permission_matrix.py checks that the
# matrices together cover every route once).
ROUTES = {
    ("duplicate_pair_list", "get"),
    ("duplicate_pair_detail", "get"),
    ("duplicate_pair_decision", "post"),
    ("duplicate_pair_merge", "post"),
    ("duplicate_scan_request", "post"),
    ("duplicate_scan_detail", "get"),
    ("duplicate_merge_detail", "get"),
    ("duplicate_merge_undo", "post"),
}


def _cases() -> list[Any]:
    return [
        pytest.param(actor, column, scope, expected, id=f"{actor}-{column}-{scope}")
        for scope, table in TABLES
        for actor in ACTORS
        for column, expected in zip(COLUMNS, table[actor], strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "column", "scope", "expected"), _cases())
def test_every_duplicates_endpoint_for_every_actor(actor, column, scope, expected):
    client, place = _world(actor, scope)
    call = HOW[column]
    call.prepare(place)

    response = getattr(client, call.method)(call.url(place), call.data(place), format="json")

    assert response.status_code == expected, response.content
    body = response.content.decode()
    if expected not in (200, 201, 202):
        assert all(name not in body for name in NAMES)
    if call.took_effect is not None:
        assert call.took_effect(place) is (expected in (200, 201, 202))


def test_every_table_has_a_row_per_actor_and_a_cell_per_column():
    for _scope, table in TABLES:
        assert tuple(table) == ACTORS
        assert all(len(row) == len(COLUMNS) for row in table.values())
    assert set(HOW) == set(COLUMNS)
    writes = {name for name, call in HOW.items() if call.method != "get"}
    assert all(HOW[name].took_effect is not None for name in writes)
    stub: Any = type(
        "P",
        (),
        {
            "organisation": type("O", (), {"slug": "x"}),
            "pair": type("C", (), {"pk": 1}),
            "merge": type("M", (), {"pk": 1}),
            "job": type("J", (), {"pk": "8c4f1d3a-6a8e-4f7e-9a59-0c4d2a1b3e5f"}),
        },
    )
    assert {
        (str(resolve(HOW[column].url(stub).split("?")[0]).url_name), HOW[column].method)
        for column in COLUMNS
    } == ROUTES
