"""Identity and contact fields are unreadable in the database, and keys rotate without loss."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.crypto import DecryptionError, encrypted_fields
from donghanh.core.text import fold
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.models import Consent, Guardian, Person, PersonNameToken
from donghanh.people.selectors import persons_search, possible_duplicates

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _raw_row(model, pk, columns):
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def _raw_person(person):
    return dict(
        zip(
            [f.attname for f in encrypted_fields(Person)],
            _raw_row(Person, person.pk, [f.column for f in encrypted_fields(Person)]),
            strict=True,
        )
    )


def test_encrypted_fields_are_the_identity_and_contact_fields():
    assert {f.name for f in encrypted_fields(Person)} == {
        "full_name",
        "other_names",
        "date_of_birth",
        "id_number",
        "phone",
        "current_address",
        "pre_2025_address",
    }
    assert {f.name for f in encrypted_fields(Guardian)} == {"full_name", "phone"}
    assert {f.name for f in encrypted_fields(Consent)} == {"evidence_note", "withdrawal_note"}


def test_the_raw_columns_hold_no_plaintext(person):
    raw = _raw_person(person)
    plain = {
        "full_name": "Nguyễn Thị Hoa",
        "other_names": "Hoa Nguyen",
        "date_of_birth": "1998-04-12",
        "id_number": "079203001234",
        "phone": "0912 345 678",
        "current_address": "Trần Phú",
        "pre_2025_address": "Bảo Ninh",
    }
    for name, value in plain.items():
        stored = raw[name]
        assert stored.startswith("gAAAAA"), name  # a Fernet token
        for form in (value, fold(value)):
            assert form not in stored, name
        # Short pieces are looked for in the token's bytes, not in its base64 text, where a few
        # letters such as "hoa" turn up by chance in about one token in a hundred.
        token = base64.urlsafe_b64decode(stored)
        for form in (value, fold(value), "Hoa", "hoa", "0912", "1998"):
            assert form.encode() not in token, name


def test_values_round_trip(person):
    again = Person.objects.get(pk=person.pk)
    assert again.full_name == "Nguyễn Thị Hoa"
    assert again.other_names == "Hoa Nguyen"
    assert again.date_of_birth == datetime.date(1998, 4, 12)
    assert again.id_number == "079203001234"
    assert again.phone == "0912 345 678"
    assert again.current_address == "Số 12 đường Trần Phú, phường Đồng Hới"
    assert again.pre_2025_address == "Xã Bảo Ninh, thành phố Đồng Hới, tỉnh Quảng Bình"


def test_empty_values_are_encrypted_too(staff):
    person = services.person_register(
        organisation=staff.organisation,
        actor=Actor.for_user(None),
        full_name="Lò Thị Mai",
        sex="female",
    )
    raw = _raw_person(person)
    assert raw["date_of_birth"] is None
    assert raw["phone"].startswith("gAAAAA")
    assert Person.objects.get(pk=person.pk).phone == ""


def test_guardian_and_consent_notes_are_encrypted(person, staff):
    user = staff.users[Role.CASE_WORKER]
    guardian = services.guardian_add(
        person=person,
        full_name="Trần Văn Bình",
        relation="father",
        phone="0987 654 321",
        actor=Actor.for_user(user),
    )
    consent = services.consent_record(
        person=person,
        purpose="case_management",
        method="verbal_witnessed",
        given_by="person",
        given_on=datetime.date(2026, 1, 5),
        evidence_note="Chị Phạm Thu witnessed",
        actor=Actor.for_user(user),
    )
    name, phone = _raw_row(Guardian, guardian.pk, ["full_name", "phone"])
    assert "Bình" not in name and "0987" not in phone
    (note,) = _raw_row(Consent, consent.pk, ["evidence_note"])
    assert "Phạm" not in note
    assert Consent.objects.get(pk=consent.pk).evidence_note == "Chị Phạm Thu witnessed"


def test_encrypted_fields_refuse_equality_filters(person):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Person.objects.filter(full_name="Nguyễn Thị Hoa"))
    assert Person.objects.filter(date_of_birth__isnull=False).count() == 1


def test_rotation_then_removing_the_old_key(settings, staff):
    settings.DATA_ENCRYPTION_KEYS = [OLD_KEY]
    person = services.person_register(
        organisation=staff.organisation,
        actor=Actor.for_user(None),
        full_name="Huỳnh Thị Lan",
        sex="female",
        date_of_birth=datetime.date(2003, 9, 1),
        phone="0901 222 333",
    )
    guardian = services.guardian_add(
        person=person, full_name="Huỳnh Văn Tư", relation="father", actor=Actor.for_user(None)
    )
    before = _raw_person(person)
    tokens_before = set(PersonNameToken.objects.values_list("token_index", flat=True))

    settings.DATA_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    membership = Membership.objects.get(
        organisation=staff.organisation, user=staff.users[Role.SUPERVISOR]
    )
    # Between the key change and the command, old indexes still match.
    assert list(persons_search(membership, "lan huynh")) == [person]
    out = io.StringIO()
    call_command("rotate_data_key", batch_size=1, stdout=out)
    assert "people.Person: 1 rows, 1 re-encrypted (7 values)" in out.getvalue()
    assert "people.Guardian: 1 rows, 1 re-encrypted (2 values)" in out.getvalue()
    assert "1 people rebuilt" in out.getvalue()

    after = _raw_person(person)
    new_only = Fernet(NEW_KEY.encode())
    for name, token in after.items():
        if token is not None:
            assert token != before[name]
            new_only.decrypt(token.encode())  # readable with the new key alone
    assert set(PersonNameToken.objects.values_list("token_index", flat=True)).isdisjoint(
        tokens_before
    )

    settings.DATA_ENCRYPTION_KEYS = [NEW_KEY]
    again = Person.objects.get(pk=person.pk)
    assert again.full_name == "Huỳnh Thị Lan"
    assert again.date_of_birth == datetime.date(2003, 9, 1)
    assert Guardian.objects.get(pk=guardian.pk).full_name == "Huỳnh Văn Tư"
    assert list(persons_search(membership, "hoang lan")) == [person]
    assert list(persons_search(membership, "0901222333")) == [person]
    check = possible_duplicates(
        membership, full_name="Hoàng Thị Lan", date_of_birth=datetime.date(2003, 9, 1)
    )
    assert [match.person for match in check.visible] == [person]

    # Running it again changes nothing; the run itself is in the audit log.
    out = io.StringIO()
    call_command("rotate_data_key", stdout=out)
    assert "people.Person: 1 rows, 0 re-encrypted (0 values)" in out.getvalue()
    assert "0 people rebuilt" in out.getvalue()
    assert AuditEntry.objects.filter(actor_username="rotate_data_key").count() == 2


def test_removing_a_key_before_rotating_fails_loudly(settings, staff):
    settings.DATA_ENCRYPTION_KEYS = [OLD_KEY]
    person = services.person_register(
        organisation=staff.organisation,
        actor=Actor.for_user(None),
        full_name="Đỗ Văn An",
        sex="male",
    )
    settings.DATA_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(DecryptionError) as error:
        Person.objects.get(pk=person.pk)
    assert "Đỗ" not in str(error.value)
    assert "DATA_ENCRYPTION_KEYS" in str(error.value)
