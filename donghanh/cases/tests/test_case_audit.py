"""Every opening of a case and every change to it writes an audit row, without names."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases import services as case_services
from donghanh.cases.selectors import CASE_EDITS
from donghanh.core.actor import Actor
from donghanh.core.text import fold
from donghanh.organisations.roles import Role
from donghanh.testing.clients import searched

OPENING_PAGES = [
    "case_detail",
    "case_edit_intake",
    "case_edit_screening",
    "case_edit_identification",
    "case_workers",
    "case_restriction",
    "case_closure_request",
    "case_closure_decide",
    "case_reopen",
]


def _views(case):
    return AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type="cases.case", target_id=str(case.pk)
    )


@pytest.mark.parametrize("name", OPENING_PAGES)
def test_every_opening_of_a_case_writes_a_view_row(staff, case, name):
    url = reverse(f"cases:{name}", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    client = staff.client(Role.SUPERVISOR)
    for expected in (1, 2):
        assert client.get(url).status_code == 200
        assert _views(case).count() == expected
    entry = _views(case).latest("id")
    assert entry.actor == staff.users[Role.SUPERVISOR]
    assert entry.organisation_id == staff.organisation.pk


def test_a_refused_opening_writes_no_view_row(staff, case):
    url = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    assert staff.client(Role.DONOR_VIEWER).get(url).status_code == 403
    assert staff.client(Role.PROGRAMME_OFFICER).get(url).status_code == 403
    assert staff.client("outsider").get(url).status_code == 404
    assert not _views(case).exists()


def test_every_change_is_audited_without_names_or_values(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    worker = staff.users[Role.CASE_WORKER]
    case = case_services.case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(worker),
        recruiter_details="Chị Lan ở xã bên, môi giới sang Trung Quốc",
        exploitation_types=["ForcedMarriage"],
    )
    case_services.case_assign(
        case=case, workers=[worker, supervisor], actor=Actor.for_user(supervisor)
    )
    case_services.case_restrict(
        case=case, named_users=[supervisor, worker], actor=Actor.for_user(supervisor)
    )
    case_services.case_restrict(case=case, named_users=[], actor=Actor.for_user(supervisor))
    case = case_services.case_closure_request(
        case=case,
        reason="goals_achieved",
        reintegration_outcome="with_family",
        actor=Actor.for_user(worker),
    )
    case = case_services.case_closure_decide(
        case=case, approve=True, actor=Actor.for_user(supervisor)
    )
    case = case_services.case_reopen(case=case, note="Bị đe doạ lại", actor=Actor.for_user(worker))

    entries = list(
        AuditEntry.objects.filter(target_type="cases.case", target_id=str(case.pk)).order_by("id")
    )
    assert [entry.action for entry in entries] == [AuditAction.CREATE] + [AuditAction.UPDATE] * 7
    assert entries[1].changed_fields == ["exploitation_types", "recruiter_details"]
    assert entries[2].changed_fields == ["workers"]
    assert entries[-1].summary == "case reopened: closed to reopened"
    words = {"lan", "trung", "quoc", "hoa", "nguyen", "doa"}
    for entry in entries:
        assert entry.organisation_id == staff.organisation.pk
        assert not words & set(fold(entry.summary).split()), entry.summary


def test_opening_a_case_is_audited_as_created(staff, person):
    client = staff.client(Role.CASE_WORKER)
    url = reverse(
        "cases:case_open", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    response = client.post(
        url,
        {
            "case_type": "gbv_survivor",
            "intake_channel": "self_referral",
            "intake_date": "02/03/2026",
        },
    )
    assert response.status_code == 302
    case = person.cases.get()
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_type="cases.case")
    assert entry.target_id == str(case.pk)
    assert entry.summary == f"case opened for person {person.pk}"
    assert case.intake_date == datetime.date(2026, 3, 2)


def test_case_search_is_audited_without_the_query(staff, case):
    client = staff.client(Role.SUPERVISOR)
    searched(
        client,
        reverse("cases:case_list", kwargs={"org": staff.organisation.slug}),
        {"q": "hoa"},
    )
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, summary__startswith="case search")
    assert entry.summary == "case search: 1 found"


def test_every_caseload_read_is_audited_with_filter_codes_and_counts(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    staff.client(Role.SUPERVISOR).get(url, {"status": "open"})
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, actor=supervisor)
    assert entry.event == "case.listed"
    assert entry.summary == "case list read: 1 of 1 shown"
    assert entry.details == {"count": 1, "shown": 1, "page": 1, "filters": {"status": "open"}}
    assert entry.target_id == ""


def test_a_searched_caseload_read_names_the_filter_never_the_words(staff, case):
    searched(
        staff.client(Role.SUPERVISOR),
        reverse("cases:case_list", kwargs={"org": staff.organisation.slug}),
        {"q": "hoa"},
    )
    entry = AuditEntry.objects.get(action=AuditAction.VIEW, event="case.searched")
    assert entry.details["filters"] == {"q": True}
    assert "hoa" not in str(entry.details).lower()
