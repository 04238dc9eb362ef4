"""A case's life: opened from the person's page, closure requested then decided, reopened;
the team and the restriction to named users."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from donghanh.cases import services as case_services
from donghanh.cases.models import CaseStatus, CaseStatusChange, IdentificationStatus
from donghanh.cases.tests.conftest import make_person
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.testing.factories import MembershipFactory


def _url(name, staff, case):
    return reverse(f"cases:{name}", kwargs={"org": staff.organisation.slug, "case_id": case.pk})


def test_a_case_is_opened_from_the_person_page(staff, person):
    client = staff.client(Role.CASE_WORKER)
    person_url = reverse(
        "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    open_url = reverse(
        "cases:case_open", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    assert open_url in client.get(person_url).content.decode()
    assert open_url not in staff.client(Role.ORG_ADMIN).get(person_url).content.decode()

    page = client.get(open_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No consent to case management is recorded." in page
    response = client.post(
        open_url,
        {
            "case_type": "undergoing_identification",
            "intake_channel": "border_guard",
            "intake_date": "10/02/2026",
            "is_abroad": "",
            "intake_note": "Bộ đội biên phòng Lào Cai chuyển đến",
        },
    )
    case = person.cases.get()
    assert response["Location"] == _url("case_detail", staff, case)
    assert case.status == CaseStatus.OPEN
    assert case.identification_status == IdentificationStatus.UNDERGOING
    assert list(case.workers.all()) == [staff.users[Role.CASE_WORKER]]
    assert case.status_changes.get().kind == CaseStatusChange.Kind.OPENED
    # The person's page lists the case.
    assert case.number in client.get(person_url).content.decode()


def test_the_opening_form_sent_twice_opens_one_case(staff, person):
    """A double click, or a retry after a lost answer: the same form, the same key."""
    client = staff.client(Role.CASE_WORKER)
    open_url = reverse(
        "cases:case_open", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    key = client.get(open_url).context["form"]["idempotency_key"].value()
    assert key
    data = {
        "case_type": "child_at_risk",
        "intake_channel": "hotline_111",
        "intake_date": "10/02/2026",
        "idempotency_key": key,
    }
    first = client.post(open_url, data)
    again = client.post(open_url, data)
    case = person.cases.get()
    assert first["Location"] == again["Location"] == _url("case_detail", staff, case)
    assert case.number.endswith("-0001")  # no case number was used up by the repeat
    assert case.status_changes.count() == 1
    # A new form is a new case.
    data["idempotency_key"] = client.get(open_url).context["form"]["idempotency_key"].value()
    client.post(open_url, data)
    assert person.cases.count() == 2


def test_opening_refuses_a_future_intake_date(staff, person):
    client = staff.client(Role.CASE_WORKER)
    url = reverse(
        "cases:case_open", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url,
        {
            "case_type": "child_at_risk",
            "intake_channel": "hotline_111",
            "intake_date": tomorrow.strftime("%d/%m/%Y"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The intake date cannot be in the future." in response.content.decode()
    assert not person.cases.exists()


def test_closure_is_requested_by_the_worker_and_approved_by_a_supervisor(staff, case):
    worker = staff.client(Role.CASE_WORKER)
    supervisor = staff.client(Role.SUPERVISOR)
    response = worker.post(
        _url("case_closure_request", staff, case),
        {"reason": "goals_achieved", "reintegration_outcome": "with_family", "note": "Đã ổn định"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_REQUESTED
    # The case worker cannot decide; the supervisor sees the request and approves it.
    assert worker.get(_url("case_closure_decide", staff, case)).status_code == 403
    page = supervisor.get(_url("case_closure_decide", staff, case)).content.decode()
    assert "Đã ổn định" in page
    response = supervisor.post(_url("case_closure_decide", staff, case), {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_on == timezone.localdate()
    assert case.closure_reason == "goals_achieved"
    kinds = list(case.status_changes.values_list("kind", "by"))
    assert kinds == [
        ("opened", staff.users[Role.CASE_WORKER].pk),
        ("closure_requested", staff.users[Role.CASE_WORKER].pk),
        ("closure_approved", staff.users[Role.SUPERVISOR].pk),
    ]


def test_declining_a_closure_needs_a_reason_and_keeps_the_case_open(staff, case):
    case_services.case_closure_request(
        case=case,
        reason="lost_contact",
        reintegration_outcome="unknown",
        actor=Actor.for_user(None),
    )
    supervisor = staff.client(Role.SUPERVISOR)
    url = _url("case_closure_decide", staff, case)
    response = supervisor.post(url, {"decision": "decline"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Say why the closure is declined." in response.content.decode()
    response = supervisor.post(url, {"decision": "decline", "note": "Cần thăm nhà thêm"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.closure_reason == ""
    declined = case.status_changes.latest("id")
    assert declined.kind == "closure_declined"
    assert declined.closure_reason == "lost_contact"  # what was asked stays in the history


def test_a_closed_case_is_reopened_with_a_reason(staff, case):
    case = case_services.case_closure_request(
        case=case, reason="moved_away", reintegration_outcome="unknown", actor=Actor.for_user(None)
    )
    case_services.case_closure_decide(case=case, approve=True, actor=Actor.for_user(None))
    client = staff.client(Role.CASE_WORKER)
    url = _url("case_reopen", staff, case)
    response = client.post(url, {"note": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Say why the case is reopened." in response.content.decode()
    assert client.post(url, {"note": "Quay lại xin hỗ trợ"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    assert case.reopen_count == 1
    assert case.closed_on is None
    # A reopened case can be closed again; a declined closure returns it to "reopened".
    case = case_services.case_closure_request(
        case=case, reason="other", reintegration_outcome="unknown", actor=Actor.for_user(None)
    )
    case = case_services.case_closure_decide(
        case=case, approve=False, note="Chưa", actor=Actor.for_user(None)
    )
    assert case.status == CaseStatus.REOPENED


def test_status_rules_are_enforced_by_the_services(case):
    with pytest.raises(ValidationError):
        case_services.case_closure_decide(case=case, approve=True, actor=Actor.for_user(None))
    with pytest.raises(ValidationError):
        case_services.case_reopen(case=case, note="x", actor=Actor.for_user(None))
    case_services.case_closure_request(
        case=case, reason="other", reintegration_outcome="unknown", actor=Actor.for_user(None)
    )
    with pytest.raises(ValidationError):
        case_services.case_closure_request(
            case=case, reason="other", reintegration_outcome="unknown", actor=Actor.for_user(None)
        )


def test_workers_are_chosen_among_those_who_work_on_cases(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    with pytest.raises(ValidationError):
        case_services.case_assign(case=case, workers=[], actor=Actor.for_user(supervisor))
    for refused in (staff.users[Role.DONOR_VIEWER], staff.outsider):
        with pytest.raises(ValidationError):
            case_services.case_assign(
                case=case, workers=[refused], actor=Actor.for_user(supervisor)
            )
    client = staff.client(Role.SUPERVISOR)
    page = client.get(_url("case_workers", staff, case)).content.decode()
    assert staff.users[Role.DONOR_VIEWER].display_name not in page
    collaborator = staff.users[Role.COLLABORATOR]
    response = client.post(_url("case_workers", staff, case), {"workers": [collaborator.pk]})
    assert response.status_code == 302
    assert list(case.workers.all()) == [collaborator]


def test_restricting_needs_the_restricting_user_named(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    client = staff.client(Role.SUPERVISOR)
    url = _url("case_restriction", staff, case)
    worker = staff.users[Role.CASE_WORKER]
    response = client.post(url, {"named_users": [worker.pk]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Name yourself too" in response.content.decode()
    case.refresh_from_db()
    assert not case.is_restricted
    response = client.post(url, {"named_users": [worker.pk, supervisor.pk]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_restricted
    assert set(case.restrictions.values_list("user_id", flat=True)) == {worker.pk, supervisor.pk}
    # Lifting it: nobody named.
    assert client.post(url, {}).status_code == 302
    case.refresh_from_db()
    assert not case.is_restricted and not case.restrictions.exists()


def test_an_inactive_member_cannot_be_named(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    gone = MembershipFactory(
        organisation=staff.organisation, role=Role.CASE_WORKER, is_active=False
    )
    with pytest.raises(ValidationError):
        case_services.case_restrict(
            case=case, named_users=[supervisor, gone.user], actor=Actor.for_user(supervisor)
        )


def test_a_person_may_have_several_cases(staff):
    worker = staff.users[Role.CASE_WORKER]
    person = make_person(staff.organisation, worker)
    first = case_services.case_open(
        person=person,
        case_type="migrant_at_risk",
        intake_channel="ngo_outreach",
        intake_date=timezone.localdate(),
        actor=Actor.for_user(worker),
    )
    second = case_services.case_open(
        person=person,
        case_type="trafficking_victim",
        intake_channel="police",
        intake_date=timezone.localdate(),
        actor=Actor.for_user(worker),
    )
    assert first.number != second.number
    assert person.cases.count() == 2
