"""Screening (with its conflicts), training attendance and savings meetings sent from the field:
each through the pages' services, conflicts kept encrypted and resolved with the merge view."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case
from donghanh.cases.selectors import CASE_EDITS
from donghanh.cases.services import case_update
from donghanh.core.actor import Actor
from donghanh.fieldwork.sync.models import ConflictStatus, SyncConflict
from donghanh.fieldwork.tests import sync_support
from donghanh.fieldwork.tests.sync_support import operation, send, today_text, url
from donghanh.livelihood.savings.models import Meeting, SavingsGroup
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.services import project_create
from donghanh.programmes.trainings.models import TrainingParticipation, TrainingSession
from donghanh.programmes.trainings.services import participant_enrol, session_add, training_add

staff = sync_support.staff
person = sync_support.person
case = sync_support.case

pytestmark = pytest.mark.django_db


def screening_fields(case: Case, **changes: Any) -> dict[str, Any]:
    edit = CASE_EDITS.baseline_initial(case)
    return {
        "case": case.pk,
        "version": edit["version"],
        "baseline": edit["baseline"],
        "journey_details": "Qua Lào Cai, làm ở xưởng may",
        "screened_on": today_text(),
        **changes,
    }


def changed_on_server(case: Case, **changes: Any) -> Case:
    return case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(None),
        **changes,
    )


def test_screening_is_saved_through_the_case_service(staff: Any, case: Case) -> None:
    client = staff.client(Role.CASE_WORKER)
    sent = operation("screening", screening_fields(case), case=case.pk, base_version=case.version)
    [result] = send(client, staff.organisation, sent)
    assert result["status"] == "applied", result
    case.refresh_from_db()
    assert case.journey_details == "Qua Lào Cai, làm ở xưởng may"
    assert case.version == 2
    assert AuditEntry.objects.filter(event="case.changed", target_id=str(case.pk)).count() == 1


def test_a_screening_changed_meanwhile_becomes_a_conflict_resolved_field_by_field(
    staff: Any, case: Case
) -> None:
    client = staff.client(Role.CASE_WORKER)
    org = staff.organisation
    fields = screening_fields(case, screening_note="Ghi chú ngoại tuyến bí mật")
    changed_on_server(case, journey_details="Qua Móng Cái", destination_country="CN")
    sent = operation("screening", fields, case=case.pk, base_version=1)
    [result] = send(client, org, sent)
    assert result["status"] == "conflict", result
    by_name = {item["name"]: item for item in result["conflict"]["fields"]}
    assert set(by_name) == {"journey_details", "destination_country"}
    assert by_name["journey_details"]["yours"] == "Qua Lào Cai, làm ở xưởng may"
    assert by_name["journey_details"]["theirs"] == "Qua Móng Cái"
    case.refresh_from_db()
    assert case.journey_details == "Qua Móng Cái" and case.screening_note == ""
    conflict = SyncConflict.objects.get()
    assert result["conflict"]["url"] == url("conflict", org, conflict_id=conflict.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT submitted FROM fieldwork_syncconflict")
        (stored,) = cursor.fetchone()
    assert "bí mật" not in stored and "Lào Cai" not in stored
    # Sent again: the same conflict, nothing more.
    [again] = send(client, org, sent)
    assert again["status"] == "duplicate" and again["record"]["id"] == conflict.pk
    assert SyncConflict.objects.count() == 1
    # The merge view: their destination (only they changed it), my journey (both did).
    page = client.get(result["conflict"]["url"])
    assert page.status_code == 200
    form = page.context["form"]
    assert form.data["destination_country"] == "CN"
    assert form.data["journey_details"] == "Qua Lào Cai, làm ở xưởng may"
    assert [row.also_yours for row in page.context["conflict_rows"]].count(True) == 1
    posted = client.post(result["conflict"]["url"], {**form.data.dict(), "action": "save"})
    assert posted.status_code == 302
    case.refresh_from_db()
    assert case.destination_country == "CN"
    assert case.journey_details == "Qua Lào Cai, làm ở xưởng may"
    assert case.screening_note == "Ghi chú ngoại tuyến bí mật"
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.RESOLVED
    assert AuditEntry.objects.filter(event="field.conflict_recorded").count() == 1
    assert AuditEntry.objects.filter(event="field.conflict_resolved").count() == 1


def test_a_conflict_can_keep_the_servers_version(staff: Any, case: Case) -> None:
    client = staff.client(Role.CASE_WORKER)
    org = staff.organisation
    fields = screening_fields(case)
    changed_on_server(case, journey_details="Qua Móng Cái")
    [result] = send(client, org, operation("screening", fields, case=case.pk, base_version=1))
    response = client.post(result["conflict"]["url"], {"action": "discard"})
    assert response.status_code == 302
    conflict = SyncConflict.objects.get()
    assert conflict.status == ConflictStatus.DISCARDED and conflict.submitted == ""
    case.refresh_from_db()
    assert case.journey_details == "Qua Móng Cái"
    # Another user's conflict, or a colleague of the same organisation: 404.
    other = staff.client(Role.SUPERVISOR).get(result["conflict"]["url"])
    assert other.status_code == 404


@pytest.fixture
def session(staff: Any) -> TrainingSession:
    officer = staff.users[Role.PROGRAMME_OFFICER]
    today = timezone.localdate()
    project = project_create(
        organisation=staff.organisation,
        code="016",
        name="Dự án thực địa",
        start_on=today - datetime.timedelta(days=60),
        end_on=today + datetime.timedelta(days=60),
        actor=Actor.for_user(officer),
    )
    training = training_add(
        project=project,
        title="Di cư an toàn",
        level="commune",
        start_on=today - datetime.timedelta(days=1),
        end_on=today + datetime.timedelta(days=1),
        actor=Actor.for_user(officer),
    )
    for name in ("Hà Thị Lan", "Vàng A Sình"):
        participant_enrol(
            training=training,
            full_name=name,
            sex="female",
            role="collaborator",
            sector="women",
            actor=Actor.for_user(officer),
        )
    return session_add(training=training, held_on=today, title="Buổi 1", actor=Actor.system("t"))


def test_attendance_marks_the_ticked_participants(staff: Any, session: TrainingSession) -> None:
    client = staff.client(Role.PROGRAMME_OFFICER)
    org = staff.organisation
    packed = client.get(url("package", org)).json()
    [training] = packed["trainings"]
    assert training["session"] == session.pk
    first, second = (item["id"] for item in training["participants"])
    sent = operation("attendance", {"session": session.pk, "attended": [first]})
    assert [item["status"] for item in send(client, org, sent, sent)] == ["applied", "duplicate"]
    attended = TrainingParticipation.objects.filter(sessions_attended=session)
    assert list(attended.values_list("pk", flat=True)) == [first]
    refused = operation("attendance", {"session": session.pk, "attended": [first, 987654]})
    [result] = send(client, org, refused)
    assert result["status"] == "refused" and "attended" in result["errors"]
    assert second


@pytest.fixture
def group(staff: Any) -> SavingsGroup:
    return sync_support.make_savings_group(
        staff.organisation, staff.users[Role.COLLABORATOR], "Lò Thị Hoa", "Hà Thị Nhung"
    )


def meeting_fields(packed_group: dict[str, Any], shares: int = 2) -> dict[str, Any]:
    fields: dict[str, Any] = {"group": packed_group["id"], "held_on": today_text()}
    for member in packed_group["members"]:
        fields[f"m{member['id']}-attendance"] = "present"
        fields[f"m{member['id']}-shares"] = shares
        fields[f"m{member['id']}-social"] = True
    return fields


def test_a_savings_meeting_goes_through_the_meeting_service(
    staff: Any, group: SavingsGroup
) -> None:
    client = staff.client(Role.COLLABORATOR)
    org = staff.organisation
    [packed] = client.get(url("package", org)).json()["savings_groups"]
    assert [member["name"] for member in packed["members"]] == ["Lò Thị Hoa", "Hà Thị Nhung"]
    sent = operation(
        "savings_meeting", meeting_fields(packed), base_version=packed["ledger_version"]
    )
    [result] = send(client, org, sent)
    assert result["status"] == "applied", result
    meeting = Meeting.objects.get()
    assert result["record"]["id"] == meeting.pk
    group.refresh_from_db()
    assert group.loan_fund_cash == 40_000 and group.social_fund_cash == 4_000
    # Sent again: nothing twice. Another meeting on the old ledger version: refused whole.
    assert send(client, org, sent)[0]["status"] == "duplicate"
    stale = operation(
        "savings_meeting", meeting_fields(packed, shares=1), base_version=packed["ledger_version"]
    )
    [result] = send(client, org, stale)
    assert result["status"] == "refused", result
    assert Meeting.objects.count() == 1
    group.refresh_from_db()
    assert group.loan_fund_cash == 40_000
