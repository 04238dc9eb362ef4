from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.directory.models import ContactChannel, Provider
from donghanh.directory.services import (
    ContactInput,
    HoursInput,
    ProviderInput,
    provider_create,
    provider_mark_verified,
    provider_update,
)
from donghanh.reference.domains import ServiceDomain
from donghanh.testing import factories

pytestmark = pytest.mark.django_db

NOBODY = Actor.system("tests")
UserFactory: Any = factories.UserFactory
OrganisationFactory: Any = factories.OrganisationFactory


def audit_rows(provider):
    return list(
        AuditEntry.objects.filter(target_type="directory.provider", target_id=str(provider.pk))
        .order_by("id")
        .values_list("action", "actor_username", "summary", "changed_fields", "organisation_id")
    )


def base_input(**fields) -> ProviderInput:
    fields.setdefault("name", "Trung tâm Công tác xã hội")
    fields.setdefault("kind", Provider.Kind.SOCIAL_WORK_CENTRE)
    return ProviderInput(**fields)


def test_create_stores_everything_and_writes_one_audit_row():
    editor = UserFactory(username="editor")
    organisation = OrganisationFactory()
    provider = provider_create(
        data=base_input(
            services=[ServiceDomain.LEGAL, ServiceDomain.HEALTH],
            languages=["vi"],
            contacts=[ContactInput("phone", " 111 ", "miễn phí"), ContactInput("email", "")],
            hours=[HoursInput(1, time(8), time(17))],
        ),
        actor=Actor.for_user(editor, organisation=organisation),
    )

    assert sorted(provider.services.values_list("domain", flat=True)) == ["health", "legal"]
    assert list(provider.contacts.values_list("kind", "value", "label")) == [
        ("phone", "111", "miễn phí")
    ]
    assert provider.version == 1
    [row] = audit_rows(provider)
    assert row[:3] == (AuditAction.CREATE, "editor", "directory provider created")
    assert "services" in row[3] and "contacts" in row[3]
    assert row[4] == organisation.pk


def test_create_sets_the_folded_search_fields():
    provider = provider_create(
        data=base_input(name="Ngôi nhà Bình yên", name_en="Peace House"), actor=NOBODY
    )
    assert provider.folded_name == "ngoi nha binh yen peace house"
    assert " ngoi nha binh yen peace house " in provider.folded_text


def test_text_is_stored_in_nfc():
    decomposed = "Nha\u0300 ta\u0323m la\u0301nh"  # "Nhà tạm lánh" typed with combining marks
    provider = provider_create(data=base_input(name=decomposed), actor=NOBODY)
    assert provider.name == "Nhà tạm lánh"


def test_update_records_the_changed_fields_and_bumps_the_version():
    editor = UserFactory(username="editor")
    provider = provider_create(data=base_input(), actor=NOBODY)
    data = base_input(
        name="Trung tâm mới", services=[ServiceDomain.SHELTER], serves_nationwide=True
    )

    updated, changed = provider_update(
        provider=provider, data=data, expected_version=1, actor=Actor.for_user(editor)
    )

    assert sorted(changed) == ["name", "serves_nationwide", "services"]
    assert updated.version == 2
    stored = Provider.objects.get(pk=provider.pk)
    assert stored.name == "Trung tâm mới" and stored.folded_name == "trung tam moi"
    row = audit_rows(provider)[-1]
    assert row[:3] == (AuditAction.UPDATE, "editor", "directory provider updated, now version 2")
    assert sorted(row[3]) == ["name", "serves_nationwide", "services"]


def test_saving_the_same_values_changes_nothing():
    data = base_input(
        services=[ServiceDomain.LEGAL],
        contacts=[ContactInput("phone", "111")],
        hours=[HoursInput(1, time(8), time(17))],
    )
    provider = provider_create(data=data, actor=NOBODY)

    _provider, changed = provider_update(
        provider=provider, data=data, expected_version=1, actor=NOBODY
    )

    assert changed == []
    assert Provider.objects.get(pk=provider.pk).version == 1
    assert len(audit_rows(provider)) == 1


def test_an_edit_of_an_older_version_is_refused():
    provider = provider_create(data=base_input(), actor=NOBODY)
    provider_update(
        provider=provider, data=base_input(name="Lần 1"), expected_version=1, actor=NOBODY
    )

    with pytest.raises(StaleEditError):
        provider_update(
            provider=provider, data=base_input(name="Lần 2"), expected_version=1, actor=NOBODY
        )
    assert Provider.objects.get(pk=provider.pk).name == "Lần 1"


