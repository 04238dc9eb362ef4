"""`manage.py import_records`: the same import from a script, its JSON report and exit status."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.directory.models import Provider
from donghanh.imports.models import ImportBatch
from donghanh.imports.tests.helpers import xlsx
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.services import project_create
from donghanh.programmes.trainings.models import TrainingParticipation
from donghanh.programmes.trainings.services import training_add
from donghanh.testing import factories

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory

HEADINGS = ["Tên cơ sở", "Loại hình", "Điện thoại"]
GOOD: list[list[Any]] = [
    HEADINGS,
    ["Trung tâm Công tác xã hội tỉnh Hà Tĩnh", "Trung tâm công tác xã hội", "0239 3855 111"],
    ["Đường dây nóng 111", "Đường dây nóng", "111"],
]
BAD: list[list[Any]] = [*GOOD, ["Nhà tạm lánh Bình Yên", "Nhà nghỉ", "abc"]]


@pytest.fixture
def editor():
    return MembershipFactory(role=Role.CONTENT_EDITOR)


def write(tmp_path: Path, rows: list[list[Any]], name: str = "ds.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return path


def run_as(member: Any, kind: str, path: Path, *extra: str) -> tuple[int, str]:
    return run(
        kind, path, "--organisation", member.organisation.slug, "--as", member.user.username, *extra
    )


def run(*args: Any) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import_records", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_an_import_from_a_script(editor, tmp_path):
    path = write(tmp_path, GOOD)
    code, out = run_as(editor, "providers", path, "--json")

    assert code == 0
    report = json.loads(out)
    shape = ("rows", "created", "updated", "skipped", "duplicates", "errors")
    assert {key: report[key] for key in shape} == {
        "rows": 2, "created": 2, "updated": 0, "skipped": 0, "duplicates": 0, "errors": []
    }  # fmt: skip
    assert report["status"] == "committed" and report["dry_run"] is False
    assert Provider.objects.count() == 2
    uploaded = AuditEntry.objects.get(event="import.uploaded")
    assert uploaded.actor_id == editor.user.pk
    assert uploaded.user_agent == "manage.py import_records"


def test_a_dry_run_writes_nothing_and_says_what_would_be_created(editor, tmp_path):
    path = write(tmp_path, GOOD)
    code, out = run_as(editor, "providers", path, "--json", "--dry-run")

    assert code == 0
    report = json.loads(out)
    assert (report["dry_run"], report["created"], report["status"]) == (True, 2, "checked")
    assert not Provider.objects.exists()


def test_problems_in_json_and_a_non_zero_exit(editor, tmp_path):
    path = write(tmp_path, BAD)
    code, out = run_as(editor, "providers", path, "--json")

    assert code == 1
    report = json.loads(out)
    # The kind of provider is needed to check the rest of the row: its problem comes first.
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]] == [
        (4, "Loại hình", "Nhà nghỉ")
    ]
    assert report["errors"][0]["message"].startswith("“Nhà nghỉ” không có trong danh sách.")
    assert not Provider.objects.exists()


def test_valid_rows_only(editor, tmp_path):
    path = write(tmp_path, BAD)
    code, out = run_as(editor, "providers", path, "--json", "--valid-rows-only")

    assert code == 0
    report = json.loads(out)
    assert (report["created"], report["skipped"], len(report["errors"])) == (2, 1, 1)
    assert Provider.objects.count() == 2


def test_a_refused_file_exits_with_2(editor, tmp_path):
    path = tmp_path / "trong.csv"
    path.write_bytes(b"")
    code, out = run_as(editor, "providers", path, "--json")

    assert code == 2
    assert json.loads(out)["refused"]["message"] == "Tệp trống: không có dòng nào để nhập."
    assert not ImportBatch.objects.exists()


def test_the_same_file_twice(editor, tmp_path):
    path = write(tmp_path, GOOD)
    args = (
        "providers",
        path,
        "--organisation",
        editor.organisation.slug,
        "--as",
        editor.user.username,
        "--json",
    )
    assert run(*args)[0] == 0

    code, out = run(*args)

    assert code == 2
    assert "đã được nhập" in json.loads(out)["refused"]["message"]
    assert Provider.objects.count() == 2


@pytest.mark.parametrize(
    ("role", "organisation", "kind"),
    [
        (Role.CASE_WORKER, "own", "providers"),  # may not import at all
        (Role.PROGRAMME_OFFICER, "own", "providers"),  # may import, not providers
        (Role.CONTENT_EDITOR, "other", "providers"),  # not a member there
        (Role.CONTENT_EDITOR, "own", "nothing"),  # no such kind
    ],
)
def test_the_same_permissions_as_the_pages(tmp_path, role, organisation, kind):
    member = MembershipFactory(role=role)
    slug = (
        member.organisation.slug if organisation == "own" else factories.OrganisationFactory().slug
    )
    code, _out = run(
        kind, write(tmp_path, GOOD), "--organisation", slug, "--as", member.user.username
    )
    assert code == 2
    assert not ImportBatch.objects.exists()


def test_an_unknown_user(editor, tmp_path):
    code, _out = run(
        "providers",
        write(tmp_path, GOOD),
        "--organisation",
        editor.organisation.slug,
        "--as",
        "nobody",
    )
    assert code == 2


def test_trainees_need_a_training_of_the_organisation(tmp_path):
    officer = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    system = Actor.system("tests")
    project = project_create(
        organisation=officer.organisation, code="P", name="Dự án",
        start_on=datetime.date(2025, 1, 1), end_on=datetime.date(2025, 12, 31), actor=system,
    )  # fmt: skip
    training = training_add(
        project=project, title="Tập huấn", level="commune", start_on=datetime.date(2025, 3, 1),
        end_on=datetime.date(2025, 3, 1), actor=system,
    )  # fmt: skip
    path = write(
        tmp_path,
        [
            ["Họ và tên", "Giới tính", "Vai trò", "Ngành"],
            ["Nguyễn Thị Hà", "Nữ", "Cộng tác viên", "Công an"],
        ],
    )
    base = (
        "trainees",
        path,
        "--organisation",
        officer.organisation.slug,
        "--as",
        officer.user.username,
    )

    assert run(*base)[0] == 2  # which training?
    assert run(*base, "--option", "training=999999")[0] == 2
    code, _out = run(*base, "--option", f"training={training.pk}")

    assert code == 0
    assert TrainingParticipation.objects.filter(training=training).count() == 1


def test_a_plain_report_for_people(editor, tmp_path):
    code, out = run_as(editor, "providers", write(tmp_path, BAD))
    assert code == 1
    assert "đã đọc 3 dòng" in out
    assert "Dòng 4, Loại hình “Nhà nghỉ”:" in out
