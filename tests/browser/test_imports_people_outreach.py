"""A supervisor brings in the list of people the organisation supports, and an M&E officer a
year of communication events: each downloads the template, fills it with a bad row, uploads it,
sees the problem by row and column, fixes it, imports, watches the job finish and finds the
records. The checks and the imports run in a real worker process; every page is checked with
axe-core (tests/browser/conftest.py)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from donghanh.core.actor import Actor
from donghanh.imports.kinds.base import get_kind
from donghanh.imports.models import ImportBatch
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.people.services import person_register
from donghanh.programmes.outreach.models import CommunicationActivity
from donghanh.programmes.projects.services import project_create
from donghanh.testing import factories
from donghanh.testing.jobs import start_worker, stop_worker
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

SYSTEM = Actor.system("tests")
D = datetime.date

PEOPLE_CARD = "Người được hỗ trợ và hồ sơ"
OUTREACH_CARD = "Số liệu truyền thông và tiếp cận cộng đồng"


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "private"
    settings.MEDIA_ROOT = root
    return root


def _template(page: Page, imports: str, card: str) -> bytes:
    page.goto(imports)
    with page.expect_download() as download:
        page.locator("section", has_text=card).get_by_role("link", name="Tải mẫu về").click()
    return Path(download.value.path()).read_bytes()


def _filled(template: bytes, kind: str, rows: list[dict[str, Any]], path: Path) -> Path:
    """The template with `rows` (values by column key) under its example row."""
    found = get_kind(kind)
    assert found is not None
    keys = [column.key for column in found.columns]
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    for row in rows:
        assert set(row) <= set(keys), set(row) - set(keys)
        sheet.append([row.get(key, "") for key in keys])
    workbook.save(path)
    return path


def _upload_and_check(page: Page, imports: str, card: str, path: Path) -> None:
    page.goto(imports)
    page.locator("section", has_text=card).get_by_role("link", name="Tải tệp lên").click()
    page.set_input_files("input[name=file]", str(path))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Lần nhập #")
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator(".badge").first).to_have_text("Đã kiểm tra", timeout=30_000)


def _commit(page: Page) -> None:
    expect(page.locator("main")).not_to_contain_text("Vấn đề của dòng")
    page.get_by_label("Tất cả các dòng, hoặc không nhập gì nếu có dòng có vấn đề").check()
    page.get_by_role("button", name="Nhập dữ liệu").click()
    expect(page.locator("progress")).to_be_visible()
    expect(page.locator(".badge").first).to_have_text("Đã nhập", timeout=30_000)


def _problems(page: Page) -> Any:
    return page.get_by_role("region", name="Vấn đề").locator("tbody tr")


def _person(name: str, sex: str, born: str, **more: Any) -> dict[str, Any]:
    return {
        "full_name": name,
        "sex": sex,
        "born": born,
        "province": "Hà Tĩnh",
        "case_type": "Nạn nhân bị mua bán",
        "intake_date": "05/11/2024",
        "intake_channel": "Công an",
        "consent_purposes": "Quản lý ca",
        "consent_method": "Bằng văn bản",
        "consent_given_on": "05/11/2024",
        **more,
    }


def test_a_supervisor_imports_people_with_their_cases(
    page: Page, live_server, worker_database, media_root, tmp_path
) -> None:
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    organisation = supervisor.organisation
    person_register(
        actor=SYSTEM, organisation=organisation, full_name="Nguyễn Thị Hoà", sex="female",
        date_of_birth=D(1998, 5, 12),
    )  # fmt: skip
    base = live_server.url
    imports = f"{base}/app/o/{organisation.slug}/imports/"
    sign_in_verified(page, base, supervisor.user)

    template = _template(page, imports, PEOPLE_CARD)
    assert load_workbook(io.BytesIO(template)).worksheets[0]["A1"].value == "Họ và tên"
    good = _person("Lò Thị Lan", "Nữ", "12/05/1990")
    bad = _person("Giàng Thị Mai", "Không rõ", "2001")
    # Near the person already registered: held back until someone says it is someone else.
    near = _person("Nguyen Thi Hao", "Nữ", "12/05/1999")

    worker = start_worker(worker_database, media_root)
    try:
        path = _filled(template, "people", [good, bad, near], tmp_path / "nguoi.xlsx")
        _upload_and_check(page, imports, PEOPLE_CARD, path)
        expect(_problems(page)).to_have_count(2)
        expect(page.locator("main")).to_contain_text("“Không rõ” không có trong danh sách")
        expect(page.locator("main")).to_contain_text("Người này có thể là người #")
        assert Person.objects.filter(organisation=organisation).count() == 1

        fixed = [good, {**bad, "sex": "Nữ"}, {**near, "different_person": "Có"}]
        path = _filled(template, "people", fixed, tmp_path / "nguoi-da-sua.xlsx")
        _upload_and_check(page, imports, PEOPLE_CARD, path)
        _commit(page)
    finally:
        stop_worker(worker)

    batch = ImportBatch.objects.get(status=ImportBatch.Status.COMMITTED)
    assert (batch.kind, batch.created) == ("people", 3)
    page.goto(f"{base}/app/o/{organisation.slug}/people/")
    for name in ("Lò Thị Lan", "Giàng Thị Mai", "Nguyen Thi Hao"):
        expect(page.locator("main")).to_contain_text(name)


def test_an_officer_imports_a_year_of_outreach(
    page: Page, live_server, worker_database, media_root, tmp_path
) -> None:
    officer = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    project = project_create(
        organisation=officer.organisation, code="P1", name="Dự án phòng, chống mua bán người",
        start_on=D(2025, 1, 1), end_on=D(2026, 12, 31), actor=SYSTEM,
    )  # fmt: skip
    base = live_server.url
    org = officer.organisation.slug
    imports = f"{base}/app/o/{org}/imports/"
    sign_in_verified(page, base, officer.user)

    template = _template(page, imports, OUTREACH_CARD)
    assert load_workbook(io.BytesIO(template)).worksheets[0]["A1"].value == "Mã dự án"
    theatre = {
        "project": "P1",
        "kind": "Kịch tương tác",
        "title": "Kịch tương tác về di cư an toàn",
        "held_on": "08/03/2025",
        "province": "Hà Tĩnh",
        "place": "Nhà văn hoá thôn 3",
        "audience_total": 55,
        "audience_female_18_24": 35,
        "audience_male_18_24": 20,
    }
    dialogue = {
        "project": "P1",
        "kind": "Đối thoại cộng đồng",
        "title": "Đối thoại về việc làm an toàn",
        "held_on": "15/04/2025",
        "province": "Quảng Bình",
        "audience_total": 60,
        "audience_female_25_59": 18,
        "audience_male_25_59": 12,
    }

    worker = start_worker(worker_database, media_root)
    try:
        path = _filled(template, "outreach", [theatre, dialogue], tmp_path / "truyen-thong.xlsx")
        _upload_and_check(page, imports, OUTREACH_CARD, path)
        expect(_problems(page)).to_have_count(1)
        expect(page.locator("main")).to_contain_text("cộng lại được 30, không khớp với tổng 60")
        assert not CommunicationActivity.objects.exists()

        fixed = [theatre, {**dialogue, "audience_total": 30}]
        path = _filled(template, "outreach", fixed, tmp_path / "truyen-thong-da-sua.xlsx")
        _upload_and_check(page, imports, OUTREACH_CARD, path)
        _commit(page)
    finally:
        stop_worker(worker)

    batch = ImportBatch.objects.get(status=ImportBatch.Status.COMMITTED)
    assert (batch.kind, batch.created) == ("outreach", 2)
    assert CommunicationActivity.objects.filter(project=project).count() == 2
    page.goto(f"{base}/app/o/{org}/programmes/{project.pk}/communication/")
    expect(page.locator("main")).to_contain_text("Kịch tương tác về di cư an toàn")
    expect(page.locator("main")).to_contain_text("Đối thoại về việc làm an toàn")
