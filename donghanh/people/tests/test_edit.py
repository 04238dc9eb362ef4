"""Editing a person: a concurrent edit is refused with what changed, never overwritten."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.forms import PersonForm
from donghanh.people.models import Person
from donghanh.people.selectors import PERSON_EDITS, persons_search


@pytest.fixture
def edit_url(staff, person):
    return reverse(
        "people:person_edit", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )


def _opened_form(client, url):
    """What the browser would post back: the form as the page rendered it."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        data[name] = "" if value is None else value
    return data


def test_edit_saves_and_bumps_the_version(staff, person, edit_url):
    client = staff.client(Role.CASE_WORKER)
    data = _opened_form(client, edit_url)
    assert data["version"] == 1
    response = client.post(edit_url, {**data, "phone": "0911 000 999"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "0911 000 999"
    assert person.version == 2
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, target_type="people.person")
    assert entry.changed_fields == ["phone"]
    assert "0911" not in entry.summary


def test_saving_unchanged_values_changes_nothing(staff, person, edit_url):
    client = staff.client(Role.CASE_WORKER)
    data = _opened_form(client, edit_url)
    assert client.post(edit_url, data).status_code == 302
    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_the_second_of_two_concurrent_edits_is_refused(staff, person, edit_url):
    first = staff.client(Role.CASE_WORKER)
    second = staff.client(Role.SUPERVISOR)
    first_form = _opened_form(first, edit_url)
    second_form = _opened_form(second, edit_url)

    assert first.post(edit_url, {**first_form, "phone": "0911 111 111", "ethnicity": "tay"})[
        "Location"
    ]
    response = second.post(
        edit_url,
        {**second_form, "current_address": "Thôn 3, xã Kỳ Anh"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    assert "They changed: Phone, Ethnicity." in body or "They changed: Ethnicity, Phone." in body
    assert "0911 111 111" in body  # the value the other person saved is shown
    assert "Thôn 3, xã Kỳ Anh" in body  # what this user typed is kept in the form

    person.refresh_from_db()
    assert person.phone == "0911 111 111"
    assert person.current_address == "Số 12 đường Trần Phú, phường Đồng Hới"
    assert person.version == 2

    # Saving again, now on top of the current version, is a deliberate choice and works.
    again = response.context["form"].data
    response = second.post(edit_url, again)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.current_address == "Thôn 3, xã Kỳ Anh"
    assert person.phone == "0911 111 111"
    assert person.version == 3


def test_service_refuses_a_stale_version(person):
    baseline = PERSON_EDITS.fingerprints(person)
    services.person_update(
        person=person,
        expected_version=1,
        baseline=baseline,
        actor=Actor.for_user(None),
        sex="other",
    )
    with pytest.raises(StaleEditError) as error:
        services.person_update(
            person=person,
            expected_version=1,
            baseline=baseline,
            actor=Actor.for_user(None),
            full_name="Someone Else",
        )
    assert error.value.changed_fields == ["sex"]
    assert error.value.current_version == 2
    assert Person.objects.get(pk=person.pk).full_name == "Nguyễn Thị Hoa"


def test_renaming_rewrites_the_search_indexes(staff, person):
    membership = Membership.objects.get(user=staff.users[Role.CASE_WORKER])
    services.person_update(
        person=person,
        expected_version=1,
        baseline=PERSON_EDITS.fingerprints(person),
        actor=Actor.for_user(None),
        full_name="Đinh Thị Hồng",
        other_names="",
    )
    assert list(persons_search(membership, "dinh hong")) == [person]
    assert list(persons_search(membership, "nguyen")) == []


def test_tampered_baseline_is_refused(staff, person, edit_url):
    client = staff.client(Role.CASE_WORKER)
    data = _opened_form(client, edit_url)
    response = client.post(edit_url, {**data, "baseline": "forged", "phone": "0900"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.version == 1


def test_edit_form_starts_from_the_stored_values(staff, person, edit_url):
    data = _opened_form(staff.client(Role.CASE_WORKER), edit_url)
    expected = PersonForm.initial_for(person)
    assert data["full_name"] == expected["full_name"]
    assert data["date_of_birth"] == "12/04/1998"
