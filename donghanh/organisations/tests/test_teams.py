"""The teams pages: who may be in a team, names, audit rows, and ids of other organisations."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.organisations.models import Team
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory


@pytest.fixture
def org(db):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
    worker = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER)
    editor = MembershipFactory(organisation=organisation, role=Role.CONTENT_EDITOR)
    return {"organisation": organisation, "admin": admin, "worker": worker, "editor": editor}


def _url(name, organisation, **kwargs):
    return reverse(f"organisations:{name}", kwargs={"org": organisation.slug, **kwargs})


def test_an_administrator_creates_a_team_and_the_audit_log_records_it(org):
    client = signed_in_client(org["admin"].user)
    response = client.post(
        _url("team_add", org["organisation"]),
        {"name": "  Nhóm   tạm lánh ", "members": [org["worker"].pk]},
    )
    assert response.status_code == 302
    team = Team.objects.get(organisation=org["organisation"])
    assert team.name == "Nhóm tạm lánh"
    assert list(team.members.all()) == [org["worker"]]
    entry = AuditEntry.objects.get(target_type="organisations.team", target_id=str(team.pk))
    assert entry.action == AuditAction.CREATE
    assert "tạm" not in entry.summary  # records by id only
    listing = client.get(_url("teams", org["organisation"])).content.decode()
    assert "Nhóm tạm lánh" in listing and org["worker"].user.display_name in listing


def test_only_members_who_work_on_cases_can_be_in_a_team(org):
    client = signed_in_client(org["admin"].user)
    response = client.post(
        _url("team_add", org["organisation"]),
        {"name": "Nhóm biên tập", "members": [org["editor"].pk]},
    )
    assert response.status_code == 200
    assert not Team.objects.exists()


def test_a_team_name_is_used_once_per_organisation(org):
    client = signed_in_client(org["admin"].user)
    client.post(_url("team_add", org["organisation"]), {"name": "Nhóm A"})
    response = client.post(_url("team_add", org["organisation"]), {"name": "nhóm a"})
    assert response.status_code == 200
    assert Team.objects.count() == 1
    other = OrganisationFactory()
    Team.objects.create(organisation=other, name="Nhóm B")
    assert client.post(_url("team_add", org["organisation"]), {"name": "Nhóm B"}).status_code == 302


def test_another_organisations_team_is_404_through_the_own_address(org):
    other = OrganisationFactory()
    foreign = Team.objects.create(organisation=other, name="Nhóm C")
    client = signed_in_client(org["admin"].user)
    for name, method in (
        ("team_edit", "get"),
        ("team_edit", "post"),
        ("team_deactivate", "post"),
    ):
        url = _url(name, org["organisation"], team_id=foreign.pk)
        assert getattr(client, method)(url, {"name": "x"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Nhóm C" and foreign.is_active


def test_renaming_and_changing_members_is_one_audit_row_and_nothing_when_unchanged(org):
    client = signed_in_client(org["admin"].user)
    client.post(_url("team_add", org["organisation"]), {"name": "Nhóm A"})
    team = Team.objects.get()
    url = _url("team_edit", org["organisation"], team_id=team.pk)
    client.post(url, {"name": "Nhóm B", "members": [org["worker"].pk]})
    client.post(url, {"name": "Nhóm B", "members": [org["worker"].pk]})
    updates = AuditEntry.objects.filter(target_type="organisations.team", action=AuditAction.UPDATE)
    assert [entry.changed_fields for entry in updates] == [["members", "name"]]
