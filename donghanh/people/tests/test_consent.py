"""Consents: per purpose and recipient, withdrawable at once, a child's from a guardian."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.models import Consent, ConsentStatus
from donghanh.people.selectors import consent_is_active
from donghanh.people.tests.conftest import make_person, new_organisation

TODAY = datetime.date(2026, 3, 1)


def _record(person, user=None, **overrides):
    values: dict[str, Any] = {
        "purpose": "case_management",
        "method": "written",
        "given_by": "person",
        "given_on": datetime.date(2026, 1, 5),
    }
    values.update(overrides)
    return services.consent_record(person=person, actor=Actor.for_user(user), **values)


@pytest.fixture
def worker(staff):
    return staff.users[Role.CASE_WORKER]


@pytest.fixture
def child(staff, worker):
    return make_person(
        staff.organisation,
        worker,
        full_name="Lò Văn Tú",
        sex="male",
        date_of_birth=datetime.date(2012, 6, 1),
    )


def test_consent_is_active_per_purpose_and_dates(person, worker):
    _record(person, worker, expires_on=datetime.date(2026, 12, 31))
    assert consent_is_active(person, "case_management", on=TODAY)
    assert not consent_is_active(person, "case_management", on=datetime.date(2026, 1, 4))
    assert consent_is_active(person, "case_management", on=datetime.date(2026, 12, 31))
    assert not consent_is_active(person, "case_management", on=datetime.date(2027, 1, 1))
    assert not consent_is_active(person, "statistics", on=TODAY)


def test_sharing_consent_names_one_organisation(staff, person, worker):
    partner, other = new_organisation(), new_organisation()
    _record(person, worker, purpose="sharing", recipient_organisation=partner)
    assert consent_is_active(person, "sharing", partner, on=TODAY)
    assert not consent_is_active(person, "sharing", other, on=TODAY)
    with pytest.raises(ValueError):
        consent_is_active(person, "sharing", on=TODAY)
    with pytest.raises(ValidationError) as error:
        _record(person, worker, purpose="sharing")
    assert "recipient_organisation" in error.value.error_dict
    with pytest.raises(ValidationError):
        _record(person, worker, purpose="sharing", recipient_organisation=staff.organisation)


def test_withdrawal_takes_effect_at_once(staff, person, worker):
    partner = new_organisation()
    consent = _record(person, worker, purpose="sharing", recipient_organisation=partner)
    today = timezone.localdate()
    assert consent_is_active(person, "sharing", partner)
    services.consent_withdraw(consent=consent, note="by phone", actor=Actor.for_user(worker))
    # Still the same day: not active any more, not from tomorrow.
    assert not consent_is_active(person, "sharing", partner)
    assert not consent_is_active(person, "sharing", partner, on=today)
    assert consent_is_active(person, "sharing", partner, on=today - datetime.timedelta(days=1))
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert consent.withdrawn_by == worker
    with pytest.raises(ValidationError):
        services.consent_withdraw(consent=consent, actor=Actor.for_user(worker))
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="people.consent")
    assert entry.changed_fields == ["withdrawal_note", "withdrawn_at"]
    assert "by phone" not in entry.summary


def test_withdraw_page(staff, person, worker):
    consent = _record(person, worker)
    client = staff.client(Role.CASE_WORKER)
    url = reverse(
        "people:consent_withdraw",
        kwargs={"org": staff.organisation.slug, "person_id": person.pk, "consent_id": consent.pk},
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "Chị ấy gọi điện rút lại"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawal_note == "Chị ấy gọi điện rút lại"
    assert not consent_is_active(person, "case_management")
    detail = client.get(response["Location"]).content.decode()
    assert "Withdrawn" in detail or "Đã rút lại" in detail


def test_a_minor_cannot_consent_alone(child, worker):
    with pytest.raises(ValidationError) as error:
        _record(child, worker)
    assert "given_by" in error.value.error_dict
    assert not Consent.objects.exists()


def test_a_minors_guardian_consents(child, worker):
    guardian = services.guardian_add(
        person=child, full_name="Lò Thị Mỷ", relation="mother", actor=Actor.for_user(worker)
    )
    consent = _record(child, worker, given_by="guardian", guardian=guardian)
    assert consent.guardian == guardian
    assert consent_is_active(child, "case_management", on=TODAY)


def test_the_guardian_must_be_the_persons_own(child, person, worker):
    someone_elses = services.guardian_add(
        person=person, full_name="Nguyễn Văn Ba", relation="father", actor=Actor.for_user(worker)
    )
    with pytest.raises(ValidationError) as error:
        _record(child, worker, given_by="guardian", guardian=someone_elses)
    assert "guardian" in error.value.error_dict


def test_the_age_on_the_date_given_decides(staff, worker):
    # 17 when the consent was given, an adult today.
    person = make_person(staff.organisation, worker, date_of_birth=datetime.date(2008, 2, 1))
    with pytest.raises(ValidationError):
        _record(person, worker, given_on=datetime.date(2026, 1, 31))
    assert _record(person, worker, given_on=datetime.date(2026, 2, 1))


def test_an_estimated_age_counts(staff, worker):
    person = make_person(
        staff.organisation, worker, date_of_birth=None, estimated_age=15, full_name="Mai"
    )
    with pytest.raises(ValidationError):
        _record(person, worker, given_on=timezone.localdate())


def test_minor_consent_page_refuses_without_guardian(staff, child):
    client = staff.client(Role.CASE_WORKER)
    url = reverse(
        "people:consent_record", kwargs={"org": staff.organisation.slug, "person_id": child.pk}
    )
    page = client.get(url).content.decode()
    assert (
        reverse(
            "people:guardian_add", kwargs={"org": staff.organisation.slug, "person_id": child.pk}
        )
        in page
    )
    response = client.post(
        url,
        {
            "purpose": "case_management",
            "method": "thumbprint",
            "given_by": "person",
            "given_on": "05/01/2026",
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "người giám hộ" in response.content.decode()
    assert not Consent.objects.exists()


def test_consent_page_records_and_the_detail_lists_statuses(staff, person, worker):
    partner = new_organisation(name="Ngôi nhà Bình yên")
    _record(person, worker, purpose="statistics", expires_on=datetime.date(2026, 1, 31))
    client = staff.client(Role.CASE_WORKER)
    url = reverse(
        "people:consent_record", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    response = client.post(
        url,
        {
            "purpose": "sharing",
            "recipient_organisation": partner.pk,
            "method": "written",
            "given_by": "person",
            "given_on": "05/01/2026",
            "expires_on": "",
            "evidence_note": "Signed form in file 12",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(purpose="sharing")
    assert consent.recipient_organisation == partner
    assert consent.recorded_by == worker
    detail = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ngôi nhà Bình yên" in detail
    assert "Active" in detail or "Còn hiệu lực" in detail
    assert "Expired" in detail or "Đã hết hạn" in detail


def test_future_and_inverted_dates_are_refused(person, worker):
    with pytest.raises(ValidationError):
        _record(person, worker, given_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        _record(person, worker, expires_on=datetime.date(2026, 1, 4))


def test_a_consent_already_read_is_in_force_when_the_filter_says_so(staff, person, worker):
    from donghanh.people.selectors import consent_in_force, consents_active_filter

    lasting = _record(person, worker, given_on=datetime.date(2026, 1, 5))
    expiring = _record(person, worker, purpose="statistics", expires_on=datetime.date(2026, 2, 1))
    partner = new_organisation()
    withdrawn = _record(person, worker, purpose="sharing", recipient_organisation=partner)
    today = timezone.localdate()
    services.consent_withdraw(consent=withdrawn, note="", actor=Actor.for_user(worker))
    days = [
        datetime.date(2026, 1, 4), datetime.date(2026, 1, 5), datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 2), today - datetime.timedelta(days=1), today,
    ]  # fmt: skip
    seen = set()
    for consent in Consent.objects.filter(pk__in=[lasting.pk, expiring.pk, withdrawn.pk]):
        for day in days:
            in_force = Consent.objects.filter(consents_active_filter(day), pk=consent.pk).exists()
            assert consent_in_force(consent, day) == in_force, (consent.purpose, day)
            seen.add(in_force)
    assert seen == {True, False}
