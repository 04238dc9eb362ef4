"""Every opening of a person's record and every change is audited, without personal values."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.text import fold
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.tests.conftest import new_organisation
from donghanh.testing.clients import searched

PERSON_PAGES = ["person_detail", "person_edit", "guardian_add", "consent_record"]


@pytest.mark.parametrize("name", PERSON_PAGES)
def test_opening_a_record_writes_a_view_row(staff, person, name):
    url = reverse(f"people:{name}", kwargs={"org": staff.organisation.slug, "person_id": person.pk})
    client = staff.client(Role.SUPERVISOR)
    for expected in (1, 2):
        assert client.get(url).status_code == 200
        views = AuditEntry.objects.filter(
            action=AuditAction.VIEW, target_type="people.person", target_id=str(person.pk)
        )
        assert views.count() == expected
    entry = views.latest("id")
    assert entry.actor == staff.users[Role.SUPERVISOR]
    assert entry.organisation_id == staff.organisation.pk


def test_opening_the_withdraw_page_writes_a_view_row(staff, person):
    consent = services.consent_record(
        person=person,
        purpose="statistics",
        method="electronic",
        given_by="person",
        given_on=datetime.date(2026, 1, 5),
        actor=Actor.for_user(None),
    )
    url = reverse(
        "people:consent_withdraw",
        kwargs={"org": staff.organisation.slug, "person_id": person.pk, "consent_id": consent.pk},
    )
    staff.client(Role.CASE_WORKER).get(url)
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type="people.person", target_id=str(person.pk)
    ).exists()


def test_a_refused_opening_writes_no_view_row(staff, person):
    url = reverse(
        "people:person_detail", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    assert staff.client(Role.DONOR_VIEWER).get(url).status_code == 403
    assert staff.client("outsider").get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()


def test_a_whole_flow_audits_every_change_and_no_personal_value(staff):
    worker = staff.client(Role.CASE_WORKER)
    org = staff.organisation.slug
    secrets = {
        "full_name": "Triệu Thị Sính",
        "other_names": "Sinh Trieu",
        "date_of_birth": "14/07/2010",
        "id_number": "002310009876",
        "phone": "0966 432 198",
        "current_address": "Bản Nà Hẩu, xã Mường Khương",
        "pre_2025_address": "Thị trấn Mường Khương, huyện Mường Khương",
    }
    response = worker.post(
        reverse("people:person_register", kwargs={"org": org}),
        {
            **secrets,
            "sex": "female",
            "nationality": "VN",
            "ethnicity": "hmong",
            "estimated_age": "",
            "current_commune": "",
            "area_type": "rural",
        },
    )
    person_url = response["Location"]
    person_id = int(person_url.rstrip("/").rsplit("/", 1)[1])
    kwargs = {"org": org, "person_id": person_id}
    worker.post(
        reverse("people:guardian_add", kwargs=kwargs),
        {"full_name": "Triệu Văn Páo", "relation": "father", "phone": "0977 888 123"},
    )
    partner = new_organisation()
    guardian_id = AuditEntry.objects.get(target_type="people.guardian").target_id
    worker.post(
        reverse("people:consent_record", kwargs=kwargs),
        {
            "purpose": "sharing",
            "recipient_organisation": partner.pk,
            "method": "thumbprint",
            "given_by": "guardian",
            "guardian": guardian_id,
            "given_on": "02/02/2026",
            "evidence_note": "Bà Giàng Thị Dính làm chứng",
        },
    )
    consent_id = AuditEntry.objects.get(target_type="people.consent").target_id
    edit = worker.get(reverse("people:person_edit", kwargs=kwargs)).context["form"]
    worker.post(
        reverse("people:person_edit", kwargs=kwargs),
        {
            **secrets,
            "sex": "female",
            "nationality": "VN",
            "ethnicity": "hmong",
            "area_type": "rural",
            "phone": "0966 000 555",
            "version": edit["version"].value(),
            "baseline": edit["baseline"].value(),
        },
    )
    worker.post(
        reverse("people:consent_withdraw", kwargs={**kwargs, "consent_id": consent_id}),
        {"note": "Ông Páo gọi điện"},
    )
    searched(worker, reverse("people:person_list", kwargs={"org": org}), {"q": "trieu sinh"})

    entries = list(AuditEntry.objects.filter(organisation=staff.organisation))
    actions = [(e.action, e.target_type) for e in entries]
    for expected in [
        (AuditAction.CREATE, "people.person"),
        (AuditAction.CREATE, "people.guardian"),
        (AuditAction.CREATE, "people.consent"),
        (AuditAction.UPDATE, "people.person"),
        (AuditAction.UPDATE, "people.consent"),
        (AuditAction.VIEW, "people.person"),
        (AuditAction.VIEW, ""),
    ]:
        assert expected in actions
    update = next(
        e for e in entries if e.action == AuditAction.UPDATE and e.target_type == "people.person"
    )
    assert update.changed_fields == ["phone"]

    words: set[str] = set()
    for value in [
        *secrets.values(),
        "Triệu Văn Páo",
        "0977 888 123",
        "Giàng Thị Dính",
        "Ông Páo gọi điện",
        "0966 000 555",
    ]:
        words.update(w for w in value.replace("/", " ").split() if len(w) >= 3)
        words.add(value)
    words = {w for w in words if not w.isdigit() or len(w) >= 4} | {"2010", "0966", "0977"}
    for entry in entries:
        text = f"{entry.summary} {' '.join(entry.changed_fields)} {entry.user_agent}"
        for word in words:
            assert word not in text and fold(word) not in fold(text), (word, entry.summary)
