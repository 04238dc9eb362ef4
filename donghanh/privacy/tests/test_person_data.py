"""Export, erasure and de-identification of one person's data."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any, cast
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone
from pypdf import PdfReader

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core import person_export as exporters
from donghanh.core.actor import Actor
from donghanh.core.crypto import DecryptionError, decrypt_text, models_with_encrypted_fields
from donghanh.core.editing import StaleEditError
from donghanh.organisations.models import Membership
from donghanh.people import services as person_services
from donghanh.people.models import Consent, Guardian, Person, PersonNameToken, years_between
from donghanh.people.selectors import persons_search
from donghanh.privacy import services
from donghanh.privacy.age_groups import age_group
from donghanh.privacy.models import DataSubjectRequest, PersonDeidentification, RequestStatus
from donghanh.privacy.tests.conftest import (
    EVIDENCE,
    GUARDIAN,
    HOA,
    full_person,
    new_person,
    new_request,
)

IDENTITY_VALUES = [
    HOA["full_name"],
    HOA["other_names"],
    HOA["id_number"],
    HOA["phone"],
    HOA["current_address"],
    HOA["pre_2025_address"],
    GUARDIAN["full_name"],
    GUARDIAN["phone"],
    EVIDENCE,
]


def _all_json_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _all_json_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _all_json_strings(item)]
    return [str(value)] if value is not None else []


def _stored_plaintexts() -> list[str]:
    """Every encrypted value in the database, decrypted, read with raw SQL."""
    values = []
    with connection.cursor() as cursor:
        for model in models_with_encrypted_fields():
            columns = [
                field.column
                for field in model._meta.concrete_fields
                if type(field).__name__.startswith("Encrypted")
            ]
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT {quoted} FROM {table}")  # noqa: S608 - names from models
            for row in cursor.fetchall():
                for token in row:
                    if token:
                        with contextlib.suppress(DecryptionError):
                            values.append(decrypt_text(token))
    return values


def _count(table: str, column: str, value) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "  # noqa: S608
            f"WHERE {connection.ops.quote_name(column)} = %s",
            [value],
        )
        return cursor.fetchone()[0]


# --- Export -------------------------------------------------------------------------------


def test_the_json_export_holds_all_of_the_persons_data_and_nobody_elses(trio, person):
    other = full_person(trio.organisation, trio.owner)
    stranger = new_person(trio.organisation, full_name="Phạm Văn Khánh", phone="0911 000 111")
    new_request(stranger, trio.owner, notes="Ghi chú về Khánh")
    data_request = new_request(person, trio.owner, notes="Gọi lại buổi chiều")

    data = services.person_export_json(
        person=person, actor=Actor.for_user(trio.owner), data_request=data_request
    )

    assert data["format"] == "donghanh.person-export/1"
    assert data["person_id"] == person.pk
    sections = data["sections"]
    details = sections["person"]["records"][0]
    assert details["full_name"] == HOA["full_name"]
    assert details["date_of_birth"] == "1998-04-12"
    assert details["id_number"] == HOA["id_number"]
    assert details["phone"] == HOA["phone"]
    assert details["current_address"] == HOA["current_address"]
    assert details["ethnicity"] == "tay"
    assert details["current_commune"] == str(person.current_commune)
    assert "name_dob_index" not in details and "version" not in details
    assert [g["full_name"] for g in sections["guardians"]["records"]] == [GUARDIAN["full_name"]]
    consents = sections["consents"]["records"]
    assert [c["purpose"] for c in consents] == ["case_management", "statistics"]
    assert consents[0]["evidence_note"] == EVIDENCE
    assert consents[0]["purpose_display"]
    assert consents[1]["guardian"].startswith(GUARDIAN["full_name"])
    assert details["nationality"] == "VN" and details["nationality_display"]
    assert [r["id"] for r in sections["requests"]["records"]] == [data_request.pk]
    assert sections["requests"]["records"][0]["notes"] == "Gọi lại buổi chiều"
    strings = " ".join(_all_json_strings(data))
    for value in IDENTITY_VALUES:
        assert value in strings
    # Nothing of anyone else: the other people's ids, names, phones and notes stay out.
    assert "Phạm Văn Khánh" not in strings and "0911 000 111" not in strings
    assert "Ghi chú về Khánh" not in strings
    # Every record is this person's own: the other person's identical details are not here.
    assert [g["id"] for g in sections["guardians"]["records"]] == list(
        Guardian.objects.filter(person=person).values_list("pk", flat=True)
    )
    assert {c["id"] for c in consents} == set(
        Consent.objects.filter(person=person).values_list("pk", flat=True)
    )
    assert not {c["id"] for c in consents} & set(
        Consent.objects.filter(person=other).values_list("pk", flat=True)
    )
    json.dumps(data)  # serialisable as it is


def test_the_export_is_audited_without_values(trio, person):
    services.person_export_json(person=person, actor=Actor.for_user(trio.owner))
    services.person_export_pdf(person=person, actor=Actor.for_user(trio.owner))
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT, target_id=str(person.pk))
    assert sorted(entries.values_list("summary", flat=True)) == [
        "copy of the person's data exported as json (vi)",
        "copy of the person's data exported as pdf (vi)",
    ]


def test_the_pdf_export_renders_vietnamese_text(trio, person):
    document = services.person_export_pdf(person=person, actor=Actor.for_user(trio.owner))
    assert document.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(document))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for value in (HOA["full_name"], HOA["current_address"], GUARDIAN["full_name"], EVIDENCE):
        assert value in text, value
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in cast(Any, page["/Resources"])["/Font"].values()
    }
    assert any("DejaVuSans" in name for name in fonts)
    # The file's properties name no one.
    assert HOA["full_name"] not in str(reader.metadata)


def test_a_section_registered_by_another_app_joins_the_export(trio, person):
    @exporters.register_exporter("test-extra", label="Extra", order=50)
    def extra(subject):
        return [
            exporters.ExportRecord(
                title="Extra",
                fields=[exporters.ExportField("seen", "Seen", subject.pk, str(subject.pk))],
            )
        ]

    try:
        data = services.person_export_json(person=person, actor=Actor.for_user(trio.owner))
        with pytest.raises(ValueError, match="already registered"):
            exporters.register_exporter("test-extra", label="Again")(extra)
    finally:
        exporters.unregister_exporter("test-extra")
    assert data["sections"]["test-extra"]["records"] == [{"seen": person.pk}]
    assert list(data["sections"]).index("test-extra") < list(data["sections"]).index("requests")


def test_a_model_pointing_at_a_person_that_no_section_covers_is_still_exported(trio, person):
    # The safety net: a section forgotten is exported field by field all the same.
    guardians = exporters._registry.pop("guardians")
    try:
        uncovered = {model._meta.label_lower for model, _ in exporters.uncovered_person_models()}
        data = services.person_export_json(person=person, actor=Actor.for_user(trio.owner))
    finally:
        exporters._registry["guardians"] = guardians
    assert uncovered == {"people.guardian"}
    records = data["sections"]["people.guardian"]["records"]
    assert [record["full_name"] for record in records] == [GUARDIAN["full_name"]]
    assert {"people.guardian", "people.consent", "privacy.datasubjectrequest"} <= (
        exporters.covered_models()
    )


# --- Erasure ------------------------------------------------------------------------------


def _acknowledged(person, user, kind):
    return services.request_acknowledge(
        data_request=new_request(person, user, kind=kind, notes=f"Gọi {HOA['phone']}"),
        actor=Actor.for_user(user),
    )


def test_erasure_removes_the_identity_from_the_database(trio, person):
    survivor = new_person(trio.organisation, full_name="Hà Thị Thu", phone="0933 222 111")
    data_request = _acknowledged(person, trio.owner, "erasure")
    other_request = new_request(
        person, trio.owner, kind="access", requester="guardian", requester_details="Lê Văn Dũng, bố"
    )
    person_id = person.pk
    phone_index = person.phone_index
    assert phone_index
    assert HOA["full_name"] in _stored_plaintexts()

    services.request_complete(
        data_request=data_request,
        carry_out="erase",
        outcome="Đã xoá hồ sơ",
        actor=Actor.for_user(trio.owner),
    )

    for table, column in (
        ("people_person", "id"),
        ("people_guardian", "person_id"),
        ("people_consent", "person_id"),
        ("people_personnametoken", "person_id"),
    ):
        assert _count(table, column, person_id) == 0, table
    assert _count("people_person", "phone_index", phone_index) == 0
    stored = " ".join(_stored_plaintexts())
    for value in IDENTITY_VALUES:
        assert value not in stored, value
    assert "Hà Thị Thu" in stored  # another person's record is untouched
    assert Person.objects.filter(pk=survivor.pk).exists()
    # The requests stay, with the person's number and without their free text.
    data_request.refresh_from_db()
    other_request.refresh_from_db()
    assert data_request.status == RequestStatus.COMPLETED
    assert data_request.person_id is None and data_request.person_ref == person_id
    assert other_request.person_id is None and other_request.requester_details == ""
    assert other_request.notes == ""
    deleted = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert deleted.target_type == "people.person" and deleted.target_id == str(person_id)
    assert deleted.summary == (
        f"person erased (1 guardians, 2 consents) on data-subject request {data_request.pk}"
    )


def test_erasure_refused_when_kept_records_point_at_the_person(trio, person):
    data_request = _acknowledged(person, trio.owner, "erasure")
    with (
        mock.patch.object(Person, "delete", side_effect=ProtectedError("kept", set())),
        pytest.raises(ValidationError) as refused,
    ):
        services.request_complete(
            data_request=data_request, carry_out="erase", actor=Actor.for_user(trio.owner)
        )
    assert refused.value.code == "protected"
    data_request.refresh_from_db()
    assert data_request.is_open
    assert data_request.notes  # nothing was forgotten: the whole change rolled back
    assert Person.objects.filter(pk=person.pk).exists()
    assert not AuditEntry.objects.filter(action=AuditAction.DELETE).exists()


# --- De-identification --------------------------------------------------------------------


def test_deidentification_keeps_statistics_and_drops_identity(trio, person):
    province = person.current_commune.province
    data_request = _acknowledged(person, trio.owner, "deidentification")
    services.request_complete(
        data_request=data_request, carry_out="deidentify", actor=Actor.for_user(trio.owner)
    )

    person.refresh_from_db()
    assert person.full_name == services.DEIDENTIFIED_NAME
    for name in ("other_names", "id_number", "phone", "current_address", "pre_2025_address"):
        assert getattr(person, name) == "", name
    assert person.date_of_birth is None and person.current_commune is None
    assert (person.name_dob_index, person.id_number_index, person.phone_index) == ("", "", "")
    assert not PersonNameToken.objects.filter(person=person).exists()
    # Kept for statistics: sex, ethnicity, nationality, area type, age group, province.
    assert (person.sex, person.ethnicity, person.nationality, person.area_type) == (
        "female",
        "tay",
        "VN",
        "urban",
    )
    record = PersonDeidentification.objects.get(person=person)
    assert record.province == province
    lower, group = age_group(years_between(HOA["date_of_birth"], timezone.localdate()))
    assert group in ("25-34", "35-49")
    assert (record.age_group, person.estimated_age) == (group, lower)
    assert record.data_request == data_request
    guardian = Guardian.objects.get(person=person)
    assert guardian.full_name == services.DEIDENTIFIED_NAME and guardian.phone == ""
    assert guardian.relation == "mother"
    assert set(Consent.objects.filter(person=person).values_list("purpose", flat=True)) == {
        "case_management",
        "statistics",
    }
    stored = " ".join(_stored_plaintexts())
    for value in IDENTITY_VALUES:
        assert value not in stored, value
    membership = Membership.objects.get(user=trio.owner, organisation=trio.organisation)
    assert not persons_search(membership, "Hoa").exists()
    assert not persons_search(membership, HOA["phone"]).exists()
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, target_type="people.person", target_id=str(person.pk)
    )
    assert entry.summary.startswith("person de-identified")
    assert "full_name" in entry.changed_fields


def test_a_form_opened_before_deidentification_cannot_write_the_identity_back(trio, person):
    opened_version = person.version
    services.person_deidentify(person=person, actor=Actor.for_user(trio.owner))
    with pytest.raises(StaleEditError):
        person_services.person_update(
            person=person,
            expected_version=opened_version,
            baseline={},
            actor=Actor.for_user(trio.owner),
            full_name=HOA["full_name"],
        )


def test_deidentifying_twice_is_refused(trio, person):
    services.person_deidentify(person=person, actor=Actor.for_user(trio.owner))
    with pytest.raises(ValidationError):
        services.person_deidentify(person=person, actor=Actor.for_user(trio.owner))


def test_an_erasure_request_can_be_met_by_deidentification(trio, person):
    data_request = _acknowledged(person, trio.owner, "erasure")
    done = services.request_complete(
        data_request=data_request,
        carry_out="deidentify",
        outcome="Hồ sơ phải lưu theo luật",
        actor=Actor.for_user(trio.owner),
    )
    assert done.status == RequestStatus.COMPLETED
    assert DataSubjectRequest.objects.get(pk=done.pk).notes == ""
    assert PersonDeidentification.objects.filter(person=person).exists()


@pytest.mark.parametrize(
    ("age", "group", "lower"),
    [
        (None, "", None),
        (0, "0-5", 0),
        (11, "6-11", 6),
        (17, "16-17", 16),
        (18, "18-24", 18),
        (64, "60+", 60),
    ],
)
def test_age_groups(age, group, lower):
    assert age_group(age) == (lower, group)
