"""The 001 programme's demo dashboard and API show 541 and 335, counted from records."""

from __future__ import annotations

import re

import pytest

from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.demo.programme_services import demo_programmes_load
from donghanh.demo.services import demo_load
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.testing.clients import signed_in_client


@pytest.mark.django_db
def test_demo_001_shows_541_trained_and_335_served_from_records() -> None:
    demo_load()
    demo_programmes_load()
    project = Project.objects.get(code="001")
    organisation = project.implementing_organisation
    officer = (
        Membership.objects.filter(organisation=organisation, role=Role.PROGRAMME_OFFICER)
        .select_related("user")
        .first()
    )
    user = officer.user if officer else None
    assert user is not None
    page = signed_in_client(user).get(
        f"/app/o/{organisation.slug}/programmes/{project.pk}/dashboard/"
    )
    assert page.status_code == 200
    actuals = dict(re.findall(r'data-indicator="([^"]+)">([^<]+)<', page.content.decode()))
    assert actuals["1.1.1"] == "541"
    assert actuals["2.1.1"] == "335"
    answer = api_client(issue_token(user)).get(f"/api/v1/projects/{project.pk}/indicators/")
    values = {row["code"]: row["actual"]["value"] for row in answer.json()["results"]}
    assert values["1.1.1"] == 541 and values["2.1.1"] == 335
    sources = {row["code"]: row["source"] for row in answer.json()["results"]}
    assert sources["1.1.1"] == sources["2.1.1"] == "computed"
