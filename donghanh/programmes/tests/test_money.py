"""Budgets, funding, budget lines and spending beyond the database's range: a message, not a 500."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from donghanh.core.actor import Actor
from donghanh.core.money import MONEY_MAX_VND
from donghanh.organisations.roles import Role
from donghanh.programmes.finance import services
from donghanh.programmes.finance.models import BudgetLine, FundingSource, Spending
from donghanh.programmes.projects.models import Project
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# The services are called outside any request: a named system actor acts.
NOBODY = Actor.system("tests")

MembershipFactory: Any = factories.MembershipFactory

TOO_LARGE = "Số tiền không được lớn hơn 9223372036854775807 đồng."


def _officer(project: Project) -> Any:
    organisation = project.implementing_organisation
    officer = MembershipFactory(organisation=organisation, role=Role.PROGRAMME_OFFICER).user
    return signed_in_client(officer)


def _url(name: str, project: Project, **kwargs: Any) -> str:
    return reverse(
        f"programmes:{name}",
        kwargs={"org": project.implementing_organisation.slug, "project_id": project.pk, **kwargs},
    )


def test_a_budget_beyond_the_databases_range_is_refused(project: Project) -> None:
    too_much = str(MONEY_MAX_VND + 1)
    response = _officer(project).post(
        _url("funding", project),
        {
            "budget_vnd": too_much,
            "version": project.version,
            "source-TOTAL_FORMS": "1",
            "source-INITIAL_FORMS": "0",
            "source-0-kind": "donor",
            "source-0-donor_name": "CARE",
            "source-0-amount_vnd": too_much,
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count(TOO_LARGE) == 2
    project.refresh_from_db()
    assert project.budget_vnd == 0
    assert not FundingSource.objects.exists()


def test_a_budget_line_and_a_spending_beyond_the_range_are_refused(
    funded_project: Project,
) -> None:
    client = _officer(funded_project)
    too_much = str(MONEY_MAX_VND + 1)
    response = client.post(
        _url("budget", funded_project), {"code": "1.1", "name": "Tập huấn", "amount_vnd": too_much}
    )
    assert TOO_LARGE in response.content.decode()
    assert not BudgetLine.objects.exists()

    line = services.budget_line_add(
        project=funded_project, code="1.1", name="Tập huấn", amount_vnd=1_000_000, actor=NOBODY
    )
    response = client.post(
        _url("budget_line", funded_project, line_id=line.pk),
        {
            "spent_on": datetime.date(2026, 1, 5).isoformat(),
            "amount_vnd": too_much,
            "description": "Thuê hội trường",
            "evidence_text": "Phiếu chi 12",
            "overspend_reason": "Giá tăng",
        },
    )
    assert TOO_LARGE in response.content.decode()
    assert not Spending.objects.exists()
