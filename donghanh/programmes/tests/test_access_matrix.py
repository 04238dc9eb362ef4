"""Every role × every programme page × how the member's organisation relates to the project.

Expected statuses are written by hand (not computed from roles.py), as in
donghanh/organisations/tests/test_permission_matrix.py. Scopes:
    implementing  the project of the member's own organisation
    partner       the member's organisation is a partner of the project
    donor         the member's organisation is a donor of the project (reads; never names)
    unrelated     a project the member's organisation has nothing to do with (through its URL)
    other_org     the project's own organisation's URL, where the actor is not a member
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.programmes import urls as programme_urls
from donghanh.programmes.finance.services import budget_line_add
from donghanh.programmes.projects.services import project_create
from donghanh.programmes.results.services import indicator_add
from donghanh.programmes.trainings.models import Training
from donghanh.programmes.trainings.services import participant_enrol, session_add, training_add
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# The services are called outside any request: a named system actor acts.
NOBODY = Actor.system("tests")

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

LOGIN = "LOGIN"
ACTORS = (
    "org_admin",
    "supervisor",
    "case_worker",
    "collaborator",
    "programme_officer",
    "content_editor",
    "donor_viewer",
    "system_administrator",
    "no_membership",
    "anonymous",
)
COLUMNS = (
    "list", "detail", "edit", "funding", "budget", "line", "results", "indicator",
    "trainings", "training", "participation", "certificate", "communication", "organisations",
    "publications", "add_training",
)  # fmt: skip
V, W, N = 200, 302, 404

# fmt: off
_READER_NAMES = (V, V, 403, V, V, V, V, V, V, V, V, V, V, V, V, 403)  # org_admin, supervisor
_EDITOR = (V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, W)
_NONE = (403,) * 16
_OUTSIDER = (N,) * 16
_ANON = (LOGIN,) * 16
IMPLEMENTING = {
    "org_admin": _READER_NAMES, "supervisor": _READER_NAMES, "case_worker": _NONE,
    "collaborator": _NONE, "programme_officer": _EDITOR, "content_editor": _NONE,
    "donor_viewer": _NONE, "system_administrator": _OUTSIDER, "no_membership": _OUTSIDER,
    "anonymous": _ANON,
}
# A donor organisation reads the project, never edits it, never sees trainee names.
_DONOR_READER = (V, V, 403, V, V, V, V, V, V, V, 403, 403, V, V, V, 403)
DONOR = {
    **IMPLEMENTING,
    "org_admin": _DONOR_READER, "supervisor": _DONOR_READER, "programme_officer": _DONOR_READER,
}
# Through the member's own organisation, a project of an unrelated organisation does not exist.
# (A role without the permission is refused before the project is looked up: 403.)
_UNRELATED = (V,) + (N,) * 15
_UNRELATED_READER = (V, N, 403, N, N, N, N, N, N, N, N, N, N, N, N, 403)
UNRELATED = {
    **IMPLEMENTING,
    "org_admin": _UNRELATED_READER, "supervisor": _UNRELATED_READER,
    "programme_officer": _UNRELATED,
}
OTHER_ORG = dict.fromkeys(ACTORS, _OUTSIDER) | {"anonymous": _ANON}
TABLES: dict[str, dict[str, tuple[Any, ...]]] = {
    "implementing": IMPLEMENTING,
    "partner": IMPLEMENTING,
    "donor": DONOR,
    "unrelated": UNRELATED,
    "other_org": OTHER_ORG,
}
# fmt: on


def _world(actor: str, scope: str) -> tuple[Client, str, dict[str, Any]]:
    own = OrganisationFactory()
    implementer = own if scope == "implementing" else OrganisationFactory()
    project = project_create(organisation=implementer, code="001", name="Dự án", actor=NOBODY)
    if scope == "partner":
        project.partner_organisations.add(own)
    if scope == "donor":
        project.donors.add(own)
    line = budget_line_add(project=project, code="1", name="Dòng", amount_vnd=0, actor=NOBODY)
    indicator = indicator_add(project=project, code="1", name="Chỉ số", actor=NOBODY)
    training = training_add(
        project=project, title="Tập huấn", level="commune", start_on=datetime.date(2025, 1, 1),
        end_on=datetime.date(2025, 1, 1), actor=NOBODY,
    )  # fmt: skip
    session = session_add(
        training=training, held_on=datetime.date(2025, 1, 1), title="Buổi 1", actor=NOBODY
    )
    participation = participant_enrol(
        training=training, full_name="Hồ Thị Yến", sex="female", role="collaborator",
        sector="women", actor=NOBODY,
    )  # fmt: skip
    participation.sessions_attended.add(session)
    if actor == "anonymous":
        client = Client()
    elif actor == "system_administrator":
        client = signed_in_client(UserFactory(is_superuser=True, is_staff=True))
    elif actor == "no_membership":
        client = signed_in_client(UserFactory())
    else:
        client = signed_in_client(MembershipFactory(organisation=own, role=Role(actor)).user)
    slug = implementer.slug if scope == "other_org" else own.slug
    ids = {
        "project_id": project.pk,
        "line_id": line.pk,
        "indicator_id": indicator.pk,
        "training_id": training.pk,
        "participation_id": participation.pk,
    }
    return client, slug, ids


URLS: dict[str, tuple[str, tuple[str, ...]]] = {
    "list": ("programmes:list", ()),
    "detail": ("programmes:detail", ("project_id",)),
    "edit": ("programmes:edit", ("project_id",)),
    "funding": ("programmes:funding", ("project_id",)),
    "budget": ("programmes:budget", ("project_id",)),
    "line": ("programmes:budget_line", ("project_id", "line_id")),
    "results": ("programmes:results", ("project_id",)),
    "indicator": ("programmes:indicator", ("project_id", "indicator_id")),
    "trainings": ("programmes:trainings", ("project_id",)),
    "training": ("programmes:training", ("project_id", "training_id")),
    "participation": (
        "programmes:participation",
        ("project_id", "training_id", "participation_id"),
    ),
    "certificate": ("programmes:certificate", ("project_id", "training_id", "participation_id")),
    "communication": ("programmes:communication", ("project_id",)),
    "organisations": ("programmes:organisations", ("project_id",)),
    "publications": ("programmes:publications", ("project_id",)),
    "add_training": ("programmes:trainings", ("project_id",)),
}
NEW_TRAINING = {
    "kind": "training", "title": "Tập huấn mới", "level": "village",
    "start_on": "2025-02-01", "end_on": "2025-02-01",
}  # fmt: skip


def _cases() -> list[Any]:
    return [
        pytest.param(actor, scope, id=f"{actor}-{scope}") for scope in TABLES for actor in ACTORS
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "scope"), _cases())
def test_programme_pages(actor: str, scope: str) -> None:
    client, slug, ids = _world(actor, scope)
    outcomes: dict[str, Any] = {}
    for column in COLUMNS:
        name, keys = URLS[column]
        url = reverse(name, kwargs={"org": slug, **{key: ids[key] for key in keys}})
        response = client.post(url, NEW_TRAINING) if column == "add_training" else client.get(url)
        if response.status_code == 302 and "/login/" in response.get("Location", ""):
            outcomes[column] = LOGIN
        else:
            outcomes[column] = response.status_code
    assert tuple(outcomes[c] for c in COLUMNS) == TABLES[scope][actor], outcomes
    added = Training.objects.filter(title="Tập huấn mới").exists()
    assert added is (TABLES[scope][actor][-1] == W)


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["implementing", "donor"])
def test_names_are_shown_only_to_roles_and_organisations_allowed(scope: str) -> None:
    for actor, shown in (
        ("programme_officer", scope == "implementing"),
        ("supervisor", scope == "implementing"),
    ):
        client, slug, ids = _world(actor, scope)
        url = reverse(
            "programmes:training",
            kwargs={
                "org": slug,
                "project_id": ids["project_id"],
                "training_id": ids["training_id"],
            },
        )
        page = client.get(url).content.decode()
        assert ("Hồ Thị Yến" in page) is shown
        assert "1 " in page  # the count is always there


def test_the_matrix_covers_every_programme_page() -> None:
    covered = {name.split(":")[1] for name, _keys in URLS.values()}
    # POST-only actions are covered by the service tests and the add_training column.
    actions = {"phase_add", "province_add", "framework_add", "indicator_create", "target_add",
               "value_add", "participant_add", "evidence", "create"}  # fmt: skip
    assert covered | actions == {p.name for p in programme_urls.urlpatterns}
    assert all(len(row) == len(COLUMNS) for table in TABLES.values() for row in table.values())
