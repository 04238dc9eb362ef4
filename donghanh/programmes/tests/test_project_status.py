"""A project's status follows its dates (issue 11, item 6): a project recorded as under way
reads "planned" before its start and "completed" after its end, in the list, on its page and
in the API; a status set on purpose stays as set."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project, ProjectStatus
from donghanh.programmes.projects.services import project_create
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

NOBODY = Actor.system("tests")
DAY = datetime.timedelta(days=1)


def _project(organisation: Any, code: str, start: Any, end: Any, **values: Any) -> Project:
    return project_create(
        organisation=organisation,
        code=code,
        name=f"Dự án {code}",
        start_on=start,
        end_on=end,
        actor=NOBODY,
        **values,
    )


@pytest.mark.parametrize(
    ("stored", "start", "end", "shown"),
    [
        (ProjectStatus.ACTIVE, -30, 30, ProjectStatus.ACTIVE),
        (ProjectStatus.ACTIVE, -30, -1, ProjectStatus.COMPLETED),
        (ProjectStatus.ACTIVE, 1, 30, ProjectStatus.PLANNED),
        (ProjectStatus.ACTIVE, 0, 0, ProjectStatus.ACTIVE),  # both days count
        (ProjectStatus.ACTIVE, None, None, ProjectStatus.ACTIVE),
        (ProjectStatus.SUSPENDED, -30, -1, ProjectStatus.SUSPENDED),
        (ProjectStatus.COMPLETED, -30, 30, ProjectStatus.COMPLETED),
        (ProjectStatus.PLANNED, -30, 30, ProjectStatus.PLANNED),
    ],
)
def test_the_status_follows_the_dates_unless_set_on_purpose(stored, start, end, shown) -> None:
    today = datetime.date(2026, 6, 15)
    project = Project(
        code="X",
        status=stored,
        start_on=None if start is None else today + start * DAY,
        end_on=None if end is None else today + end * DAY,
    )
    assert project.status_on(today) == shown


def test_an_ended_project_reads_completed_in_the_list_the_page_and_the_api(db) -> None:
    today = timezone.localdate()
    organisation: Any = factories.OrganisationFactory()
    officer: Any = factories.UserFactory()
    factories.MembershipFactory(
        user=officer, organisation=organisation, role=Role.PROGRAMME_OFFICER
    )
    ended = _project(organisation, "OLD", today - 400 * DAY, today - DAY)
    running = _project(organisation, "NOW", today - DAY, today + 400 * DAY)
    assert ended.status == ProjectStatus.ACTIVE  # as stored: nobody changed it

    client = signed_in_client(officer)
    listing = client.get(reverse("programmes:list", kwargs={"org": organisation.slug}))
    rows = {
        row.split("</a>")[0].rsplit(">", 1)[-1]: row
        for row in listing.content.decode().split("<tr>")[2:]
    }
    assert "Đã hoàn thành" in rows["OLD"] and "Đang thực hiện" not in rows["OLD"]
    assert "Đang thực hiện" in rows["NOW"]
    detail = client.get(
        reverse("programmes:detail", kwargs={"org": organisation.slug, "project_id": ended.pk})
    ).content.decode()
    assert "<dd>Đã hoàn thành</dd>" in detail

    answer = api_client(issue_token(officer)).get(reverse("api:project_list")).json()
    statuses = {project["code"]: project["status"] for project in answer["results"]}
    assert statuses == {"OLD": "completed", "NOW": "active"}
    assert running.current_status == "active"
