"""The whole path of an import: upload, check, import, the same file again, undo."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.imports import files, services
from donghanh.imports.models import ImportBatch, ImportedRecord
from donghanh.imports.tests.helpers import csv_bytes, read_xlsx, undo_refused, xlsx
from donghanh.jobs import files as job_files
from donghanh.organisations.models import Team
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

GOOD = [
    ["Tên nhóm", "Ngày bắt đầu", "Ngân sách", "Màu"],
    ["Nhóm Nghi Xuân", "05/03/2024", "1.500.000 đ", "Đỏ"],
    ["Nhóm Can Lộc", "5/3/24", "1,500,000", "green"],
]


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def importer(organisation):
    return MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)


@pytest.fixture
def supervisor(organisation):
    return MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)


def actor_of(membership: Any) -> Actor:
    return Actor.for_user(membership.user, organisation=membership.organisation)


def upload(kind, membership, data: bytes, name: str = "nhom.xlsx") -> ImportBatch:
    return services.batch_upload(actor=actor_of(membership), kind=kind, file_name=name, data=data)


def check(batch: ImportBatch, membership, mapping: dict[str, str] | None = None) -> ImportBatch:
    services.batch_check_start(
        actor=actor_of(membership),
        batch=batch,
        mapping=batch.mapping if mapping is None else mapping,
        expected_version=batch.version,
    )
    run_queued_jobs()
    batch.refresh_from_db()
    return batch


def commit(
    batch: ImportBatch, membership, mode: str = ImportBatch.Mode.ALL_OR_NOTHING
) -> ImportBatch:
    services.batch_commit_start(actor=actor_of(membership), batch=batch, mode=mode)
    run_queued_jobs()
    batch.refresh_from_db()
    return batch


def test_upload_finds_the_columns_by_their_names(teams_kind, importer):
    batch = upload(teams_kind, importer, xlsx(GOOD))

    assert batch.status == ImportBatch.Status.UPLOADED
    assert batch.mapping == {"0": "name", "1": "started_on", "2": "budget", "3": "colour"}
    assert batch.headers == GOOD[0]
    assert files.read(batch.stored_name) == xlsx(GOOD) or files.exists(batch.stored_name)
    assert not Team.objects.exists()
    assert AuditEntry.objects.filter(event="import.uploaded", target_id=str(batch.pk)).count() == 1


def test_the_file_is_stored_encrypted(teams_kind, importer, media_root):
    data = csv_bytes(GOOD)
    batch = upload(teams_kind, importer, data, "nhom.csv")

    stored = (media_root / "imports" / batch.stored_name).read_bytes()
    assert "Nghi Xuân".encode() not in stored
    assert files.read(batch.stored_name) == data


def test_a_check_writes_nothing_and_reports_every_problem(teams_kind, importer):
    rows = [
        *GOOD,
        ["", "31/02/2024", "nhiều tiền", "tím"],
        ["Nhóm Nghi Xuân", "", "", ""],
        ["Nhóm lớn", "", "20.000.000", ""],
    ]
    batch = upload(teams_kind, importer, xlsx(rows))

    batch = check(batch, importer)

    assert batch.status == ImportBatch.Status.CHECKED
    assert (batch.rows, batch.created, batch.rows_with_problems) == (5, 2, 3)
    assert not Team.objects.exists()
    errors = batch.report["errors"]
    assert {"row": 4, "column": "Tên nhóm", "value": "", "message": "Hãy điền cột này."} in errors
    by_cell = {(e["row"], e["column"]): e for e in errors}
    assert by_cell[(4, "Ngày bắt đầu")]["value"] == "31/02/2024"
    assert by_cell[(4, "Ngân sách")]["value"] == "nhiều tiền"
    assert "tím" in by_cell[(4, "Màu")]["message"]
    assert by_cell[(5, "")]["message"] == "Dòng này lặp lại dòng 2: hãy giữ một trong hai."
    assert by_cell[(6, "Ngân sách")]["message"] == "Too much."
    assert batch.mode == ImportBatch.Mode.VALID_ROWS


def test_the_marked_workbook_is_the_file_with_its_problems(teams_kind, importer):
    rows = [*GOOD, ["", "31/02/2024", "=1+1", ""]]
    batch = check(upload(teams_kind, importer, xlsx(rows)), importer)

    job = batch.check_job
    assert job is not None
    marked = b"".join(job_files.read_decrypted(job.result_stored_name))
    data = read_xlsx(marked)
    assert data[0] == [*GOOD[0], "Vấn đề của dòng này"]
    assert data[1][0] == "Nhóm Nghi Xuân" and data[1][4] is None
    assert data[3][2] == "'=1+1"  # never a formula again
    assert "Tên nhóm: Hãy điền cột này." in data[3][4]
    assert "công thức" in data[3][4]
    problems = read_xlsx(marked, sheet=1)
    assert problems[0] == ["Dòng", "Cột", "Giá trị", "Vấn đề"]
    assert len(problems) == 1 + 3


def test_all_or_nothing_imports_every_row_linked_and_audited(teams_kind, importer):
    batch = check(upload(teams_kind, importer, xlsx(GOOD)), importer)

    batch = commit(batch, importer)

    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.created == 2
    teams = list(Team.objects.order_by("name"))
    assert [t.name for t in teams] == ["Nhóm Can Lộc", "Nhóm Nghi Xuân"]
    links = ImportedRecord.objects.filter(batch=batch)
    assert {link.object_id for link in links} == {str(t.pk) for t in teams}
    assert {link.row for link in links} == {2, 3}
    for team in teams:
        assert AuditEntry.objects.filter(
            target_type="organisations.team", target_id=str(team.pk), action="create"
        ).exists()
    committed = AuditEntry.objects.get(event="import.committed")
    assert committed.details == {
        "kind": "test-teams",
        "created": 2,
        "records": 2,
        "duplicates": 0,
        "skipped": 0,
    }
    assert batch.stored_name == ""  # the file goes once imported


def test_all_or_nothing_refuses_a_file_with_problems(teams_kind, importer):
    batch = check(
        upload(teams_kind, importer, xlsx([*GOOD, ["", "", "", ""], ["x", "hôm qua", "", ""]])),
        importer,
    )

    with pytest.raises(ValidationError, match="Có 1 dòng có vấn đề"):
        services.batch_commit_start(
            actor=actor_of(importer), batch=batch, mode=ImportBatch.Mode.ALL_OR_NOTHING
        )
    assert not Team.objects.exists()


def test_a_record_added_since_the_check_is_left_out_as_a_duplicate(
    teams_kind, importer, organisation
):
    batch = check(upload(teams_kind, importer, xlsx(GOOD)), importer)
    # Someone adds the second team by hand meanwhile.
    Team.objects.create(organisation=organisation, name="Nhóm Can Lộc")

    batch = commit(batch, importer)

    # A duplicate is not a problem: the other row is imported, the duplicate left out.
    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.created, batch.duplicates) == (1, 1)


def test_valid_rows_only_imports_the_rows_without_problems(teams_kind, importer):
    rows = [*GOOD, ["", "", "", ""], ["Nhóm mới", "hôm qua", "", ""]]
    batch = check(upload(teams_kind, importer, xlsx(rows)), importer)

    batch = commit(batch, importer, ImportBatch.Mode.VALID_ROWS)

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.rows, batch.created, batch.skipped) == (3, 2, 1)
    assert Team.objects.count() == 2


def test_the_same_file_twice_creates_nothing(teams_kind, importer):
    data = xlsx(GOOD)
    commit(check(upload(teams_kind, importer, data), importer), importer)

    with pytest.raises(ValidationError, match="đã được nhập"):
        upload(teams_kind, importer, data)
    assert Team.objects.count() == 2
    assert ImportBatch.objects.count() == 1


def test_the_same_file_checked_twice_is_imported_once(teams_kind, importer):
    data = xlsx(GOOD)
    first = check(upload(teams_kind, importer, data), importer)
    second = check(upload(teams_kind, importer, data), importer)
    commit(first, importer)

    with pytest.raises(ValidationError, match="đã được nhập"):
        services.batch_commit_start(
            actor=actor_of(importer), batch=second, mode=ImportBatch.Mode.ALL_OR_NOTHING
        )
    assert Team.objects.count() == 2


def test_the_same_rows_in_another_file_are_duplicates(teams_kind, importer):
    commit(check(upload(teams_kind, importer, xlsx(GOOD)), importer), importer)

    batch = check(
        upload(teams_kind, importer, csv_bytes(GOOD, delimiter=";"), "nhom.csv"), importer
    )

    assert (batch.created, batch.duplicates) == (0, 2)
    assert batch.report["duplicate_rows"][0]["row"] == 2
    batch = commit(batch, importer)
    assert Team.objects.count() == 2


def test_the_example_row_of_the_template_is_left_out(teams_kind, importer):
    rows = [GOOD[0], ["Ví dụ nhóm", "25/03/2024", "1.500.000", ""], GOOD[1]]
    batch = check(upload(teams_kind, importer, xlsx(rows)), importer)

    assert (batch.rows, batch.created, batch.skipped) == (2, 1, 1)


def test_only_the_importer_imports(teams_kind, importer, supervisor):
    batch = check(upload(teams_kind, importer, xlsx(GOOD)), importer)

    with pytest.raises(PermissionDenied):
        services.batch_commit_start(actor=actor_of(supervisor), batch=batch, mode="all")


def test_a_changed_mapping_must_be_checked_again(teams_kind, importer):
    batch = check(upload(teams_kind, importer, xlsx(GOOD)), importer)
    services.batch_check_start(
        actor=actor_of(importer), batch=batch, mapping={"0": "name"}, expected_version=batch.version
    )
    batch.refresh_from_db()

    with pytest.raises(ValidationError):
        services.batch_commit_start(actor=actor_of(importer), batch=batch, mode="all")


def test_a_stale_mapping_is_refused(teams_kind, importer):
    batch = upload(teams_kind, importer, xlsx(GOOD))
    services.batch_check_start(
        actor=actor_of(importer), batch=batch, mapping={"0": "name"}, expected_version=1
    )
    run_queued_jobs()

    with pytest.raises(ValidationError):
        services.batch_check_start(
            actor=actor_of(importer), batch=batch, mapping=batch.mapping, expected_version=1
        )


def test_a_mapping_without_a_required_field_is_refused(teams_kind, importer):
    batch = upload(teams_kind, importer, xlsx(GOOD))

    with pytest.raises(ValidationError, match="“Name”"):
        services.batch_check_start(
            actor=actor_of(importer), batch=batch, mapping={"1": "started_on"}, expected_version=1
        )
    with pytest.raises(ValidationError, match="hai cột"):
        services.batch_check_start(
            actor=actor_of(importer),
            batch=batch,
            mapping={"0": "name", "1": "name"},
            expected_version=1,
        )


def test_the_organisation_s_choice_of_columns_is_remembered(teams_kind, importer, organisation):
    rows = [["Tên gọi", "Tiền", "Ghi chú"], ["Nhóm A", "100", "x"]]
    batch = upload(teams_kind, importer, xlsx(rows))
    assert batch.mapping == {}
    check(batch, importer, {"0": "name", "1": "budget"})

    colleague = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)
    again = upload(
        teams_kind,
        colleague,
        csv_bytes([["TÊN GỌI", "tiền", "Ghi chú"], ["Nhóm B", "1", ""]]),
        "b.csv",
    )
    assert again.mapping == {"0": "name", "1": "budget"}
    elsewhere = MembershipFactory(role=Role.SUPERVISOR)
    other = upload(teams_kind, elsewhere, xlsx(rows))
    assert other.mapping == {}


def test_undo_by_the_importers_supervisor(teams_kind, importer, supervisor):
    batch = commit(check(upload(teams_kind, importer, xlsx(GOOD)), importer), importer)

    services.batch_undo_start(actor=actor_of(supervisor), batch=batch, membership=supervisor)
    run_queued_jobs()
    batch.refresh_from_db()

    assert batch.status == ImportBatch.Status.UNDONE
    assert batch.undone_by == supervisor.user
    assert not Team.objects.exists()
    assert not ImportedRecord.objects.exists()
    assert AuditEntry.objects.filter(event="import.record_removed").count() == 2
    assert AuditEntry.objects.get(event="import.undone").details["removed"] == 2
    # Undone, the same file can be imported again.
    again = commit(check(upload(teams_kind, importer, xlsx(GOOD)), importer), importer)
    assert again.created == 2


def test_the_importer_cannot_undo_their_own_import(teams_kind, importer):
    batch = commit(check(upload(teams_kind, importer, xlsx(GOOD)), importer), importer)

    with pytest.raises(ValidationError, match="giám sát"):
        services.batch_undo_start(actor=actor_of(importer), batch=batch, membership=importer)
    assert Team.objects.count() == 2


def test_undo_is_refused_after_30_days(teams_kind, importer, supervisor):
    batch = commit(check(upload(teams_kind, importer, xlsx(GOOD)), importer), importer)
    ImportBatch.objects.filter(pk=batch.pk).update(
        committed_at=timezone.now() - datetime.timedelta(days=31)
    )
    batch.refresh_from_db()

    with pytest.raises(ValidationError, match="30 ngày"):
        services.batch_undo_start(actor=actor_of(supervisor), batch=batch, membership=supervisor)
    assert Team.objects.count() == 2


def test_undo_is_refused_once_a_record_was_changed(teams_kind, importer, supervisor):
    from donghanh.organisations.services import team_update

    batch = commit(check(upload(teams_kind, importer, xlsx(GOOD)), importer), importer)
    team = Team.objects.get(name="Nhóm Can Lộc")
    team_update(team=team, name="Nhóm Can Lộc 2", members=[], actor=actor_of(importer))

    assert "1 bản ghi" in undo_refused(batch, supervisor)
    assert Team.objects.count() == 2


def test_undo_checks_again_when_it_runs(teams_kind, importer, supervisor):
    from donghanh.organisations.services import team_update

    batch = commit(check(upload(teams_kind, importer, xlsx(GOOD)), importer), importer)
    services.batch_undo_start(actor=actor_of(supervisor), batch=batch, membership=supervisor)
    team_update(
        team=Team.objects.get(name="Nhóm Can Lộc"),
        name="Đổi tên",
        members=[],
        actor=actor_of(importer),
    )
    run_queued_jobs()
    batch.refresh_from_db()

    assert batch.status == ImportBatch.Status.COMMITTED
    assert Team.objects.count() == 2
    assert "1 bản ghi" in batch.report["undo_refused"]
    assert AuditEntry.objects.filter(event="import.undo_refused").exists()


def test_an_import_stopped_before_it_started_lets_go_of_the_batch(teams_kind, importer):
    from donghanh.jobs.services import job_cancel

    # One file, uploaded twice: a workbook written twice may differ in its saved-at time.
    data = xlsx(GOOD)
    batch = check(upload(teams_kind, importer, data), importer)
    batch = services.batch_commit_start(actor=actor_of(importer), batch=batch, mode="all")
    job_cancel(actor=actor_of(importer), job_id=batch.commit_job_id)
    run_queued_jobs()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTING  # nobody told it yet

    # Uploading the same file again finds the batch stuck and lets it go first.
    again = upload(teams_kind, importer, data)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert again.status == ImportBatch.Status.UPLOADED
    assert commit(batch, importer).status == ImportBatch.Status.COMMITTED
    assert Team.objects.count() == 2


def test_a_check_stopped_while_running_puts_the_batch_back(teams_kind, importer, monkeypatch):
    from donghanh.jobs.context import JobCancelledError

    def stop(*args, **kwargs):
        raise JobCancelledError

    batch = upload(teams_kind, importer, xlsx(GOOD))
    services.batch_check_start(
        actor=actor_of(importer), batch=batch, mapping=batch.mapping, expected_version=1
    )
    monkeypatch.setattr("donghanh.imports.engine.RowChecker.check_all", stop)
    run_queued_jobs()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED
    assert batch.check_job is not None and batch.check_job.status == "cancelled"
