"""POST /api/v1/cases/{id}/services/ with a project × every actor × how the case's organisation
relates to the project.

As in the other matrices, every expected answer is written out by hand. The case belongs to the
actor's organisation (assigned to the actor when a case worker or collaborator); the project is
linked to that organisation as in test_permission_matrix_projects.py:

    implementing  the organisation implements the project
    partner       the organisation is a partner of the project
    donor         the organisation funds it (and does not deliver services under it)
    unrelated     the project belongs to another organisation entirely

Legend: 201 recorded under the project; 400 the project refused (nothing recorded); 401 no
valid token; 403 the role may not record services. Whatever the answer, the project's "persons
served" figure counts the new person only when the service was recorded, and no refusal names
the project.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from donghanh.api.tests.actors import ACTORS, actor_client
from donghanh.api.tests.conftest import make_person
from donghanh.cases.tests.conftest import make_case
from donghanh.casework.models import ServiceDelivery
from donghanh.indicators.compute import raw_result
from donghanh.indicators.tests.matrix_world import RELATIONS, linked_project
from donghanh.organisations.roles import Role
from donghanh.testing import factories

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

# fmt: off
SERVICE_UNDER_PROJECT: dict[str, tuple[int, int, int, int]] = {
    #                      implementing partner donor unrelated
    "org_admin":            (403,        403,    403,  403),
    "supervisor":           (201,        201,    400,  400),
    "case_worker":          (201,        201,    400,  400),
    "collaborator":         (201,        201,    400,  400),
    "programme_officer":    (403,        403,    403,  403),
    "content_editor":       (403,        403,    403,  403),
    "donor_viewer":         (403,        403,    403,  403),
    "system_administrator": (401,        401,    401,  401),
    "no_membership":        (401,        401,    401,  401),
    "anonymous":            (401,        401,    401,  401),
}
# fmt: on


def _cases() -> list[Any]:
    return [
        pytest.param(actor, relation, expected, id=f"{actor}-{relation}")
        for actor in ACTORS
        for relation, expected in zip(RELATIONS, SERVICE_UNDER_PROJECT[actor], strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "relation", "expected"), _cases())
def test_a_service_under_a_project_for_every_actor_and_relation(
    actor: str, relation: str, expected: int
) -> None:
    own = OrganisationFactory()
    user, client = actor_client(actor, own)
    world = linked_project(own, relation)  # one person served already, in the implementer
    assigned = actor in ("case_worker", "collaborator")
    worker = user if assigned else MembershipFactory(organisation=own, role=Role.CASE_WORKER).user
    case = make_case(make_person(own, worker, full_name="Phạm Thị Lan"), worker)

    response = client.post(
        reverse("api:case_service_list", kwargs={"case_id": case.pk}),
        {
            "domain": "health",
            "provider_name": "Trạm y tế xã",
            "delivered_on": "2026-03-05",
            "project": world.project.pk,
        },
        format="json",
    )

    assert response.status_code == expected, response.content
    recorded = ServiceDelivery.objects.filter(case=case)
    if expected == 201:
        assert response.json()["project"] == world.project.pk
        assert [service.project_id for service in recorded] == [world.project.pk]
        assert raw_result(world.served).total == 2
    else:
        assert not recorded.exists()
        assert raw_result(world.served).total == 1
        assert world.project.name not in response.content.decode()
    if expected == 400:
        assert list(response.json()) == ["project"]


def test_the_table_has_a_row_per_actor_and_a_cell_per_relation() -> None:
    assert tuple(SERVICE_UNDER_PROJECT) == ACTORS
    assert all(len(row) == len(RELATIONS) for row in SERVICE_UNDER_PROJECT.values())
