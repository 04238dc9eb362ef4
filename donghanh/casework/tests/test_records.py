"""Needs assessments, audit rows without names, encryption at rest, the person's export."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from donghanh.audit.models import AuditEntry
from donghanh.casework import services
from donghanh.casework.models import AssessedNeed, NeedsAssessment
from donghanh.casework.tests.conftest import add_goal, close, url
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.privacy.exporters import person_export_data

SECRET = "Bị chủ chứa đe doạ ở Thâm Quyến"


def _raw(table, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 (fixed names)
        return [row[0] for row in cursor.fetchall()]


def test_needs_assessment_through_the_page(staff, case):
    data = {"assessed_on": "2026-05-04", "level_safety": "urgent", "note_safety": SECRET}
    for domain in [
        "essential_needs",
        "health",
        "psychological",
        "legal",
        "education",
        "vocational",
        "shelter",
        "travel",
        "documents",
    ]:
        data[f"level_{domain}"] = "some"
    response = staff.client(Role.CASE_WORKER).post(url("needs_add", case), data)
    assert response.status_code == 302
    assessment = NeedsAssessment.objects.get(case=case)
    assert assessment.needs.count() == 10
    assert assessment.needs.get(domain="safety").level == "urgent"
    page = staff.client(Role.CASE_WORKER).get(response["Location"]).content.decode()
    assert SECRET in page
    entry = AuditEntry.objects.get(target_type="casework.needsassessment")
    assert entry.summary == f"needs assessment added to case {case.pk}"
    assert entry.actor == staff.users[Role.CASE_WORKER]


def test_notes_are_encrypted_at_rest(staff, case):
    services.needs_assess(
        case=case,
        assessed_on=datetime.date(2026, 5, 4),
        levels={"safety": "urgent"},
        notes={"safety": SECRET},
        actor=Actor.system("tests"),
    )
    add_goal(case, staff, SECRET)
    services.follow_up_plan(
        case=case,
        planned_on=datetime.date(2026, 5, 4),
        method="phone",
        outcome=SECRET,
        actor=Actor.system("tests"),
    )
    for table, column in [
        ("casework_assessedneed", "note"),
        ("casework_plangoal", "text"),
        ("casework_followup", "outcome"),
    ]:
        stored = [value for value in _raw(table, column) if value]
        assert stored, table
        assert all(SECRET not in value and "Thâm Quyến" not in value for value in stored)
    assert AssessedNeed.objects.get(domain="safety").note == SECRET


def test_audit_rows_never_hold_names_or_notes(staff, case, person):
    add_goal(case, staff, SECRET)
    services.needs_assess(
        case=case,
        assessed_on=datetime.date(2026, 5, 4),
        levels={},
        notes={"health": SECRET},
        actor=Actor.system("tests"),
    )
    for entry in AuditEntry.objects.filter(target_type__startswith="casework."):
        text = f"{entry.summary} {entry.changed_fields}"
        assert person.full_name not in text and SECRET not in text


def test_closed_case_refuses_needs(staff, case):
    close(case)
    response = staff.client(Role.CASE_WORKER).post(
        url("needs_add", case), {"assessed_on": "2026-05-04"}
    )
    assert response.status_code == 400
    assert not NeedsAssessment.objects.exists()


def test_future_assessment_refused(staff, case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.needs_assess(
            case=case,
            assessed_on=datetime.date.today() + datetime.timedelta(days=2),
            levels={},
            notes={},
            actor=Actor.system("tests"),
        )


def test_person_export_holds_case_work(staff, case, person):
    add_goal(case, staff, SECRET)
    services.follow_up_plan(
        case=case, planned_on=datetime.date(2026, 5, 4), method="phone", actor=Actor.system("tests")
    )
    export = person_export_data(person)
    sections = {section.key: section for section in export.sections}
    assert "casework" in sections
    goal_values = [
        field.value for record in sections["casework"].records for field in record.fields
    ]
    assert SECRET in goal_values
    titles = [record.title for record in sections["cases"].records]
    assert any("follow" in title.lower() or "theo dõi" in title.lower() for title in titles)
    # Nothing of case work is left in an uncovered section of its own.
    assert not [key for key in sections if key.startswith("casework.")]
