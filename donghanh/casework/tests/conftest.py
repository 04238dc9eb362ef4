from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from donghanh.cases.models import Case, CaseStatus
from donghanh.cases.tests import conftest as cases_conftest
from donghanh.cases.tests.conftest import Staff, identify, make_case, make_person
from donghanh.casework import services
from donghanh.casework.models import PlanGoal
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role

DAY = datetime.date(2026, 5, 4)

# The cases app's fixtures: an organisation with every role, a person and an assigned case.
staff = cases_conftest.staff
person = cases_conftest.person
case = cases_conftest.case
__all__ = ["identify", "make_case", "make_person"]


def url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(
        f"casework:{name}", kwargs={"org": case.organisation.slug, "case_id": case.pk, **kwargs}
    )


def opened_at(client: Any, page: str) -> dict[str, Any]:
    """The version and signed baseline an edit form opened now carries, as a browser would
    send them back."""
    initial = client.get(page).context["form"].initial
    return {"version": initial["version"], "baseline": initial["baseline"]}


def close(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    case.refresh_from_db()


def add_goal(case: Case, staff: Staff, text: str = "Ổn định tâm lý") -> PlanGoal:
    return services.goal_add(
        case=case,
        domain="psychological",
        text=text,
        actor=Actor.for_user(staff.users[Role.CASE_WORKER]),
    )


@pytest.fixture
def worker(staff: Staff) -> Any:
    return staff.users[Role.CASE_WORKER]
