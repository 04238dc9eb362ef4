"""What the sync refuses, with a clear message and nothing written, not even half of it; and an
operation sent twice at the same moment, applied once."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case, CaseStatus
from donghanh.casework.models import FollowUp, NeedsAssessment
from donghanh.core.actor import Actor
from donghanh.fieldwork.sync import services
from donghanh.fieldwork.sync.models import SyncConflict, SyncOperation
from donghanh.fieldwork.tests import sync_support
from donghanh.fieldwork.tests.sync_support import (
    FIRST_CONTACT,
    make_case,
    operation,
    post_sync,
    send,
    visit_fields,
)
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people.models import Consent, Person
from donghanh.people.tests.conftest import make_person
from donghanh.testing import factories

staff = sync_support.staff
person = sync_support.person
case = sync_support.case

pytestmark = pytest.mark.django_db

WRITTEN = (Person, Consent, Case, NeedsAssessment, FollowUp, SyncOperation, SyncConflict)


def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in WRITTEN}
    rows["audit"] = AuditEntry.objects.count()
    return rows


@contextmanager
def nothing_written() -> Iterator[None]:
    before = counts()
    yield
    assert counts() == before


def refused(client: Any, org: Any, sent: dict[str, Any]) -> dict[str, Any]:
    with nothing_written():
        [result] = send(client, org, sent)
    assert result["status"] == "refused", result
    assert result["message"]
    assert result["id"] == sent["id"]
    return result


def test_no_consent_records_nothing(staff: Any) -> None:
    client = staff.client(Role.COLLABORATOR)
    result = refused(
        client,
        staff.organisation,
        operation("first_contact", {**FIRST_CONTACT, "consent_given": False}),
    )
    assert "consent_given" in result["errors"]
    assert "đồng ý" in result["errors"]["consent_given"][0]


def test_a_minors_consent_refused_by_the_service_leaves_no_person_behind(staff: Any) -> None:
    """The person is registered before the consent is checked by its service: the refusal
    takes the registration back with it."""
    client = staff.client(Role.COLLABORATOR)
    minor = {**FIRST_CONTACT, "date_of_birth": "01/02/2015"}
    result = refused(client, staff.organisation, operation("first_contact", minor))
    assert "given_by" in result["errors"]


def test_a_case_that_is_not_theirs_is_refused_as_if_it_did_not_exist(
    staff: Any, case: Case
) -> None:
    org = staff.organisation
    collaborator = staff.client(Role.COLLABORATOR)  # the case is the case worker's
    for kind, fields in (
        ("visit", visit_fields(case=case.pk)),
        ("screening", {"case": case.pk, "journey_details": "x"}),
    ):
        result = refused(collaborator, org, operation(kind, fields, case=case.pk))
        assert "không thuộc" in result["message"]
    elsewhere = make_case(make_person(staff.other_organisation), staff.outsider)
    worker = staff.client(Role.CASE_WORKER)
    refused(worker, org, operation("visit", visit_fields(), case=elsewhere.pk))


def test_a_closed_case_is_refused(staff: Any, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    result = refused(
        staff.client(Role.CASE_WORKER),
        staff.organisation,
        operation("visit", visit_fields(), case=case.pk),
    )
    assert "đóng" in result["message"]


def test_bad_values_are_refused_field_by_field(staff: Any, case: Case) -> None:
    client = staff.client(Role.CASE_WORKER)
    org = staff.organisation
    future = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    result = refused(client, org, operation("visit", visit_fields(method="teleport"), case=case.pk))
    assert "method" in result["errors"]
    result = refused(client, org, operation("visit", visit_fields(done_on=future), case=case.pk))
    assert result["errors"]["non_field_errors"]
    bad_person = {**FIRST_CONTACT, "sex": "", "phone": "abc", "need_domain": "moon"}
    result = refused(client, org, operation("first_contact", bad_person))
    assert {"sex", "phone", "need_domain"} <= set(result["errors"])


def test_unknown_kinds_damaged_and_future_operations_are_refused(staff: Any) -> None:
    client = staff.client(Role.CASE_WORKER)
    org = staff.organisation
    refused(client, org, operation("tea_party", {}))
    refused(client, org, operation("first_contact", {"full_name": {"nested": 1}}))
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    refused(client, org, operation("first_contact", FIRST_CONTACT, made_at=tomorrow))
    refused(client, org, operation("first_contact", FIRST_CONTACT, made_at="2026-12-01T10:00"))
    refused(client, org, {**operation("visit", {}), "id": "not-a-uuid"})
    with nothing_written():
        assert post_sync(client, org).status_code == 200
        damaged = client.post(
            sync_support.url("sync", org), data="{", content_type="application/json"
        )
        assert damaged.status_code == 400


def test_a_refused_operation_corrected_is_applied_under_the_same_id(staff: Any) -> None:
    client = staff.client(Role.COLLABORATOR)
    org = staff.organisation
    sent = operation("first_contact", {**FIRST_CONTACT, "consent_given": False})
    refused(client, org, sent)
    sent["fields"] = FIRST_CONTACT
    [result] = send(client, org, sent)
    assert result["status"] == "applied"
    assert Person.objects.count() == 1


def test_each_operation_stands_alone(staff: Any, case: Case) -> None:
    client = staff.client(Role.CASE_WORKER)
    good = operation("visit", visit_fields(), case=case.pk)
    bad = operation("visit", visit_fields(method="teleport"), case=case.pk)
    results = send(client, staff.organisation, bad, good)
    assert [item["status"] for item in results] == ["refused", "applied"]
    assert FollowUp.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time by design"
)
def test_the_same_operation_sent_twice_at_the_same_moment_is_applied_once() -> None:
    made: Any = factories.MembershipFactory(role=Role.COLLABORATOR)
    membership = Membership.objects.select_related("organisation", "user").get(pk=made.pk)
    organisation = membership.organisation
    raw = operation("first_contact", FIRST_CONTACT)
    start = threading.Barrier(2)
    statuses: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait()
            result = services.operation_apply(
                actor=Actor.for_user(membership.user, organisation=organisation),
                membership=membership,
                device=None,
                received_at=timezone.now(),
                raw=raw,
            )
            statuses.append(result.status)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(statuses) == ["applied", "duplicate"]
    assert Person.objects.filter(organisation=organisation).count() == 1
    assert Case.objects.filter(organisation=organisation).count() == 1


def test_a_lost_device_is_told_to_erase_and_nothing_it_sends_is_recorded(
    staff: Any, case: Case
) -> None:
    from donghanh.fieldwork.devices import services as device_services
    from donghanh.fieldwork.tests.devices_helpers import device_of

    worker = staff.users[Role.CASE_WORKER]
    membership = Membership.objects.select_related("organisation", "user").get(
        user=worker, organisation=staff.organisation
    )
    device = device_of(membership)
    client = staff.client(Role.CASE_WORKER)
    org = staff.organisation
    sent = operation("visit", visit_fields(), case=case.pk)
    # An active device: what it sends is recorded with it.
    response = post_sync(client, org, sent, device=str(device.uuid))
    assert response.json()["results"][0]["status"] == "applied"
    assert SyncOperation.objects.get().device == device
    synced = AuditEntry.objects.get(event="field.write_synced")
    assert synced.details["device"] == device.pk
    device_services.device_report_lost(device=device, actor=Actor.system("admin"))
    again = operation("visit", visit_fields(), case=case.pk)
    with nothing_written_but_the_wipe_order():
        response = post_sync(client, org, again, device=str(device.uuid))
    assert response.status_code == 410 and response.json()["wipe"] is True
    for name in ("cases", "package"):
        answer = client.get(sync_support.url(name, org), HTTP_X_FIELD_DEVICE=str(device.uuid))
        assert answer.status_code == 410
    assert FollowUp.objects.count() == 1


@contextmanager
def nothing_written_but_the_wipe_order() -> Iterator[None]:
    before = counts()
    yield
    after = counts()
    assert after.pop("audit") - before.pop("audit") <= 1
    assert after == before