def test_contacts_and_hours_are_replaced_in_order():
    provider = provider_create(
        data=base_input(contacts=[ContactInput("phone", "111"), ContactInput("phone", "113")]),
        actor=NOBODY,
    )
    data = base_input(
        contacts=[ContactInput("phone", "113"), ContactInput("zalo", "Tổng đài 111")],
        hours=[HoursInput(0, time(8), time(12))],
    )

    _provider, changed = provider_update(
        provider=provider, data=data, expected_version=1, actor=NOBODY
    )

    assert sorted(changed) == ["contacts", "opening_hours"]
    assert list(provider.contacts.values_list("kind", "value")) == [
        ("phone", "113"),
        ("zalo", "Tổng đài 111"),
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "Gọi 1800 1567 để được giúp"),
        ("name", "Đường dây 18001567"),
        ("eligibility", "Trẻ em (gọi 1800-1567)"),
    ],
)
def test_the_obsolete_child_line_is_refused_in_text(field, value):
    with pytest.raises(ValidationError) as error:
        provider_create(data=base_input(**{field: value}), actor=NOBODY)
    assert field in error.value.message_dict
    assert not Provider.objects.exists()


def test_the_obsolete_child_line_is_refused_as_a_contact():
    provider = provider_create(data=base_input(), actor=NOBODY)
    with pytest.raises(ValidationError) as error:
        provider_update(
            provider=provider,
            data=base_input(contacts=[ContactInput("phone", "1800 1567")]),
            expected_version=1,
            actor=NOBODY,
        )
    assert "contacts" in error.value.message_dict
    assert not ContactChannel.objects.exists()


@pytest.mark.parametrize(
    ("contact", "ok"),
    [
        (ContactInput("phone", "+84 981 84 84 84"), True),
        (ContactInput("phone", "gọi tổng đài"), False),
        (ContactInput("email", "hotro@example.org"), True),
        (ContactInput("email", "hotro"), False),
        (ContactInput("website", "https://tongdai111.vn"), True),
        (ContactInput("website", "javascript:alert(1)"), False),
        (ContactInput("zalo", "Tổng đài 111"), True),
        (ContactInput("fax", "123456"), False),
    ],
)
def test_contacts_are_checked(contact, ok):
    data = base_input(contacts=[contact])
    if ok:
        provider_create(data=data, actor=NOBODY)
    else:
        with pytest.raises(ValidationError) as error:
            provider_create(data=data, actor=NOBODY)
        assert "contacts" in error.value.message_dict


def test_an_invented_provider_must_be_named_as_an_example():
    with pytest.raises(ValidationError) as error:
        provider_create(data=base_input(name="Bệnh viện Hải Phòng", is_example=True), actor=NOBODY)
    assert "name" in error.value.message_dict

    provider = provider_create(
        data=base_input(name="Ví dụ – Bệnh viện Hải Phòng", is_example=True), actor=NOBODY
    )
    assert provider.is_example


def test_unknown_codes_are_refused():
    with pytest.raises(ValidationError) as error:
        provider_create(
            data=base_input(services=["magic"], languages=["xx"], time_zone="Mars/Base"),
            actor=NOBODY,
        )
    assert {"services", "languages", "time_zone"} <= set(error.value.message_dict)


def test_marking_verified_records_who_and_when_and_is_audited():
    editor = UserFactory(username="verifier")
    organisation = OrganisationFactory()
    provider = provider_create(data=base_input(), actor=NOBODY)

    provider_mark_verified(
        provider=provider, actor=Actor.for_user(editor, organisation=organisation)
    )

    stored = Provider.objects.get(pk=provider.pk)
    assert stored.last_verified_on == timezone.localdate()
    assert stored.verified_by == editor
    # Verification is not an edit: a colleague's open edit form stays valid.
    assert stored.version == 1
    row = audit_rows(provider)[-1]
    assert row[0] == AuditAction.UPDATE and row[1] == "verifier"
    assert row[2] == f"directory provider marked verified on {timezone.localdate().isoformat()}"
    assert sorted(row[3]) == ["last_verified_on", "verified_by"]
    assert row[4] == organisation.pk


def test_an_edit_can_mark_verified_in_the_same_step():
    editor = UserFactory(username="editor")
    provider = provider_create(data=base_input(), actor=NOBODY)

    provider_update(
        provider=provider,
        data=base_input(),
        expected_version=1,
        actor=Actor.for_user(editor),
        mark_verified=True,
    )

    stored = Provider.objects.get(pk=provider.pk)
    assert stored.verified_by == editor and stored.last_verified_on == timezone.localdate()
    assert [row[2] for row in audit_rows(provider)][-1].startswith("directory provider marked")


def test_needs_verification_after_a_year():
    provider = provider_create(data=base_input(), actor=NOBODY)
    assert provider.needs_verification
    provider_mark_verified(provider=provider, actor=NOBODY, on=date(2022, 1, 1))
    assert provider.needs_verification
    provider_mark_verified(provider=provider, actor=NOBODY)
    assert not provider.needs_verification


def test_the_callers_input_is_left_as_it_was():
    data = base_input(name="  Tên có khoảng trắng  ")
    provider_create(data=replace(data), actor=NOBODY)
    provider_create(data=data, actor=NOBODY)
    assert data.name == "  Tên có khoảng trắng  "
