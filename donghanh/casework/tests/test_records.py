"""Needs assessments, audit rows without names, encryption at rest, the person's export."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from donghanh.audit.models import AuditEntry
from donghanh.casework import selectors, services
from donghanh.casework.edits import NEEDS_EDITS
from donghanh.casework.models import ASSESSED_DOMAINS, AssessedNeed, NeedsAssessment
from donghanh.casework.tests.conftest import add_goal, close, opened_at, url
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
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        url("needs_add", case), {**data, **opened_at(client, url("needs_add", case))}
    )
    assert response.status_code == 302
    assessment = NeedsAssessment.objects.get(case=case)
    assert assessment.needs.count() == 10
    assert assessment.needs.get(domain="safety").level == "urgent"
    page = staff.client(Role.CASE_WORKER).get(response["Location"]).content.decode()
    assert SECRET in page
    entry = AuditEntry.objects.get(target_type="casework.needsassessment")
    assert entry.summary == f"needs assessment added to case {case.pk}"
    assert entry.actor == staff.users[Role.CASE_WORKER]


def _levels(**levels: str) -> dict[str, str]:
    """Form data for every domain: no need unless given."""
    data = {f"level_{domain.value}": "none" for domain in ASSESSED_DOMAINS}
    data.update({f"level_{domain}": level for domain, level in levels.items()})
    return data


def test_a_new_assessment_starts_from_the_last_and_the_earlier_stay_as_history(staff, case):
    services.needs_assess(
        case=case,
        assessed_on=datetime.date(2026, 5, 4),
        levels={"safety": "urgent"},
        notes={"safety": SECRET},
        actor=Actor.system("tests"),
    )
    client = staff.client(Role.CASE_WORKER)
    page = client.get(url("needs_add", case))
    initial = page.context["form"].initial
    assert (initial["level_safety"], initial["note_safety"]) == ("urgent", SECRET)
    assert initial["level_health"] == "none"
    assert "1 lần đánh giá trước" in page.content.decode()  # the history below the form
    form = {**_levels(safety="some"), "note_safety": "Đã an toàn", "assessed_on": "2026-05-20"}
    response = client.post(
        url("needs_add", case), {**form, **opened_at(client, page.request["PATH_INFO"])}
    )
    assert response.status_code == 302
    assert list(NeedsAssessment.objects.order_by("version").values_list("version", flat=True)) == [
        1,
        2,
    ]
    case_page = client.get(response["Location"]).content.decode()
    assert "Đã an toàn" in case_page  # the current assessment
    assert "1 lần đánh giá trước" in case_page and SECRET in case_page  # and the earlier one


def test_an_assessment_on_needs_changed_since_is_refused_and_merged(staff, case):
    """Two people start from the same assessment: the second to save does not undo the
    first's change unseen; the merged form keeps both."""
    services.needs_assess(
        case=case,
        assessed_on=datetime.date(2026, 5, 4),
        levels={},
        notes={},
        actor=Actor.system("tests"),
    )
    page = url("needs_add", case)
    worker, supervisor = staff.client(Role.CASE_WORKER), staff.client(Role.SUPERVISOR)
    mine, theirs = opened_at(worker, page), opened_at(supervisor, page)
    day = {"assessed_on": "2026-05-20"}
    assert supervisor.post(page, {**_levels(health="urgent"), **day, **theirs}).status_code == 302
    refused = worker.post(page, {**_levels(education="some"), **day, **mine})
    assert refused.status_code == 400
    assert NeedsAssessment.objects.count() == 2
    content = refused.content.decode()
    assert "Giá trị do người khác đã lưu" in content and "Chăm sóc y tế: mức độ nhu cầu" in content
    merged = refused.context["form"].data
    assert (merged["level_health"], merged["level_education"]) == ("urgent", "some")
    assert worker.post(page, merged).status_code == 302
    current = NeedsAssessment.objects.get(version=3)
    levels = dict(current.needs.values_list("domain", "level"))
    assert (levels["health"], levels["education"]) == ("urgent", "some")


def test_two_assessments_on_the_same_needs_are_refused_in_the_service(staff, case):
    from django.core.exceptions import ValidationError

    picture = selectors.needs_picture(case)
    baseline = NEEDS_EDITS.fingerprints(picture)
    arguments = {
        "case": case,
        "assessed_on": datetime.date(2026, 5, 4),
        "notes": {},
        "expected_version": picture.version,
        "baseline": baseline,
        "actor": Actor.system("tests"),
    }
    services.needs_assess(levels={"legal": "some"}, **arguments)
    with pytest.raises(ValidationError) as refused:
        services.needs_assess(levels={"legal": "some"}, **arguments)
    assert refused.value.code == "edit_conflict"
    assert refused.value.changed_fields == ["level_legal"]  # type: ignore[attr-defined]
    assert NeedsAssessment.objects.count() == 1


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
