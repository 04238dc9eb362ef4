"""An M&E officer brings in a trainee list: downloads the template, fills it with two bad rows,
uploads it, sees the two problems, fixes them, imports, watches the progress bar finish and sees
the project's indicator move. The checks and the import run in a real worker process."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from donghanh.core.actor import Actor
from donghanh.imports.models import ImportBatch
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.services import project_create
from donghanh.programmes.results.services import (
    goal_add,
    indicator_add,
    indicator_target_set,
    outcome_add,
    output_add,
)
from donghanh.programmes.trainings.models import TrainingParticipation
from donghanh.programmes.trainings.services import session_add, training_add
from donghanh.testing import factories
from donghanh.testing.jobs import start_worker, stop_worker
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = Actor.system("tests")
D = datetime.date


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "private"
    settings.MEDIA_ROOT = root
    return root


def _programme(officer: Any) -> tuple[Any, Any, Any]:
    project = project_create(
        organisation=officer.organisation, code="P1", name="Dự án phòng, chống mua bán người",
        start_on=D(2025, 1, 1), end_on=D(2026, 12, 31), actor=SYSTEM,
    )  # fmt: skip
    goal = goal_add(project=project, code="1", name="Giảm nguy cơ bị mua bán người", actor=SYSTEM)
    outcome = outcome_add(goal=goal, code="1.1", name="Cán bộ hỗ trợ có năng lực", actor=SYSTEM)
    output = output_add(outcome=outcome, code="1.1.1", name="Cán bộ được tập huấn", actor=SYSTEM)
    indicator = indicator_add(
        project=project, output=output, code="1.1.1.a", name="Số cán bộ được tập huấn",
        aggregation="unique_people", source="computed", computed_definition="trained_participants",
        actor=SYSTEM,
    )  # fmt: skip
    indicator_target_set(
        indicator=indicator, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31),
        target_value=Decimal(20), actor=SYSTEM,
    )  # fmt: skip
    training = training_add(
        project=project, title="Tập huấn nhận diện nạn nhân", level="province",
        start_on=D(2025, 3, 12), end_on=D(2025, 3, 13), actor=SYSTEM,
    )  # fmt: skip
    for day in (12, 13):
        session_add(training=training, held_on=D(2025, 3, day), title=f"Buổi {day}", actor=SYSTEM)
    return project, training, indicator


def _filled(template: bytes, rows: list[list[Any]], path: Path) -> Path:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _upload_and_check(page: Page, imports: str, training: Any, path: Path) -> None:
    page.goto(imports)
    page.locator("section", has_text="Học viên của một khoá tập huấn").get_by_role(
        "link", name="Tải tệp lên"
    ).click()
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=training]", str(training.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Lần nhập #")
    page.get_by_role("button", name="Kiểm tra tệp").click()


def test_an_officer_imports_a_trainee_list(
    page: Page, live_server, worker_database, media_root, tmp_path
) -> None:
    officer = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    project, training, _ = _programme(officer)
    base = live_server.url
    org = officer.organisation.slug
    dashboard = f"{base}/app/o/{org}/programmes/{project.pk}/dashboard/"
    imports = f"{base}/app/o/{org}/imports/"
    sign_in_verified(page, base, officer.user)

    page.goto(dashboard)
    expect(page.locator('[data-indicator="1.1.1.a"]')).to_have_text("0")

    page.goto(imports)
    card = page.locator("section", has_text="Học viên của một khoá tập huấn")
    with page.expect_download() as download:
        card.get_by_role("link", name="Tải mẫu về").click()
    template = Path(download.value.path()).read_bytes()
    assert load_workbook(io.BytesIO(template)).worksheets[0]["A1"].value == "Họ và tên"

    good = [
        [
            "Phạm Thị Lan",
            "Nữ",
            1991,
            "Cán bộ xã hội",
            "Lao động",
            "UBND xã Xuân Hội",
            "Hà Tĩnh",
            "",
            "1; 2",
            40,
            85,
        ],
        [
            "Võ Văn Tâm",
            "Nam",
            1988,
            "Cộng tác viên",
            "Công an",
            "",
            "Quảng Bình",
            "",
            "tất cả",
            55,
            90,
        ],
    ]
    bad = [
        ["Hoàng Thị Mai", "Nữ", 1995, "Cộng tác viên", "Đoàn Thanh niên", "", "", "", "3", 50, 80],
        ["Đặng Văn Hùng", "Nam", 1979, "Cộng tác viên", "Công an", "", "", "", "", "mười", 70],
    ]
    fixed = [[*bad[0][:8], "2", *bad[0][9:]], [*bad[1][:9], 10, 70]]

    worker = start_worker(worker_database, media_root)
    try:
        _upload_and_check(
            page, imports, training, _filled(template, good + bad, tmp_path / "hv.xlsx")
        )
        expect(page.locator(".badge").first).to_have_text("Đã kiểm tra", timeout=30_000)
        expect(page.get_by_role("region", name="Vấn đề").locator("tbody tr")).to_have_count(2)
        expect(page.locator("main")).to_contain_text("“3” không phải là một buổi")
        expect(page.locator("main")).to_contain_text("Hãy viết một số, ví dụ 7,5.")
        assert not TrainingParticipation.objects.exists()

        path = _filled(template, good + fixed, tmp_path / "hv-da-sua.xlsx")
        _upload_and_check(page, imports, training, path)
        expect(page.locator(".badge").first).to_have_text("Đã kiểm tra", timeout=30_000)
        expect(page.locator("main")).not_to_contain_text("Vấn đề của dòng")
        page.get_by_label("Tất cả các dòng, hoặc không nhập gì nếu có dòng có vấn đề").check()
        page.get_by_role("button", name="Nhập dữ liệu").click()
        expect(page.locator("progress")).to_be_visible()
        expect(page.locator(".badge").first).to_have_text("Đã nhập", timeout=30_000)
    finally:
        stop_worker(worker)

    batch = ImportBatch.objects.get(status=ImportBatch.Status.COMMITTED)
    assert batch.created == 4
    assert TrainingParticipation.objects.filter(training=training).count() == 4
    page.goto(dashboard)
    expect(page.locator('[data-indicator="1.1.1.a"]')).to_have_text("4")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
