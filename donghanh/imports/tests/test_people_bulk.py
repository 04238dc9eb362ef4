"""Importing people with their cases a chunk of rows at a time: the same records, audit rows,
name tokens and case numbers as row by row, a number of statements per chunk that does not
grow with its rows, and nothing left behind when all or nothing was asked for."""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case, CaseAssignment, CaseStatusChange
from donghanh.core.actor import Actor
from donghanh.imports import engine, services
from donghanh.imports.kinds.people import PeopleKind
from donghanh.imports.models import ImportBatch, ImportedRecord
from donghanh.imports.tests.helpers import read_xlsx, xlsx
from donghanh.imports.tests.test_people import (
    HEADINGS,
    HUNG,
    LAN,
    MAI,
    ROWS,
    near_row,
    register,
    run,
)
from donghanh.jobs import files as job_files
from donghanh.organisations.roles import Role
from donghanh.people import services as people_services
from donghanh.people.models import Consent, Guardian, Person, PersonNameToken
from donghanh.testing import factories
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory


def world_of(short_name: str) -> dict[str, Any]:
    organisation = OrganisationFactory(short_name=short_name)
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)
    return {"organisation": organisation, "supervisor": supervisor}


# Given names no two of which are one letter apart: the duplicate matcher would take two rows
# of such names, with the same family name, for one person.
GIVEN = [
    "Lan",
    "Mai",
    "Hùng",
    "Tuấn",
    "Minh",
    "Thu",
    "Nam",
    "Quang",
    "Phương",
    "Trang",
    "Khánh",
    "Yến",
    "Cường",
    "Hằng",
    "Bình",
    "Giang",
    "Thảo",
    "Kiên",
    "Oanh",
    "Duyên",
    "Hiếu",
    "Lộc",
    "Sơn",
    "Đạt",
    "Ngọc",
    "Phúc",
    "Khoa",
    "Bảo",
    "Vy",
    "Chi",
]


def many(count: int) -> list[list[Any]]:
    """`count` people like the three of ROWS, told apart by their given names, ID numbers and
    birthdays."""
    made = []
    for number in range(count):
        row = list((LAN, MAI, HUNG)[number % 3])
        row[0] = number + 1
        row[1] = " ".join([*str(row[1]).split()[:-1], GIVEN[number]])
        row[5] = f"0011980{number:05d}"
        if row[3]:
            row[3] = f"{1 + number % 28:02d}/05/1998"
        row[11] = row[21] = f"{1 + number % 28:02d}/01/2025"
        made.append(row)
    return made


def snapshot(organisation: Any) -> dict[str, Any]:
    """What an import made in `organisation`, ids replaced by the row each record came from."""
    batch = ImportBatch.objects.get(organisation=organisation, status="committed")
    row_of: dict[tuple[str, str], int] = {}
    for link in ImportedRecord.objects.filter(batch=batch).select_related("content_type"):
        row_of[(f"{link.content_type.app_label}.{link.content_type.model}", link.object_id)] = (
            link.row
        )
    # People registered before the import are -1.
    people = Person.objects.filter(organisation=organisation)
    person_row: Any = defaultdict(lambda: -1)
    person_row |= {
        person.pk: row_of.get(("people.person", str(person.pk)), -1) for person in people
    }
    prefix = len(Case.objects.filter(organisation=organisation).first().number.split("-")[0])  # type: ignore[union-attr]

    def plain(values: dict[str, Any]) -> list[tuple[str, Any]]:
        left_out = {"id", "created_at", "updated_at", "organisation_id", "created_by_id"}
        return sorted(
            (key, value)
            for key, value in values.items()
            if not key.startswith("_") and key not in left_out
        )

    found: dict[str, Any] = {
        "people": sorted(((person_row[p.pk], plain(p.__dict__)) for p in people), key=repr),
        "tokens": sorted(
            (person_row[t.person_id], t.token_index)
            for t in PersonNameToken.objects.filter(organisation=organisation)
        ),
        "cases": sorted(
            (
                person_row[c.person_id],
                c.number[prefix:],
                c.status,
                c.version,
                c.case_type,
                c.legal_regime,
                c.destination_country,
                tuple(c.exploitation_types),
                c.closure_reason,
                c.reintegration_outcome,
                c.closed_on,
                c.opened_on,
            )
            for c in Case.objects.filter(organisation=organisation)
        ),
        "steps": sorted(
            (
                person_row[s.case.person_id],
                s.kind,
                s.from_status,
                s.to_status,
                s.closure_reason,
                s.reintegration_outcome,
                s.note,
            )
            for s in CaseStatusChange.objects.filter(
                case__organisation=organisation
            ).select_related("case")
        ),
        "assignments": sorted(
            person_row[a.case.person_id]
            for a in CaseAssignment.objects.filter(case__organisation=organisation).select_related(
                "case"
            )
        ),
        "guardians": sorted(
            (person_row[g.person_id], g.full_name, g.relation, g.phone)
            for g in Guardian.objects.filter(person__organisation=organisation)
        ),
        "consents": sorted(
            (
                person_row[c.person_id],
                c.purpose,
                c.method,
                c.given_by,
                c.given_on,
                c.guardian.full_name if c.guardian else "",
            )
            for c in Consent.objects.filter(person__organisation=organisation)
        ),
        "links": sorted(
            (link.content_type.model, link.row, link.version)
            for link in ImportedRecord.objects.filter(batch=batch).select_related("content_type")
        ),
    }
    audit = []
    for entry in AuditEntry.objects.filter(organisation_id=organisation.pk).exclude(
        target_type="imports.importbatch"
    ):
        details = dict(entry.details)
        if "person" in details:
            details["person"] = person_row[details["person"]]
        audit.append(
            (
                entry.event,
                entry.action,
                entry.target_type,
                row_of.get((entry.target_type, entry.target_id)),
                tuple(entry.changed_fields),
                sorted(details.items()),
                entry.actor_username != "",
            )
        )
    found["audit"] = sorted(audit, key=repr)
    return found


