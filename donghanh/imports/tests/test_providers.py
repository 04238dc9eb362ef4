"""Importing the service directory's providers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.directory.models import Provider
from donghanh.imports import services
from donghanh.imports.kinds.base import get_kind
from donghanh.imports.models import ImportBatch, ImportedRecord
from donghanh.imports.tests.helpers import csv_bytes, read_xlsx, undo_refused, xlsx
from donghanh.imports.workbooks import template_bytes
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory

HEADINGS = [
    "Tên cơ sở",
    "Loại hình",
    "Dịch vụ",
    "Tỉnh",
    "Điện thoại",
    "Chi phí",
    "Ngày kiểm tra",
    "Mở cửa 24/7",
]
ROWS = [
    HEADINGS,
    [
        "Trung tâm Công tác xã hội tỉnh Hà Tĩnh",
        "Trung tâm công tác xã hội",
        "Hỗ trợ tâm lý; Nơi tạm lánh",
        "Hà Tĩnh; Quảng Bình",
        "0239 3855 111",
        "Miễn phí",
        "15/03/2025",
        "có",
    ],
    ["Đường dây nóng 111", "Đường dây nóng", "Đường dây nóng và thông tin", "", "111", "", "", "x"],
]


@pytest.fixture
def kind():
    return get_kind("providers")


@pytest.fixture
def editor():
    return MembershipFactory(role=Role.CONTENT_EDITOR)


def actor_of(membership: Any) -> Actor:
    return Actor.for_user(membership.user, organisation=membership.organisation)


def run(kind, membership, data: bytes, *, mode: str = "all", name: str = "ds.xlsx") -> ImportBatch:
    actor = actor_of(membership)
    batch = services.batch_upload(actor=actor, kind=kind, file_name=name, data=data)
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    batch.refresh_from_db()
    if batch.status == ImportBatch.Status.CHECKED and not (
        mode == "all" and batch.rows_with_problems
    ):
        services.batch_commit_start(actor=actor, batch=batch, mode=mode)
        run_queued_jobs()
        batch.refresh_from_db()
    return batch


def test_the_template_in_vietnamese(kind):
    data = template_bytes(kind)
    heading, example = read_xlsx(data)[:2]
    assert heading[:3] == ["Tên cơ sở cung cấp dịch vụ", "Tên tiếng Anh", "Loại cơ sở"]
    assert example[0].startswith("Ví dụ")
    notes = read_xlsx(data, sheet=2)
    assert notes[0][0] == "Nhà cung cấp dịch vụ"
    rows = {row[0]: row for row in notes if row and row[0]}
    assert rows["Tên cơ sở cung cấp dịch vụ"][1] == "Có"
    assert "Nhà tạm lánh" in rows["Loại cơ sở"][3]


def test_the_template_in_english(kind):
    from django.utils import translation

    with translation.override("en"):
        data = template_bytes(kind)
    assert read_xlsx(data)[0][:3] == ["Name of the provider", "Name in English", "Kind of provider"]


def test_the_template_has_dropdowns_for_code_lists(kind):
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template_bytes(kind)))
    sheet = workbook.worksheets[0]
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert any(ref.startswith("C2:") for ref in validations)  # the kind of provider
    lists = workbook.worksheets[1]
    assert lists.sheet_state == "hidden"


def test_a_filled_template_imports_as_it_is(kind, editor):
    """The template, its example row left in, filled with one row, imports that row."""
    rows = read_xlsx(template_bytes(kind))
    rows.append(
        ["Trung tâm trợ giúp pháp lý Hà Tĩnh", "", "Trợ giúp pháp lý"] + [None] * (len(rows[0]) - 3)
    )
    batch = run(kind, editor, xlsx(rows))
    assert (batch.status, batch.rows, batch.created, batch.skipped) == ("committed", 2, 1, 1)
    assert Provider.objects.get().kind == Provider.Kind.LEGAL_AID


def test_providers_are_imported_with_their_places_contacts_and_check(kind, editor):
    batch = run(kind, editor, xlsx(ROWS))

    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    first = Provider.objects.get(name="Trung tâm Công tác xã hội tỉnh Hà Tĩnh")
    assert first.kind == Provider.Kind.SOCIAL_WORK_CENTRE
    assert set(first.services.values_list("domain", flat=True)) == {"psychological", "shelter"}
    # Quảng Bình, a province before 2025, is part of Quảng Trị today.
    assert sorted(first.provinces.values_list("short_name", flat=True)) == ["Hà Tĩnh", "Quảng Trị"]
    assert list(first.contacts.values_list("kind", "value")) == [("phone", "0239 3855 111")]
    assert first.last_verified_on == datetime.date(2025, 3, 15)
    assert first.verified_by == editor.user
    assert first.open_24_7 and not first.shown_to_public
    assert Provider.objects.count() == 2
    assert ImportedRecord.objects.filter(batch=batch).count() == 2
    assert AuditEntry.objects.filter(event="directory.provider_created").count() == 2


def test_problems_of_providers(kind, editor):
    rows = [
        HEADINGS,
        ["Một", "Bệnh viện", "", "Tỉnh Mây", "abc", "", "1/1/2099", ""],
        ["Hai", "Nhà tạm lánh", "Nấu ăn", "", "1800 1567", "Đắt", "", "có lẽ"],
    ]
    batch = run(kind, editor, xlsx(rows))

    assert batch.rows_with_problems == 2
    found = {(e["row"], e["column"]): e["message"] for e in batch.report["errors"]}
    assert "Tỉnh Mây" in found[(2, "Tỉnh")]
    assert "abc" in found[(2, "Điện thoại")]
    assert "tương lai" in found[(2, "Ngày kiểm tra")]
    assert "111" in found[(3, "Điện thoại")]  # the old child line is refused
    assert (3, "Dịch vụ") in found and (3, "Chi phí") in found and (3, "Mở cửa 24/7") in found
    assert not Provider.objects.exists()


def test_a_provider_already_in_the_directory_is_left_out(kind, editor):
    run(kind, editor, xlsx(ROWS))
    other = MembershipFactory(role=Role.ORG_ADMIN)

    again = run(kind, other, csv_bytes(ROWS, delimiter="\t"), name="ds.csv")

    assert (again.status, again.created, again.duplicates) == ("committed", 0, 2)
    assert Provider.objects.count() == 2


def test_undoing_providers(kind, editor):
    batch = run(kind, editor, xlsx(ROWS))
    admin = MembershipFactory(organisation=editor.organisation, role=Role.ORG_ADMIN)

    services.batch_undo_start(actor=actor_of(admin), batch=batch, membership=admin)
    run_queued_jobs()

    assert not Provider.objects.exists()
    assert (
        AuditEntry.objects.filter(
            event="import.record_removed", target_type="directory.provider"
        ).count()
        == 2
    )


def test_a_provider_checked_again_since_cannot_be_undone(kind, editor):
    from donghanh.directory.services import provider_mark_verified

    batch = run(kind, editor, xlsx(ROWS))
    provider_mark_verified(
        provider=Provider.objects.get(name="Đường dây nóng 111"), actor=actor_of(editor)
    )
    admin = MembershipFactory(organisation=editor.organisation, role=Role.ORG_ADMIN)

    assert "1 bản ghi" in undo_refused(batch, admin)
    assert Provider.objects.count() == 2
