"""The sync of the field app: the shell page, the cases and package a device takes, and the
operations it sends (applied once, refused whole, audited)."""

from __future__ import annotations

from typing import Any

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case
from donghanh.casework.models import FollowUp, NeedsAssessment
from donghanh.fieldwork.sync.models import SyncOperation
from donghanh.fieldwork.tests import sync_support
from donghanh.fieldwork.tests.sync_support import (
    FIRST_CONTACT,
    make_case,
    operation,
    send,
    url,
    visit_fields,
)
from donghanh.organisations.roles import Role
from donghanh.people.models import Consent, Person

staff = sync_support.staff
person = sync_support.person
case = sync_support.case

pytestmark = pytest.mark.django_db


def test_shell_page_has_the_forms_and_no_personal_data(staff: Any, case: Case) -> None:
    user = staff.users[Role.CASE_WORKER]
    response = staff.client(Role.CASE_WORKER).get(url("field", staff.organisation))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in ("first_contact", "visit", "screening", "attendance", "savings_meeting"):
        assert f'data-offline-kind="{kind}"' in html
    assert 'name="full_name"' in html and 'name="consent_given"' in html
    assert 'data-offline-options="cases"' in html
    assert case.person.full_name not in html
    assert str(user.display_name) not in html
    assert case.number not in html


def test_first_contact_and_visit_are_applied_once(staff: Any) -> None:
    client = staff.client(Role.COLLABORATOR)
    org = staff.organisation
    first = operation("first_contact", FIRST_CONTACT)
    [result] = send(client, org, first)
    assert result["status"] == "applied", result
    case = Case.objects.get(pk=result["record"]["id"])
    assert case.workers.filter(pk=staff.users[Role.COLLABORATOR].pk).exists()
    assert Consent.objects.filter(person=case.person, purpose="case_management").count() == 1
    assert NeedsAssessment.objects.filter(case=case).count() == 1
    visit = operation("visit", visit_fields(), case=case.pk)
    again = send(client, org, visit, first)
    assert [item["status"] for item in again] == ["applied", "duplicate"]
    assert again[1]["record"]["id"] == case.pk
    assert Person.objects.filter(organisation=org).count() == 1
    assert FollowUp.objects.filter(case=case).count() == 1
    assert [item["status"] for item in send(client, org, visit)] == ["duplicate"]
    assert FollowUp.objects.filter(case=case).count() == 1
    synced = AuditEntry.objects.filter(event="field.write_synced").order_by("pk")
    assert synced.count() == 2
    opened = synced[0]
    assert (opened.target_type, opened.target_id) == ("cases.case", str(case.pk))
    assert opened.details["kind"] == "first_contact"
    assert opened.details["made_offline_at"] == first["made_at"]
    assert opened.details["received_at"] > opened.details["made_offline_at"]
    assert "device" in opened.details
    assert "Lò Thị Mai" not in opened.summary and "Lò Thị Mai" not in str(opened.details)
    assert SyncOperation.objects.count() == 2


def test_cases_and_package_hold_only_the_users_own_cases(staff: Any, case: Case) -> None:
    org = staff.organisation
    worker = staff.users[Role.CASE_WORKER]
    other = make_case(case.person, staff.users[Role.COLLABORATOR])
    client = staff.client(Role.CASE_WORKER)
    listed = client.get(url("cases", org)).json()["cases"]
    assert [row["id"] for row in listed] == [case.pk]
    packed = client.get(url("package", org), {"case": [case.pk, other.pk]}).json()
    assert [row["id"] for row in packed["cases"]] == [case.pk]
    assert packed["cases"][0]["version"] == case.version
    assert worker