def test_a_chunk_at_a_time_makes_what_row_by_row_makes(monkeypatch):
    rows = [*ROWS, *many(7)[3:]]
    bulk = world_of("Bình Yên")
    one_by_one = world_of("Bình An")

    first = run(bulk, xlsx(rows))
    monkeypatch.setattr(PeopleKind, "writes_many", False)
    second = run(one_by_one, xlsx(rows))

    assert first.status == second.status == ImportBatch.Status.COMMITTED, first.report
    assert first.created == second.created == 7
    made, expected = snapshot(bulk["organisation"]), snapshot(one_by_one["organisation"])
    assert made["cases"][0][1].endswith("-0001")
    for part in expected:
        assert made[part] == expected[part], part
    assert len(made["audit"]) == len(expected["audit"]) > 7 * 3
    assert first.report == second.report


def test_the_statements_of_a_chunk_do_not_grow_with_its_rows(monkeypatch):
    counts = []
    for rows in (5, 20):
        world = world_of("Bình Yên")
        monkeypatch.setattr(engine, "CHUNK_ROWS", rows)
        # Both runs look their content types up alike (the first would warm the cache).
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            batch = run(world, xlsx([HEADINGS, *many(rows)]))
        assert batch.created == rows, batch.report
        # Every statement but the job's own bookkeeping (its progress, its heartbeat).
        counts.append(sum("jobs_" not in q["sql"] for q in queries.captured_queries))
    assert counts[0] == counts[1]


def test_chunks_are_linked_as_they_are_written_and_undo_removes_them(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 4)
    world = world_of("Bình Yên")
    batch = run(world, xlsx([HEADINGS, *many(10)]))
    assert batch.created == 10
    # Person, case and a consent or two a row; a guardian for the child's rows.
    assert batch.records.count() == ImportedRecord.objects.filter(batch=batch).count() >= 30
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert [number[-4:] for number in numbers] == [f"{n:04d}" for n in range(1, 11)]
    administrator = MembershipFactory(organisation=world["organisation"], role=Role.ORG_ADMIN)
    services.batch_undo_start(
        actor=Actor.for_user(administrator.user, organisation=world["organisation"]),
        batch=batch,
        membership=administrator,
    )
    run_queued_jobs()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert not Person.objects.exists() and not Case.objects.exists()


def refuse_the_second_mai(monkeypatch: Any) -> None:
    """The owning service refuses one row the check let through (as a rule added since may)."""
    original = people_services._new_person

    def new_person(**details: Any) -> Person:
        if details.get("id_number") == "001198000004":
            raise ValidationError("refused", code="refused")
        return original(**details)

    monkeypatch.setattr(people_services, "_new_person", new_person)


def test_a_row_the_services_refuse_leaves_its_chunk_written_without_it(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    world = world_of("Bình Yên")
    refuse_the_second_mai(monkeypatch)

    batch = run(world, xlsx([HEADINGS, *many(8)]), mode="valid")

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.created, batch.rows_with_problems, batch.skipped) == (7, 1, 1)
    assert [e["row"] for e in batch.report["errors"]] == [6]
    assert Person.objects.count() == 7 and Case.objects.count() == 7
    assert ImportedRecord.objects.filter(batch=batch, row=6).count() == 0
    assert AuditEntry.objects.filter(target_type="people.person").count() == 7


