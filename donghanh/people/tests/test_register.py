"""Registering a person, with the warning about possible duplicates."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.idempotency import new_key
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.people.selectors import possible_duplicates
from donghanh.people.tests.conftest import make_person
from donghanh.places.models import AreaType, Commune


def _form(**overrides):
    data = {
        "full_name": "Phạm Thị Thu",
        "other_names": "",
        "sex": "female",
        "date_of_birth": "03/02/2005",
        "estimated_age": "",
        "ethnicity": "kinh",
        "nationality": "VN",
        "id_number": "",
        "phone": "",
        "current_address": "",
        "current_commune": "",
        "area_type": "",
        "pre_2025_address": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def register_url(staff):
    return reverse("people:person_register", kwargs={"org": staff.organisation.slug})


@pytest.fixture
def worker(staff):
    return staff.client(Role.CASE_WORKER)


def test_register_without_duplicates_goes_straight_to_the_record(staff, worker, register_url):
    response = worker.post(register_url, _form())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    assert person.full_name == "Phạm Thị Thu"
    assert person.date_of_birth == datetime.date(2005, 2, 3)
    assert person.organisation == staff.organisation
    assert person.created_by == staff.users[Role.CASE_WORKER]
    assert person.version == 1
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, target_type="people.person")
    assert entry.target_id == str(person.pk)
    assert "full_name" in entry.changed_fields and "date_of_birth" in entry.changed_fields


def test_the_form_sent_twice_registers_one_person(staff, worker, register_url):
    """A double click, or a retry after a lost answer: the same form, the same key."""
    form = worker.get(register_url).context["form"]
    key = form["idempotency_key"].value()
    assert key
    data = _form(date_of_birth="", estimated_age="20", idempotency_key=key)
    first = worker.post(register_url, data)
    again = worker.post(register_url, data)
    person = Person.objects.get()
    assert first.status_code == again.status_code == 302
    assert (
        first["Location"]
        == again["Location"]
        == reverse(
            "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
        )
    )
    assert AuditEntry.objects.filter(event="person.registered").count() == 1


def test_a_confirmed_registration_sent_twice_registers_one_person(staff, worker, register_url):
    make_person(
        staff.organisation,
        staff.users[Role.CASE_WORKER],
        full_name="Phạm Thị Thu",
        date_of_birth=datetime.date(2005, 2, 3),
    )
    data = {**_form(idempotency_key=new_key()), "confirm": "different-person"}
    assert worker.post(register_url, data).status_code == 302
    assert worker.post(register_url, data).status_code == 302
    assert Person.objects.count() == 2  # the one there before, and one new


def test_each_new_form_registers_someone(worker, register_url):
    for full_name in ("Phạm Thị Thu", "Lê Văn Nam"):
        key = worker.get(register_url).context["form"]["idempotency_key"].value()
        data = _form(full_name=full_name, date_of_birth="", estimated_age="20", idempotency_key=key)
        assert worker.post(register_url, data).status_code == 302
    assert Person.objects.count() == 2


def test_commune_code_sets_the_default_area_type(worker, register_url):
    commune = Commune.objects.filter(kind=Commune.Kind.WARD).earliest("code")
    worker.post(register_url, _form(current_commune=commune.code))
    person = Person.objects.get()
    assert person.current_commune == commune
    assert person.area_type == AreaType.URBAN


def test_form_errors_are_in_vietnamese(worker, register_url):
    response = worker.post(
        register_url,
        _form(full_name="", date_of_birth="2005-13-45", current_commune="99999", phone="abc"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert not Person.objects.exists()
    assert "nhập họ và tên" in body.lower()
    assert "dd/mm/yyyy" in body
    assert "Không có xã" in body


def test_date_of_birth_and_estimated_age_not_both(worker, register_url):
    response = worker.post(register_url, _form(estimated_age="20"))
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_same_name_and_birth_date_warns_then_registers_on_confirmation(staff, worker, register_url):
    # Registered by the same case worker, so they see it (no case yet).
    existing = make_person(
        staff.organisation,
        staff.users[Role.CASE_WORKER],
        full_name="Pham Thi Thu",
        date_of_birth=datetime.date(2005, 2, 3),
    )
    response = worker.post(register_url, _form())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Pham Thi Thu" in body  # the visible record is named, with a link
    assert (
        reverse(
            "people:person_detail",
            kwargs={"org": staff.organisation.slug, "person_id": existing.pk},
        )
        in body
    )
    assert Person.objects.count() == 1

    response = worker.post(register_url, {**_form(), "confirm": "different-person"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_a_match_in_another_organisation_is_not_told(staff, worker, register_url):
    """Nothing tells a user that a person is on record elsewhere: the person is registered as
    if nobody matched (test_duplicate_notices.py: the holder gets a notice instead)."""
    make_person(
        staff.other_organisation,
        full_name="Hoàng Văn Sáu",
        date_of_birth=datetime.date(1990, 1, 1),
        id_number="038090001122",
    )
    response = worker.post(
        register_url,
        _form(full_name="Lê Văn Bảy", sex="male", id_number="038 090 001 122"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 302
    assert Person.objects.filter(organisation=staff.organisation).count() == 1


def test_possible_duplicates_reasons_and_scope(staff):
    membership = Membership.objects.get(user=staff.users[Role.SUPERVISOR])
    own = make_person(staff.organisation, phone="0912 000 001", id_number="001")
    make_person(staff.other_organisation, phone="+84912000001")
    check = possible_duplicates(
        membership,
        full_name="nguyen thi hoa",
        date_of_birth=datetime.date(1998, 4, 12),
        phone="0912000001",
    )
    assert [(m.person, sorted(m.reasons)) for m in check.visible] == [
        (own, ["name_and_birth_date", "phone"])
    ]
    assert not hasattr(check, "elsewhere")  # of the other organisation's record, nothing
    # Excluding the record being edited, and nothing given to compare.
    assert not possible_duplicates(membership, full_name="x", id_number="001", exclude_pk=own.pk)
    # The same name without a birth date: only the organisation's own record is hinted, as
    # similar (the matcher), never the other organisation's.
    check = possible_duplicates(membership, full_name="Nguyễn Thị Hoa")
    assert [(m.person, m.reasons) for m in check.visible] == [(own, ["similar"])]


def test_different_birth_date_is_not_a_duplicate(staff):
    membership = Membership.objects.get(user=staff.users[Role.SUPERVISOR])
    make_person(staff.organisation)  # born 12/04/1998
    assert not possible_duplicates(
        membership, full_name="Nguyễn Thị Hoa", date_of_birth=datetime.date(1985, 9, 20)
    )
    # One day off is a typo the hint shows.
    assert possible_duplicates(
        membership, full_name="Nguyễn Thị Hoa", date_of_birth=datetime.date(1998, 4, 13)
    )


# Names are kept plain: no right-to-left overrides or control characters (issue 17, finding 10).

TRICKY_NAME = "\u202ePhạm\u200b Thị\u0007\u2066 Thu\u202c"
TRICKY_OTHER_NAMES = "Thu\u202e, \u200fThư"


def test_registering_strips_overrides_and_control_characters_from_names(
    staff, worker, register_url
):
    response = worker.post(
        register_url, _form(full_name=TRICKY_NAME, other_names=TRICKY_OTHER_NAMES)
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.full_name == "Phạm Thị Thu"
    assert person.other_names == "Thu, Thư"


def test_a_name_of_invisible_characters_only_is_refused(staff, worker, register_url):
    response = worker.post(register_url, _form(full_name="\u202e\u200b\u2066"))
    assert response.status_code == 200
    assert not Person.objects.exists()


def test_editing_and_adding_a_guardian_strip_them_too(staff, worker, register_url):
    worker.post(register_url, _form())
    person = Person.objects.get()
    kwargs = {"org": staff.organisation.slug, "person_id": person.pk}
    edit_url = reverse("people:person_edit", kwargs=kwargs)
    form = worker.get(edit_url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["date_of_birth"] = "03/02/2005"
    data["full_name"] = "Phạm Thị\u202e Thúy\u001b"
    assert worker.post(edit_url, data).status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Phạm Thị Thúy"
    response = worker.post(
        reverse("people:guardian_add", kwargs=kwargs),
        {"full_name": "\u202eTrần\u200d Văn Bình\u0008", "relation": "father", "phone": ""},
    )
    assert response.status_code == 302
    assert person.guardians.get().full_name == "Trần Văn Bình"
