"""Helpers of the sync tests: the cases app's fixtures, addresses, and operations to send."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from donghanh.cases.tests import conftest as cases_conftest
from donghanh.core.actor import Actor
from donghanh.livelihood.savings import services as savings
from donghanh.livelihood.savings.models import SavingsGroup

# The cases app's fixtures: an organisation with every role, a person and an assigned case.
staff = cases_conftest.staff
person = cases_conftest.person
case = cases_conftest.case
make_case = cases_conftest.make_case
make_person = cases_conftest.make_person


def url(name: str, org: Any, **kwargs: Any) -> str:
    return reverse(f"fieldwork:{name}", kwargs={"org": org.slug, **kwargs})


def made_at(minutes_ago: int = 30) -> str:
    return (timezone.now() - datetime.timedelta(minutes=minutes_ago)).isoformat()


def today_text() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def operation(kind: str, fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "made_at": made_at(),
        "case": None,
        "base_version": None,
        "fields": fields,
        **extra,
    }


def post_sync(client: Client, org: Any, *operations: dict[str, Any], device: Any = None) -> Any:
    return client.post(
        url("sync", org),
        data=json.dumps({"device": device, "operations": list(operations)}),
        content_type="application/json",
    )


def send(client: Client, org: Any, *operations: dict[str, Any]) -> list[dict[str, Any]]:
    response = post_sync(client, org, *operations)
    assert response.status_code == 200, response.content
    results: list[dict[str, Any]] = response.json()["results"]
    return results


FIRST_CONTACT: dict[str, Any] = {
    "full_name": "Lò Thị Mai",
    "sex": "female",
    "date_of_birth": "12/04/1999",
    "phone": "0912 000 111",
    "current_commune": "",
    "consent_given": True,
    "method": "verbal_witnessed",
    "given_by": "person",
    "evidence_note": "Trưởng thôn chứng kiến",
    "case_type": "migrant_at_risk",
    "intake_channel": "ngo_outreach",
    "intake_note": "",
    "need_domain": "documents",
    "need_level": "urgent",
    "need_note": "Mất giấy tờ",
}


def visit_fields(**changes: Any) -> dict[str, Any]:
    return {
        "method": "home_visit",
        "done_on": today_text(),
        "outcome": "Đã gặp gia đình",
        **changes,
    }


def make_savings_group(organisation: Any, facilitator: Any, *members: str) -> SavingsGroup:
    """A savings group the facilitator runs, with these members and a cycle open since January:
    shares of 10.000 ₫ and 2.000 ₫ to the social fund at each meeting."""
    system = Actor.system("test")
    group = savings.group_create(
        actor=system,
        organisation=organisation,
        name="Tổ tiết kiệm thôn Nà Khương",
        formed_on=datetime.date(2025, 12, 1),
        facilitator=facilitator,
    )
    for name in members:
        savings.member_add(
            actor=system, group=group, full_name=name, joined_on=datetime.date(2025, 12, 1)
        )
    savings.cycle_open(
        actor=system,
        group=group,
        started_on=datetime.date(2026, 1, 5),
        planned_end_on=datetime.date(2027, 1, 30),
        share_price=10_000,
        min_shares=1,
        max_shares=5,
        meeting_frequency="monthly",
        interest_bp=1_000,
        loan_multiple=3,
        max_loan=500_000,
        max_loan_months=3,
        social_contribution=2_000,
        fine_absence=2_000,
        fine_late=1_000,
        fine_late_repayment=5_000,
    )
    return group