def test_all_or_nothing_writes_nothing_when_a_later_chunk_is_refused(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    world = world_of("Bình Yên")
    refuse_the_second_mai(monkeypatch)

    batch = run(world, xlsx([HEADINGS, *many(8)]), mode="all")

    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.mode == ImportBatch.Mode.VALID_ROWS and batch.rows_with_problems == 1
    assert not Person.objects.exists() and not Case.objects.exists()
    assert not Consent.objects.exists() and not PersonNameToken.objects.exists()
    assert not ImportedRecord.objects.exists()
    assert not AuditEntry.objects.filter(target_type__in=["people.person", "cases.case"]).exists()


def test_the_same_file_twice_creates_nothing_new(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 4)
    world = world_of("Bình Yên")
    run(world, xlsx([HEADINGS, *many(9)]))
    counts = Counter(type(r).__name__ for r in (*Person.objects.all(), *Case.objects.all()))

    again = run(world, xlsx([["Danh sách"], HEADINGS, *many(9)]))

    assert (again.created, again.duplicates) == (0, 9)
    assert Counter(type(r).__name__ for r in (*Person.objects.all(), *Case.objects.all())) == (
        counts
    )


def test_the_marked_workbook_keeps_the_rows_read_before_its_first_problem():
    world = world_of("Bình Yên")
    bad = list(MAI)
    bad[0], bad[2] = 3, "Không rõ"
    batch = run(world, xlsx([HEADINGS, LAN, bad, HUNG]), mode="")

    assert batch.rows_with_problems == 1
    job = batch.check_job
    assert job is not None
    marked = read_xlsx(b"".join(job_files.read_decrypted(job.result_stored_name)))
    assert [row[1] for row in marked[1:]] == ["Lò Thị Lan", "Giàng Thị Mai", "Trần Văn Hùng"]
    assert marked[1][-1] in ("", None) and "Giới tính" in marked[2][-1]


def test_progress_moves_with_each_chunk(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    monkeypatch.setattr(engine, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(engine, "PROGRESS_EVERY_ROWS", 1000)
    seen: list[int] = []
    from donghanh.jobs.context import JobContext

    original = JobContext.progress

    def progress(ctx: Any, done: int, *args: Any, **kwargs: Any) -> None:
        seen.append(done)
        original(ctx, done, *args, **kwargs)

    monkeypatch.setattr(JobContext, "progress", progress)
    world = world_of("Bình Yên")
    run(world, xlsx([HEADINGS, *many(9)]))
    # The check reports at its start and end; the import after each chunk of three rows.
    assert {3, 6, 9} <= set(seen)


def planted(world: dict[str, Any]) -> tuple[list[list[Any]], dict[int, str]]:
    """A file with duplicates planted in it, and the people registered before it in `world`'s
    organisation (person id → a name for it, to read the reports of two organisations alike)."""
    organisation = world["organisation"]
    same_id = people_services.person_register(
        actor=Actor.system("tests"), organisation=organisation, full_name="Lò Thị Khác",
        sex="female", id_number="001198000000",
    )  # fmt: skip
    same_name_and_birth = register(organisation, "Lò Thị Tuấn", datetime.date(1998, 5, 4))
    near = register(organisation, "Nguyễn Thị Hoà", datetime.date(1998, 5, 12))
    rows = many(12)
    repeat_by_intake, repeat_by_id = list(rows[1]), list(rows[6])
    rows += [
        near_row(13, "Nguyen Thi Hao", "12/05/1998"),  # near one of the organisation's people
        near_row(14, "Phạm Thị Thu", "03/04/2001"),
        near_row(15, "Pham Thi Thu", "04/03/2001"),  # near row 15 of the sheet
        [*near_row(16, "Phạm Thị Thư", "03/04/2002"), "Có"],  # checked: someone else
        repeat_by_intake,  # the same name and intake day as row 3 of the sheet
        repeat_by_id,  # the same ID number as row 8 of the sheet
        near_row(19, "Vàng Thị Dợ", "1995"),
    ]
    for row in rows:
        if len(row) == len(HEADINGS):
            row.append("")
    names = {same_id.pk: "same_id", same_name_and_birth.pk: "same_dob", near.pk: "near"}
    return [[*HEADINGS, "Không trùng"], *rows], names


def check_then_import(world: dict[str, Any], data: bytes) -> tuple[ImportBatch, dict[str, Any]]:
    """Check `data` and import its valid rows: the batch, and the check's report."""
    checked = run(world, data, mode="")
    report = dict(checked.report)
    actor = Actor.for_user(world["supervisor"].user, organisation=world["organisation"])
    services.batch_commit_start(actor=actor, batch=checked, mode="valid")
    run_queued_jobs()
    checked.refresh_from_db()
    return checked, report


def readable(report: dict[str, Any], names: dict[int, str]) -> str:
    """The report with the ids of the people registered before the file named."""
    return re.sub(r"#(\d+)", lambda m: "#" + names.get(int(m[1]), m[1]), repr(report))


def test_the_import_checks_a_chunk_of_rows_at_once_with_the_decisions_of_row_by_row(monkeypatch):
    # Rows are written three at a time: the repeats below come after rows already written.
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    batched, one_by_one = world_of("Bình Yên"), world_of("Bình An")
    data, names = planted(batched)
    data_again, names_again = planted(one_by_one)
    assert data == data_again

    first, first_check = check_then_import(batched, xlsx(data))
    monkeypatch.setattr(PeopleKind, "check_chunk_rows", 1)
    second, second_check = check_then_import(one_by_one, xlsx(data))

    assert first.status == second.status == ImportBatch.Status.COMMITTED, first.report
    assert readable(first.report, names) == readable(second.report, names_again)
    assert readable(first_check, names) == readable(second_check, names_again)
    # The import finds what the check found.
    for key in ("duplicates", "rows_with_problems", "errors", "duplicate_rows"):
        assert first.report[key] == first_check[key], key
    # Left out: two records already there; held back: a near one of them, the two repeats and
    # a near repeat; written: the rest, the row checked as someone else among them.
    assert (first.duplicates, first.rows_with_problems, first.created) == (2, 4, 13)
    errors = {e["row"]: e["message"] for e in first.report["errors"]}
    assert set(errors) == {14, 16, 18, 19}
    assert "#near" in readable(errors[14], names) and "3" in errors[18]
    assert [d["record"] for d in first.report["duplicate_rows"]] == [
        f"người #{pk}" for pk in sorted(names, key=lambda pk: names[pk] != "same_id")[:2]
    ]
    made, expected = snapshot(batched["organisation"]), snapshot(one_by_one["organisation"])
    for part in expected:
        assert made[part] == expected[part], part


def undo(world: dict[str, Any], batch: ImportBatch) -> ImportBatch:
    administrator = MembershipFactory(organisation=world["organisation"], role=Role.ORG_ADMIN)
    services.batch_undo_start(
        actor=Actor.for_user(administrator.user, organisation=world["organisation"]),
        batch=batch,
        membership=administrator,
    )
    run_queued_jobs()
    batch.refresh_from_db()
    return batch


def test_undo_removes_a_model_at_a_time_with_an_audit_row_per_record():
    counts = []
    for rows in (4, 12):
        world = world_of("Bình Yên")
        batch = run(world, xlsx([HEADINGS, *many(rows)]))
        linked = {
            (f"{link.content_type.app_label}.{link.content_type.model}", link.object_id)
            for link in ImportedRecord.objects.filter(batch=batch).select_related("content_type")
        }
        assert len(linked) >= rows * 3
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as queries:
            assert undo(world, batch).status == ImportBatch.Status.UNDONE
        counts.append(sum("jobs_" not in q["sql"] for q in queries.captured_queries))

        removed = AuditEntry.objects.filter(
            event="import.record_removed", organisation_id=world["organisation"].pk
        )
        assert {(entry.target_type, entry.target_id) for entry in removed} == linked
        assert removed.count() == len(linked)
        assert {entry.details["batch"] for entry in removed} == {batch.pk}
        assert not Person.objects.filter(organisation=world["organisation"]).exists()
        assert not PersonNameToken.objects.filter(organisation=world["organisation"]).exists()
        assert not Case.objects.filter(organisation=world["organisation"]).exists()
        assert not CaseStatusChange.objects.filter(case__organisation=world["organisation"])
    # The statements of an undo do not grow with its records.
    assert counts[0] == counts[1]


def test_an_undo_reports_its_progress_as_its_records_go(monkeypatch):
    from donghanh.imports import job_kinds
    from donghanh.imports.kinds import base
    from donghanh.jobs.context import JobContext

    monkeypatch.setattr(base, "REMOVE_CHUNK", 5)
    monkeypatch.setattr(job_kinds, "UNDO_PROGRESS_SECONDS", 0)
    reports: list[tuple[int, int | None, str]] = []
    original = JobContext.progress

    def progress(ctx: JobContext, done: int, total: int | None = None, message: Any = "") -> None:
        if ctx.kind == "imports.undo":
            reports.append((done, total, str(message)))
        original(ctx, done, total, message)

    monkeypatch.setattr(JobContext, "progress", progress)
    world = world_of("Bình Yên")
    batch = run(world, xlsx([HEADINGS, *many(6)]))
    linked = ImportedRecord.objects.filter(batch=batch).count()

    assert undo(world, batch).status == ImportBatch.Status.UNDONE
    # Told at the start, while the records are read and checked, then after each chunk of at
    # most 5 records, up to every record.
    checking = "Đang kiểm tra xem các bản ghi đã nhập có bị thay đổi từ khi nhập không"
    assert reports[0] == (0, linked, checking)
    assert reports.count((0, linked, checking)) >= 2
    removing = [done for done, _total, message in reports if message != checking]
    assert removing == sorted(removing) and removing[-1] == linked
    assert len(removing) >= linked // 5
