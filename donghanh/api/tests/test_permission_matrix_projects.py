"""The projects endpoints × every actor × how the actor's organisation relates to the project.

As in test_permission_matrix.py, every expected answer is written out by hand, not computed
from roles.py or from the access helpers (`_project_access` in donghanh/api/v1/projects.py,
`access_project` in donghanh/programmes/projects/selectors.py).

Relations of the actor's organisation to the project:
    implementing  it implements the project
    partner       it is a partner of the project
    donor         it funds the project
    unrelated     it has nothing to do with the project (the project exists, elsewhere)

Columns:
    projects    status of GET /api/v1/projects/
    listed      whether that list holds the project (None: refused)
    indicators  status of GET /api/v1/projects/{id}/indicators/
    suppressed  whether the indicators answer suppresses the small counts (None: refused)

Legend: 200 allowed; 401 no valid token (anonymous, or no membership to hold one); 403 the role
may see aggregates in none of the actor's organisations; 404 the project is not linked to any
of them. Whoever sees the project from outside its implementing organisation (a partner, a
donor, and a donor viewer anywhere) gets "<11" instead of the three trainees and the one person
served. No answer to anyone holds a trainee's or a served person's name, nor a case number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from donghanh.api.tests.actors import ACTORS, actor_client
from donghanh.indicators.tests.matrix_world import (
    PERSON,
    RELATIONS,
    TRAINEE,
    TRAINEES,
    linked_project,
)
from donghanh.testing import factories

OrganisationFactory: Any = factories.OrganisationFactory

YES, NO, NA = True, False, None

# fmt: off
IMPLEMENTING: dict[str, tuple[int, bool | None, int, bool | None]] = {
    #                      projects listed indicators suppressed
    "org_admin":            (200,  YES,   200,       NO),
    "supervisor":           (200,  YES,   200,       NO),
    "case_worker":          (200,  YES,   200,       NO),
    "collaborator":         (403,  NA,    403,       NA),
    "programme_officer":    (200,  YES,   200,       NO),
    "content_editor":       (403,  NA,    403,       NA),
    "donor_viewer":         (200,  YES,   200,       YES),
    "system_administrator": (401,  NA,    401,       NA),
    "no_membership":        (401,  NA,    401,       NA),
    "anonymous":            (401,  NA,    401,       NA),
}

PARTNER: dict[str, tuple[int, bool | None, int, bool | None]] = {
    #                      projects listed indicators suppressed
    "org_admin":            (200,  YES,   200,       YES),
    "supervisor":           (200,  YES,   200,       YES),
    "case_worker":          (200,  YES,   200,       YES),
    "collaborator":         (403,  NA,    403,       NA),
    "programme_officer":    (200,  YES,   200,       YES),
    "content_editor":       (403,  NA,    403,       NA),
    "donor_viewer":         (200,  YES,   200,       YES),
    "system_administrator": (401,  NA,    401,       NA),
    "no_membership":        (401,  NA,    401,       NA),
    "anonymous":            (401,  NA,    401,       NA),
}

DONOR: dict[str, tuple[int, bool | None, int, bool | None]] = {
    #                      projects listed indicators suppressed
    "org_admin":            (200,  YES,   200,       YES),
    "supervisor":           (200,  YES,   200,       YES),
    "case_worker":          (200,  YES,   200,       YES),
    "collaborator":         (403,  NA,    403,       NA),
    "programme_officer":    (200,  YES,   200,       YES),
    "content_editor":       (403,  NA,    403,       NA),
    "donor_viewer":         (200,  YES,   200,       YES),
    "system_administrator": (401,  NA,    401,       NA),
    "no_membership":        (401,  NA,    401,       NA),
    "anonymous":            (401,  NA,    401,       NA),
}

UNRELATED: dict[str, tuple[int, bool | None, int, bool | None]] = {
    #                      projects listed indicators suppressed
    "org_admin":            (200,  NO,    404,       NA),
    "supervisor":           (200,  NO,    404,       NA),
    "case_worker":          (200,  NO,    404,       NA),
    "collaborator":         (403,  NA,    403,       NA),
    "programme_officer":    (200,  NO,    404,       NA),
    "content_editor":       (403,  NA,    403,       NA),
    "donor_viewer":         (200,  NO,    404,       NA),
    "system_administrator": (401,  NA,    401,       NA),
    "no_membership":        (401,  NA,    401,       NA),
    "anonymous":            (401,  NA,    401,       NA),
}
# fmt: on

TABLES = {
    "implementing": IMPLEMENTING,
    "partner": PARTNER,
    "donor": DONOR,
    "unrelated": UNRELATED,
}


@dataclass(frozen=True)
class ProjectCall:
    method: str
    url: Callable[[int], str]  # from the project's id


HOW: dict[str, ProjectCall] = {
    "projects": ProjectCall("get", lambda project_id: reverse("api:project_list")),
    "indicators": ProjectCall(
        "get",
        lambda project_id: reverse("api:project_indicators", kwargs={"project_id": project_id}),
    ),
}


def _cases() -> list[Any]:
    return [
        pytest.param(actor, relation, id=f"{actor}-{relation}")
        for relation in TABLES
        for actor in ACTORS
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "relation"), _cases())
def test_projects_endpoints_for_every_actor_and_relation(actor: str, relation: str) -> None:
    own = OrganisationFactory()
    _user, client = actor_client(actor, own)
    world = linked_project(own, relation)
    listed_expected, in_list, indicators_expected, suppressed = TABLES[relation][actor]

    listing = client.get(HOW["projects"].url(world.project.pk))
    answer = client.get(HOW["indicators"].url(world.project.pk))

    assert listing.status_code == listed_expected, listing.content
    if in_list is not None:
        codes = [project["id"] for project in listing.json()["results"]]
        assert (world.project.pk in codes) is in_list
    assert answer.status_code == indicators_expected, answer.content
    if suppressed is not None:
        _assert_figures(answer.json(), suppressed=suppressed)
    for response in (listing, answer):
        body = response.content.decode()
        assert TRAINEE not in body and PERSON not in body
        assert world.case_number not in body


def _assert_figures(body: dict[str, Any], *, suppressed: bool) -> None:
    """Both figures (3 trainees, 1 person served) as they are, or as "<11" with no value."""
    assert body["suppressed"] is suppressed
    actuals = {result["code"]: result["actual"] for result in body["results"]}
    periods = [period["actual"] for result in body["results"] for period in result["periods"]]
    if suppressed:
        hidden = {"value": None, "text": "<11", "suppressed": True}
        assert actuals == {"1.1": hidden, "2.1": hidden}
        # A period equal to the total would give it away: hidden too ("x").
        assert [(period["value"], period["suppressed"]) for period in periods] == [(None, True)] * 2
        assert all(result["percent_achieved"] is None for result in body["results"])
    else:
        assert actuals == {
            "1.1": {"value": float(TRAINEES), "text": str(TRAINEES), "suppressed": False},
            "2.1": {"value": 1.0, "text": "1", "suppressed": False},
        }
        assert [period["value"] for period in periods] == [float(TRAINEES), 1.0]


def test_every_table_has_a_row_per_actor_and_every_relation() -> None:
    assert tuple(TABLES) == RELATIONS
    for table in TABLES.values():
        assert tuple(table) == ACTORS
        assert all(len(row) == 4 for row in table.values())
