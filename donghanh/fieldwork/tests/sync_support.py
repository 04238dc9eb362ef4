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
