"""A person with a case: the case joins the export, blocks erasure, loses its notes when the
person is de-identified."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from donghanh.cases import services as case_services
from donghanh.cases.models import Case, CaseStatusChange
from donghanh.core.actor import Actor
from donghanh.people.models import Person
from donghanh.privacy import services
from donghanh.privacy.models import RequestStatus
from donghanh.privacy.tests.conftest import full_person, new_person, new_request

INTAKE_NOTE = "Chị Hoa được đưa về từ cửa khẩu Móng Cái, số điện thoại cũ 0912 345 678"


def _case(person, user, note=INTAKE_NOTE):
    return case_services.case_open(
        person=person,
        case_type="trafficking_victim",
        intake_channel="hotline_111",
        intake_date=datetime.date(2026, 2, 1),
        intake_note=note,
        actor=Actor.for_user(user),
    )


def test_the_export_holds_the_persons_cases_only(trio, person):
    case = _case(person, trio.owner)
    other = new_person(trio.organisation, trio.owner)
    _case(other, trio.owner, note="Ghi chú về người khác")

    data = services.person_export_json(person=person, actor=Actor.for_user(trio.owner))

    records = data["sections"]["cases"]["records"]
    cases = [record for record in records if "case_type" in record]
    assert [record["id"] for record in cases] == [case.pk]
    assert cases[0]["intake_note"] == INTAKE_NOTE
    assert cases[0]["case_type_display"]
    assert "Ghi chú về người khác" not in str(data)
    # The case's own history is part of it.
    steps = CaseStatusChange.objects.filter(case=case).count()
    assert len(records) - len(cases) >= steps


def test_a_person_with_a_case_cannot_be_erased(trio, person):
    _case(person, trio.owner)
    data_request = services.request_acknowledge(
        data_request=new_request(person, trio.owner, kind="erasure"),
        actor=Actor.for_user(trio.owner),
    )
    with pytest.raises(ValidationError) as refused:
        services.request_complete(
            data_request=data_request, carry_out="erase", actor=Actor.for_user(trio.owner)
        )
    assert refused.value.code == "protected"
    assert Person.objects.filter(pk=person.pk).exists()
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.ACKNOWLEDGED


def test_deidentification_blanks_the_cases_notes(trio):
    person = full_person(trio.organisation, trio.owner)
    case = _case(person, trio.owner)
    other = _case(new_person(trio.organisation, trio.owner), trio.owner, note="Giữ nguyên")
    services.person_deidentify(person=person, actor=Actor.for_user(trio.owner))
    case = Case.objects.get(pk=case.pk)
    assert case.intake_note == ""
    assert case.case_type == "trafficking_victim"
    assert case.intake_date == datetime.date(2026, 2, 1)
    assert Case.objects.get(pk=other.pk).intake_note == "Giữ nguyên"
