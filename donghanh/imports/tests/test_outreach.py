"""Importing a year of outreach and communication tallies."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.imports import services
from donghanh.imports.kinds.base import ImportKind, get_kind
from donghanh.imports.models import ImportBatch
from donghanh.imports.selectors import kinds_for_role
from donghanh.imports.tests.helpers import read_xlsx, xlsx
from donghanh.imports.workbooks import template_bytes
from donghanh.organisations.roles import Role
from donghanh.programmes.outreach.models import AudienceCount, CommunicationActivity
from donghanh.programmes.outreach.services import communication_record
from donghanh.programmes.projects.services import project_create
from donghanh.testing import factories
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
NOBODY = Actor.system("tests")
D = datetime.date

HEADINGS: list[Any] = [
    "Mã dự án", "Loại hoạt động", "Tên hoạt động", "Ngày", "Tỉnh", "Địa điểm", "Tổng số",
    "Nữ 18 24", "Nam 18 24", "Nữ 25 59", "Lượt xem",
]  # fmt: skip
ROWS: list[list[Any]] = [
    HEADINGS,
    ["001", "Kịch tương tác", "Di cư an toàn – thôn 3", "08/03/2025", "Hà Tĩnh", "Nhà văn hóa",
     "", 30, 20, 10, ""],
    ["001", "Bài đăng trên mạng xã hội", "Cảnh giác việc làm lương cao", "15/04/2025", "",
     "Facebook", 1200, "", "", "", 15000],
    ["002", "Đối thoại cộng đồng", "Đối thoại với thanh niên", "20/05/2025", "Quảng Bình", "",
     45, 25, 20, "", ""],
]  # fmt: skip


@pytest.fixture
def world() -> dict[str, Any]:
    organisation = OrganisationFactory()
    projects = [
        project_create(
            organisation=organisation,
            code=code,
            name=f"Dự án {code}",
            start_on=D(2025, 1, 1),
            end_on=D(2026, 12, 31),
            actor=NOBODY,
        )
        for code in ("001", "002")
    ]
    # Another organisation's project with the same code is never written to.
    project_create(
        organisation=OrganisationFactory(), code="003", name="Dự án khác", start_on=D(2025, 1, 1),
        end_on=D(2026, 12, 31), actor=NOBODY,
    )  # fmt: skip
    officer = MembershipFactory(organisation=organisation, role=Role.PROGRAMME_OFFICER)
    return {"organisation": organisation, "projects": projects, "officer": officer}


def outreach_kind() -> ImportKind:
    kind = get_kind("outreach")
    assert kind is not None
    return kind


def actor_of(membership: Any) -> Actor:
    return Actor.for_user(membership.user, organisation=membership.organisation)


def run(world: dict[str, Any], data: bytes, *, mode: str = "all") -> ImportBatch:
    actor = actor_of(world["officer"])
    batch = services.batch_upload(
        actor=actor, kind=outreach_kind(), file_name="truyen-thong.xlsx", data=data, options={}
    )
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    batch.refresh_from_db()
    if batch.status == "checked" and not (mode == "all" and batch.rows_with_problems):
        services.batch_commit_start(actor=actor, batch=batch, mode=mode)
        run_queued_jobs()
        batch.refresh_from_db()
    return batch


def test_the_template_and_who_may_import_tallies(world):
    data = template_bytes(outreach_kind())
    heading = read_xlsx(data)[0]
    assert heading[:3] == ["Mã dự án", "Loại hoạt động", "Tiêu đề"]
    assert "Nữ – 18–24 tuổi" in heading
    assert outreach_kind() in kinds_for_role(Role.PROGRAMME_OFFICER)
    for role in (Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASE_WORKER):
        assert outreach_kind() not in kinds_for_role(role)


def test_tallies_are_imported_with_their_audience(world):
    batch = run(world, xlsx(ROWS))

    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    assert (batch.rows, batch.created) == (3, 3)
    theatre = CommunicationActivity.objects.get(title="Di cư an toàn – thôn 3")
    assert theatre.project == world["projects"][0] and theatre.kind == "forum_theatre"
    assert theatre.audience_total == 60 and theatre.held_on == D(2025, 3, 8)
    assert theatre.province is not None and theatre.province.short_name == "Hà Tĩnh"
    cells = sorted(
        AudienceCount.objects.filter(activity=theatre).values_list("sex", "age_group", "count")
    )
    assert cells == [("female", "18_24", 30), ("female", "25_59", 10), ("male", "18_24", 20)]
    post = CommunicationActivity.objects.get(kind="social_media_post")
    assert (post.audience_total, post.views) == (1200, 15000)
    dialogue = CommunicationActivity.objects.get(kind="community_dialogue")
    assert dialogue.province is not None and dialogue.province.short_name == "Quảng Trị"
    for activity in CommunicationActivity.objects.all():
        entry = AuditEntry.objects.get(
            target_type__endswith="communicationactivity", target_id=str(activity.pk)
        )
        assert entry.actor == world["officer"].user


def test_bad_rows_are_reported_by_row_column_value_and_message(world):
    rows = [
        HEADINGS,
        ["003", "Kịch tương tác", "Của tổ chức khác", "08/03/2025", "", "", "", "", "", "", ""],
        ["001", "Múa rối", "Không có loại này", "08/03/2025", "", "", "", "", "", "", ""],
        ["001", "Kịch tương tác", "Tổng sai", "31/13/2025", "", "", 99, 30, 20, "", ""],
        ["002", "Kịch tương tác", "Tổng sai", "08/03/2025", "", "", 99, 30, 20, "", "-5"],
    ]
    batch = run(world, xlsx(rows))

    found = {(e["row"], e["column"]): e for e in batch.report["errors"]}
    assert found[(2, "Mã dự án")]["value"] == "003"
    assert "Không có dự án" in found[(2, "Mã dự án")]["message"]
    assert "không có trong danh sách" in found[(3, "Loại hoạt động")]["message"]
    assert found[(4, "Ngày")]["value"] == "31/13/2025"
    assert "50" in found[(5, "Tổng số")]["message"] and (5, "Lượt xem") in found
    assert batch.rows_with_problems == 4
    assert not CommunicationActivity.objects.exists()


def test_tallies_imported_twice_create_nothing_new(world):
    communication_record(
        project=world["projects"][0], kind="forum_theatre", title="Di cư an toàn – THÔN 3",
        held_on=D(2025, 3, 8), actor=NOBODY,
    )  # fmt: skip
    first = run(world, xlsx(ROWS))
    assert (first.created, first.duplicates) == (2, 1)

    second = run(world, xlsx([*ROWS, ["ghi chú"]]))

    assert (second.created, second.duplicates) == (0, 3)
    assert CommunicationActivity.objects.count() == 3


def test_the_same_activity_twice_in_a_file(world):
    batch = run(world, xlsx([*ROWS, ROWS[1]]))
    assert batch.rows_with_problems == 1
    assert "dòng 2" in batch.report["errors"][0]["message"]


def test_undo_removes_the_tallies(world):
    batch = run(world, xlsx(ROWS))
    supervisor = MembershipFactory(organisation=world["organisation"], role=Role.SUPERVISOR)

    services.batch_undo_start(actor=actor_of(supervisor), batch=batch, membership=supervisor)
    run_queued_jobs()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert not CommunicationActivity.objects.exists() and not AudienceCount.objects.exists()
