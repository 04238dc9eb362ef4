from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.selectors import (
    audit_entries_for_organisation,
    audit_target_types_for_organisation,
    current_record_type,
    record_type_label,
    record_type_spellings,
)


@pytest.mark.parametrize(
    ("target_type", "label"),
    [
        ("organisations.membership", "Tư cách thành viên"),
        ("organisations.organisation", "Tổ chức"),
        ("gone.model", "gone.model"),
        ("not-a-label", "not-a-label"),
        ("", ""),
    ],
)
def test_record_type_label(target_type, label):
    with translation.override("vi"):
        assert record_type_label(target_type) == label


# --- Rows written before a model moved app keep its old label -----------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("cases.person", "people.person"),
        ("cases.guardian", "people.guardian"),
        ("cases.consent", "people.consent"),
        ("cases.personnametoken", "people.personnametoken"),
        ("casefiles.attachment", "attachments.attachment"),
    ],
)
def test_an_old_record_type_is_named_as_the_new_one(old, new):
    assert current_record_type(old) == new
    assert record_type_spellings(new) == [new, old]
    assert apps.get_model(new)._meta.label_lower == new
    with translation.override("vi"):
        assert record_type_label(old) == record_type_label(new) != new


@pytest.mark.django_db
def test_the_log_filters_old_and_new_rows_of_a_record_type_as_one(trio):
    organisation = trio.organisation
    for target_type in ("cases.person", "people.person", "cases.case", "casefiles.attachment"):
        AuditEntry.objects.create(
            action=AuditAction.VIEW,
            organisation=organisation,
            target_type=target_type,
            target_id="7",
            actor_username="someone",
        )

    assert audit_target_types_for_organisation(organisation.pk) == [
        "attachments.attachment",
        "cases.case",
        "people.person",
    ]
    people = audit_entries_for_organisation(organisation.pk, target_type="people.person")
    assert sorted(people.values_list("target_type", flat=True)) == [
        "cases.person",
        "people.person",
    ]
    files = audit_entries_for_organisation(organisation.pk, target_type="attachments.attachment")
    assert list(files.values_list("target_type", flat=True)) == ["casefiles.attachment"]

    url = reverse("organisations:audit_log", kwargs={"org": organisation.slug})
    page = trio.owner_client.get(url, {"record_type": "people.person"})
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 2
