"""A request's life: registered, acknowledged, in progress, completed or refused; all audited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.privacy import services
from donghanh.privacy.models import RequestStatus
from donghanh.privacy.selectors import requests_due_for
from donghanh.privacy.tests.conftest import FRIDAY, HOA, new_person, new_request
from donghanh.testing import factories

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory


def _audit_text() -> str:
    return " ".join(
        f"{entry.summary} {' '.join(entry.changed_fields)}" for entry in AuditEntry.objects.all()
    )


def test_registering_records_the_person_number_and_is_audited(trio, person):
    data_request = new_request(person, trio.owner, kind="erasure", notes="Gọi điện lúc 9 giờ")
    assert data_request.person_ref == person.pk
    assert data_request.status == RequestStatus.RECEIVED
    assert data_request.organisation == trio.organisation
    entry = AuditEntry.objects.get(
        action=AuditAction.CREATE,
        target_type="privacy.datasubjectrequest",
        target_id=str(data_request.pk),
    )
    assert entry.summary == f"data-subject request registered for person {person.pk}: erasure"
    assert entry.actor == trio.owner


def test_a_representative_must_be_named(trio, person):
    with pytest.raises(ValidationError) as refused:
        new_request(person, trio.owner, requester="guardian", requester_details=" ")
    assert "requester_details" in refused.value.message_dict
    made = new_request(
        person, trio.owner, requester="guardian", requester_details="Lê Văn Dũng, bố"
    )
    made.refresh_from_db()
    assert made.requester_details == "Lê Văn Dũng, bố"


def test_the_received_date_cannot_be_in_the_future(trio, person):
    with pytest.raises(ValidationError):
        new_request(
            person, trio.owner, received_on=timezone.localdate() + datetime.timedelta(days=1)
        )


def test_the_responsible_user_must_work_with_cases_in_the_organisation(trio, person):
    with pytest.raises(ValidationError):
        new_request(person, trio.owner, responsible=trio.colleague)  # a donor viewer
    with pytest.raises(ValidationError):
        new_request(person, trio.owner, responsible=trio.outsider)
    worker = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    assert new_request(person, trio.owner, responsible=worker).responsible == worker


def test_the_whole_life_of_a_request(trio, person):
    data_request = new_request(person, trio.owner, kind="rectification")
    with pytest.raises(ValidationError):
        services.request_complete(data_request=data_request, actor=Actor.for_user(trio.owner))
    with pytest.raises(ValidationError):
        services.request_start(data_request=data_request, actor=Actor.for_user(trio.owner))
    acknowledged = services.request_acknowledge(
        data_request=data_request, actor=Actor.for_user(trio.owner)
    )
    assert acknowledged.status == RequestStatus.ACKNOWLEDGED
    assert acknowledged.acknowledged_by == trio.owner
    with pytest.raises(ValidationError):
        services.request_acknowledge(data_request=acknowledged, actor=Actor.for_user(trio.owner))
    started = services.request_start(data_request=acknowledged, actor=Actor.for_user(trio.owner))
    assert started.status == RequestStatus.IN_PROGRESS
    done = services.request_complete(
        data_request=started, outcome="Đã sửa ngày sinh", actor=Actor.for_user(trio.owner)
    )
    assert done.status == RequestStatus.COMPLETED
    assert done.completed_by == trio.owner
    done.refresh_from_db()
    assert done.outcome == "Đã sửa ngày sinh"
    for late_change in (
        lambda: services.request_refuse(
            data_request=done, reason="x", actor=Actor.for_user(trio.owner)
        ),
        lambda: services.request_extend(
            data_request=done, days=3, reason="x", actor=Actor.for_user(trio.owner)
        ),
        lambda: services.request_complete(data_request=done, actor=Actor.for_user(trio.owner)),
    ):
        with pytest.raises(ValidationError):
            late_change()
    summaries = list(
        AuditEntry.objects.filter(target_id=str(done.pk), target_type="privacy.datasubjectrequest")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        f"data-subject request registered for person {person.pk}: rectification",
        "data-subject request acknowledged (late)",
        "data-subject request in progress",
        "data-subject request completed (late)",
    ]


def test_refusing_needs_a_reason_and_closes_the_request(trio, person):
    data_request = new_request(person, trio.owner, kind="objection")
    with pytest.raises(ValidationError):
        services.request_refuse(
            data_request=data_request, reason="  ", actor=Actor.for_user(trio.owner)
        )
    refused = services.request_refuse(
        data_request=data_request,
        reason="Dữ liệu cần cho thủ tục tố tụng đang diễn ra",
        actor=Actor.for_user(trio.owner),
    )
    assert refused.status == RequestStatus.REFUSED
    assert not refused.is_open


def test_completing_an_access_request_records_a_disclosure(trio, person):
    data_request = services.request_acknowledge(
        data_request=new_request(person, trio.owner, kind="access"),
        actor=Actor.for_user(trio.owner),
    )
    services.request_complete(data_request=data_request, actor=Actor.for_user(trio.owner))
    disclosure = AuditEntry.objects.get(action=AuditAction.DISCLOSE)
    assert disclosure.target_type == "people.person"
    assert disclosure.target_id == str(person.pk)


def test_an_erasure_request_cannot_be_completed_without_erasing(trio, person):
    data_request = services.request_acknowledge(
        data_request=new_request(person, trio.owner, kind="erasure"),
        actor=Actor.for_user(trio.owner),
    )
    with pytest.raises(ValidationError) as refused:
        services.request_complete(data_request=data_request, actor=Actor.for_user(trio.owner))
    assert refused.value.code == "wrong_fulfilment"
    other = services.request_acknowledge(
        data_request=new_request(person, trio.owner, kind="access"),
        actor=Actor.for_user(trio.owner),
    )
    with pytest.raises(ValidationError):
        services.request_complete(
            data_request=other, carry_out="erase", actor=Actor.for_user(trio.owner)
        )


def test_no_personal_value_reaches_the_audit_log(trio, person):
    data_request = new_request(
        person,
        trio.owner,
        kind="erasure",
        requester="legal_representative",
        requester_details="Luật sư Đỗ Minh Tâm",
        notes=f"Bà {HOA['full_name']} gọi từ {HOA['phone']}",
    )
    data_request = services.request_acknowledge(
        data_request=data_request, actor=Actor.for_user(trio.owner)
    )
    data_request = services.request_extend(
        data_request=data_request,
        days=10,
        reason="Chờ ý kiến luật sư",
        actor=Actor.for_user(trio.owner),
    )
    services.person_export_json(
        person=person, actor=Actor.for_user(trio.owner), data_request=data_request
    )
    services.request_complete(
        data_request=data_request,
        carry_out="erase",
        outcome="Đã xoá",
        actor=Actor.for_user(trio.owner),
    )
    text = _audit_text()
    for secret in (*HOA.values(), "Đỗ Minh Tâm", "Chờ ý kiến luật sư", "Đã xoá"):
        assert str(secret) not in text


def test_requests_due_for_lists_the_responsible_users_near_deadlines(trio, person):
    worker = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    today = FRIDAY + datetime.timedelta(days=3)  # Monday 9/3; acknowledgement due Tuesday 10/3
    mine = new_request(person, trio.owner, responsible=worker)
    overdue = new_request(person, trio.owner, responsible=worker, received_on=FRIDAY.replace(day=2))
    new_request(person, trio.owner, responsible=trio.owner)  # someone else's
    later = new_request(person, trio.owner, responsible=worker)
    services.request_acknowledge(
        data_request=later, actor=Actor.for_user(worker)
    )  # due 21/3: not soon
    closed = new_request(person, trio.owner, responsible=worker)
    services.request_refuse(
        data_request=closed, reason="Không có căn cứ", actor=Actor.for_user(worker)
    )
    elsewhere = new_person(trio.other_organisation)
    MembershipFactory(organisation=trio.other_organisation, role=Role.DONOR_VIEWER, user=worker)
    new_request(elsewhere, None, responsible=None)

    due = requests_due_for(worker, today=today)

    assert [item.pk for item in due] == [overdue.pk, mine.pk]
    assert due[0].next_due_on() == datetime.date(2026, 3, 4)
    assert due[1].next_due_on() == datetime.date(2026, 3, 10)
    assert requests_due_for(trio.colleague, today=today) == []


def test_a_former_member_sees_no_due_requests(trio, person):
    membership = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER)
    new_request(person, trio.owner, responsible=membership.user)
    monday = FRIDAY + datetime.timedelta(days=3)
    assert len(requests_due_for(membership.user, today=monday)) == 1
    membership.is_active = False
    membership.save()
    membership.user._active_memberships = None
    assert requests_due_for(membership.user, today=monday) == []
