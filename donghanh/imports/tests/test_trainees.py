"""Importing the trainees of a training, with attendance and scores."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.imports import services
from donghanh.imports.kinds.base import ImportKind, get_kind
from donghanh.imports.models import ImportBatch
from donghanh.imports.tests.helpers import read_xlsx, undo_refused, xlsx
from donghanh.imports.workbooks import template_bytes
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.services import project_create
from donghanh.programmes.trainings.models import Participant, TrainingParticipation
from donghanh.programmes.trainings.services import participant_enrol, session_add, training_add
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
NOBODY = Actor.system("tests")
D = datetime.date

HEADINGS: list[Any] = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Chức danh",
    "Ngành",
    "Tỉnh",
    "Buổi đã dự",
    "Điểm trước",
    "Điểm sau",
]
ROWS: list[list[Any]] = [
    ["DANH SÁCH HỌC VIÊN LỚP TẬP HUẤN"],
    HEADINGS,
    [1, "Nguyễn Thị Hà", "Nữ", 1990, "Cán bộ xã hội", "Lao động", "Hà Tĩnh", "1; 2", "45", "80,5"],
    [2, "Trần Văn Nam", "Nam", "1985", "Cộng tác viên", "Công an", "Quảng Bình", "tất cả", 50, 90],
    [3, "Lê Thị Lan", "nữ", 1992, "Trưởng thôn", "UBND", "", "12/03/2025", "", ""],
]


@pytest.fixture
def world() -> dict[str, Any]:
    organisation = OrganisationFactory()
    project = project_create(
        organisation=organisation, code="001", name="Dự án thử", start_on=D(2025, 1, 1),
        end_on=D(2026, 12, 31), actor=NOBODY,
    )  # fmt: skip
    training = training_add(
        project=project, title="Tập huấn nhận diện nạn nhân", level="commune",
        start_on=D(2025, 3, 12), end_on=D(2025, 3, 14), actor=NOBODY,
    )  # fmt: skip
    for day in (12, 13, 14):
        session_add(training=training, held_on=D(2025, 3, day), title=f"Buổi {day}", actor=NOBODY)
    officer = MembershipFactory(organisation=organisation, role=Role.PROGRAMME_OFFICER)
    return {
        "organisation": organisation,
        "project": project,
        "training": training,
        "officer": officer,
    }


def trainees_kind() -> ImportKind:
    kind = get_kind("trainees")
    assert kind is not None
    return kind


def enrolled_elsewhere(world: dict[str, Any], name: str, birth_year: int) -> None:
    """`name` takes part in another training of the project."""
    other = training_add(
        project=world["project"], title=f"Tập huấn khác {name}", level="commune",
        start_on=D(2025, 4, 1), end_on=D(2025, 4, 1), actor=NOBODY,
    )  # fmt: skip
    participant_enrol(
        training=other, full_name=name, birth_year=birth_year, sex="female",
        role="collaborator", sector="police", actor=NOBODY,
    )  # fmt: skip


def actor_of(membership: Any) -> Actor:
    return Actor.for_user(membership.user, organisation=membership.organisation)


def run(world, data: bytes, *, mode: str = "all") -> ImportBatch:
    kind = trainees_kind()
    actor = actor_of(world["officer"])
    batch = services.batch_upload(
        actor=actor, kind=kind, file_name="hoc-vien.xlsx", data=data,
        options={"training_id": world["training"].pk},
    )  # fmt: skip
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    batch.refresh_from_db()
    if batch.status == "checked" and not (mode == "all" and batch.rows_with_problems):
        services.batch_commit_start(actor=actor, batch=batch, mode=mode)
        run_queued_jobs()
        batch.refresh_from_db()
    return batch


def test_the_template(world):
    data = template_bytes(trainees_kind())
    heading = read_xlsx(data)[0]
    assert heading[:4] == ["Họ và tên", "Giới tính", "Năm sinh", "Vai trò"]
    assert "Các buổi đã tham dự" in heading


def test_trainees_attendance_and_scores_are_imported(world):
    batch = run(world, xlsx(ROWS))

    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    assert (batch.header_row, batch.rows, batch.created) == (2, 3, 3)
    participations = {
        p.participant.full_name: p
        for p in TrainingParticipation.objects.filter(training=world["training"]).select_related(
            "participant"
        )
    }
    ha = participations["Nguyễn Thị Hà"]
    assert [s.held_on.day for s in ha.sessions_attended.order_by("held_on")] == [12, 13]
    assert (ha.pre_score, ha.post_score) == (Decimal("45.0"), Decimal("80.5"))
    assert ha.participant.sex == "female" and ha.participant.role == "social_worker"
    assert ha.participant.province is not None
    assert ha.participant.province.short_name == "Hà Tĩnh"
    nam = participations["Trần Văn Nam"]
    assert nam.sessions_attended.count() == 3
    assert nam.participant.province is not None
    assert nam.participant.province.short_name == "Quảng Trị"  # Quảng Bình before 2025
    assert nam.participant.sector == "police"
    lan = participations["Lê Thị Lan"]
    assert [s.held_on.day for s in lan.sessions_attended.all()] == [12]
    assert (
        AuditEntry.objects.filter(target_type="programmes.participant", action="create").count()
        == 3
    )


def test_problems_of_trainees(world):
    rows: list[list[Any]] = [
        HEADINGS,
        [1, "Nguyễn Thị Hà", "Nữ", 1890, "Cán bộ xã hội", "Lao động", "", "4", "120", ""],
        [2, "", "Không rõ", "", "Thầy cúng", "Lao động", "", "", "", ""],
        [3, "Trần Văn Nam", "Nam", 1985, "Cộng tác viên", "Công an", "", "20/03/2025", "", "=B4"],
    ]
    batch = run(world, xlsx(rows))

    found = {(e["row"], e["column"]): e["message"] for e in batch.report["errors"]}
    assert "1920" in found[(2, "Năm sinh")]
    assert "từ 1 đến 3" in found[(2, "Buổi đã dự")]
    assert "100" in found[(2, "Điểm trước")]
    assert found[(3, "Họ và tên")] == "Hãy điền cột này."
    assert (3, "Giới tính") in found and (3, "Chức danh") in found
    assert "20/03/2025" in found[(4, "Buổi đã dự")]
    assert "công thức" in found[(4, "Điểm sau")]
    assert not Participant.objects.exists()


def test_a_trainee_already_in_the_training_is_left_out_and_one_trained_before_counts_once(world):
    participant_enrol(
        training=world["training"], full_name="Nguyễn Thị Hà", birth_year=1990, sex="female",
        role="social_worker", sector="labour", actor=NOBODY,
    )  # fmt: skip
    enrolled_elsewhere(world, "Trần Văn Nam", 1985)

    batch = run(world, xlsx(ROWS))

    assert (batch.created, batch.duplicates) == (2, 1)
    assert Participant.objects.count() == 3  # Trần Văn Nam is the same trainee in both
    assert TrainingParticipation.objects.filter(training=world["training"]).count() == 3


def test_the_same_trainee_twice_in_a_file(world):
    batch = run(world, xlsx([*ROWS, [4, "NGUYỄN THỊ HÀ", "Nữ", 1990, "Cán bộ xã hội", "Lao động"]]))
    assert batch.rows_with_problems == 1
    assert "dòng 3" in batch.report["errors"][0]["message"]


def test_undoing_trainees_removes_only_what_the_import_made(world):
    enrolled_elsewhere(world, "Trần Văn Nam", 1985)
    batch = run(world, xlsx(ROWS))
    supervisor = MembershipFactory(organisation=world["organisation"], role=Role.SUPERVISOR)

    services.batch_undo_start(actor=actor_of(supervisor), batch=batch, membership=supervisor)
    run_queued_jobs()

    assert not TrainingParticipation.objects.filter(training=world["training"]).exists()
    assert list(Participant.objects.values_list("full_name", flat=True)) == ["Trần Văn Nam"]


def test_a_trainee_enrolled_elsewhere_since_blocks_the_undo(world):
    batch = run(world, xlsx(ROWS))
    enrolled_elsewhere(world, "Lê Thị Lan", 1992)
    supervisor = MembershipFactory(organisation=world["organisation"], role=Role.SUPERVISOR)

    participations = TrainingParticipation.objects.count()
    assert "bản ghi" in undo_refused(batch, supervisor)
    assert TrainingParticipation.objects.count() == participations


def test_the_training_must_be_one_the_organisation_runs(world):
    kind = trainees_kind()
    outsider = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    with pytest.raises(Http404):
        kind.check_access(outsider, {"training_id": world["training"].pk})
    donor = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    world["project"].donors.add(donor.organisation)
    with pytest.raises(PermissionDenied):
        kind.check_access(donor, {"training_id": world["training"].pk})
    kind.check_access(world["officer"], {"training_id": world["training"].pk})


def test_the_upload_page_offers_the_organisation_s_trainings_only(world):
    OrganisationFactory()  # another organisation's training is never offered
    client = signed_in_client(world["officer"].user)
    url = reverse("imports:upload", kwargs={"org": world["organisation"].slug, "kind": "trainees"})

    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["training"].choices][1:] == [
        world["training"].pk
    ]

    posted = client.post(
        url, {"file": SimpleUploadedFile("a.xlsx", xlsx(ROWS)), "training": world["training"].pk}
    )
    assert posted.status_code == 302
    assert ImportBatch.objects.get().options == {"training_id": world["training"].pk}
