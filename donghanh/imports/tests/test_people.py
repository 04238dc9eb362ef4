"""Importing people with their cases and the consent recorded for them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case, CaseStatus
from donghanh.core.actor import Actor
from donghanh.imports import services
from donghanh.imports.kinds.base import ImportKind, get_kind
from donghanh.imports.models import ImportBatch
from donghanh.imports.selectors import kinds_for_role
from donghanh.imports.tests.helpers import read_xlsx, undo_refused, xlsx
from donghanh.imports.workbooks import template_bytes
from donghanh.organisations.roles import Role
from donghanh.people.models import Consent, Guardian, Person
from donghanh.people.services import person_register
from donghanh.testing import factories
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
D = datetime.date

HEADINGS: list[Any] = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Dân tộc",
    "Số CCCD",
    "Điện thoại",
    "Tỉnh",
    "Huyện",
    "Xã",
    "Loại hồ sơ",
    "Ngày tiếp nhận",
    "Kênh tiếp nhận",
    "Trạng thái",
    "Lý do đóng",
    "Kết quả tái hòa nhập",
    "Nước đến",
    "Hình thức bóc lột",
    "Đồng ý cho",
    "Hình thức đồng ý",
    "Người đồng ý",
    "Ngày đồng ý",
    "Người giám hộ",
    "Quan hệ",
]
LAN = [
    1, "Lò Thị Lan", "Nữ", "12/05/1998", "Thái", "001198012345", "0912345678", "Hà Tĩnh",
    "Nghi Xuân", "Xuân Hội", "Nạn nhân bị mua bán", "05/11/2024", "Bộ đội biên phòng", "", "",
    "", "Trung Quốc", "Bóc lột tình dục; Lao động cưỡng bức", "Quản lý ca; Thống kê",
    "Bằng văn bản", "", "05/11/2024", "", "",
]  # fmt: skip
MAI = [
    2, "Giàng Thị Mai", "nữ", 2010, "Mông", "", "", "Quảng Bình", "", "", "Trẻ em có nguy cơ",
    "20/01/2025", "Công an", "", "", "", "", "", "Quản lý ca", "Điểm chỉ", "Người giám hộ",
    "21/01/2025", "Giàng A Páo", "Bố",
]  # fmt: skip
HUNG = [
    3, "Trần Văn Hùng", "Nam", "", "Kinh", "", "", "", "", "",
    "Người di cư có nguy cơ hoặc trở về", "3/2/24", "Tự đến", "Đã đóng",
    "Đã đạt mục tiêu của kế hoạch hỗ trợ", "Tái hòa nhập cùng gia đình", "", "",
    "Quản lý ca", "Bằng văn bản", "", "3/2/24", "", "",
]  # fmt: skip
ROWS: list[list[Any]] = [["DANH SÁCH ĐỐI TƯỢNG"], HEADINGS, LAN, MAI, HUNG]


@pytest.fixture
def world() -> dict[str, Any]:
    organisation = OrganisationFactory()
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)
    return {"organisation": organisation, "supervisor": supervisor}


def people_kind() -> ImportKind:
    kind = get_kind("people")
    assert kind is not None
    return kind


def actor_of(membership: Any) -> Actor:
    return Actor.for_user(membership.user, organisation=membership.organisation)


def run(world: dict[str, Any], data: bytes, *, mode: str = "all", who: Any = None) -> ImportBatch:
    """Upload and check `data`; then import it (`mode` "all" or "valid"; "" to check only)."""
    actor = actor_of(who or world["supervisor"])
    batch = services.batch_upload(
        actor=actor, kind=people_kind(), file_name="doi-tuong.xlsx", data=data, options={}
    )
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    batch.refresh_from_db()
    if mode and batch.status == "checked" and not (mode == "all" and batch.rows_with_problems):
        services.batch_commit_start(actor=actor, batch=batch, mode=mode)
        run_queued_jobs()
        batch.refresh_from_db()
    return batch


def test_the_template_has_vietnamese_headings_dropdowns_and_a_notes_sheet(world):
    data = template_bytes(people_kind())
    heading = read_xlsx(data)[0]
    assert heading[:3] == ["Họ và tên", "Tên khác", "Giới tính"]
    assert "Loại trường hợp" in heading and "Ngày đồng ý" in heading
    assert len(read_xlsx(data)) >= 2  # the example row
    assert read_xlsx(data, sheet=1)  # the notes


def test_only_roles_that_create_people_and_cases_may_import_them():
    assert people_kind() in kinds_for_role(Role.SUPERVISOR)
    for role in (Role.ORG_ADMIN, Role.PROGRAMME_OFFICER, Role.CASE_WORKER):
        assert people_kind() not in kinds_for_role(role)


def test_people_their_cases_and_consents_are_imported(world):
    batch = run(world, xlsx(ROWS))

    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    assert (batch.header_row, batch.rows, batch.created) == (2, 3, 3)
    people = {p.full_name: p for p in Person.objects.filter(organisation=world["organisation"])}
    lan = people["Lò Thị Lan"]
    assert (lan.sex, lan.date_of_birth, lan.ethnicity) == ("female", D(1998, 5, 12), "thai")
    assert lan.id_number == "001198012345" and lan.phone == "0912345678"
    assert lan.current_commune is not None and lan.current_commune.province.short_name == "Hà Tĩnh"
    assert lan.pre_2025_address  # found through the district and commune before 2025
    case = lan.cases.get()
    assert (case.case_type, case.intake_channel, case.intake_date) == (
        "trafficking_victim", "border_guard", D(2024, 11, 5),
    )  # fmt: skip
    assert case.destination_country == "CN"
    assert case.exploitation_types == ["SexualExploitation", "ForcedLabour"] or set(
        case.exploitation_types
    ) == {"SexualExploitation", "ForcedLabour"}
    assert sorted(lan.consents.values_list("purpose", flat=True)) == [
        "case_management", "statistics",
    ]  # fmt: skip
    mai = people["Giàng Thị Mai"]
    assert mai.date_of_birth is None and mai.estimated_age is not None
    consent = mai.consents.get()
    assert consent.given_by == "guardian" and consent.guardian is not None
    assert consent.guardian.full_name == "Giàng A Páo" and consent.guardian.relation == "father"
    hung = people["Trần Văn Hùng"].cases.get()
    assert hung.status == CaseStatus.CLOSED and hung.closure_reason == "goals_achieved"
    # Every record has its audit row, and no audit row holds a value of the person.
    entries = AuditEntry.objects.filter(target_type="people.person", action="create")
    assert entries.count() == 3
    for entry in AuditEntry.objects.all():
        text = str(entry.details) + str(entry.changed_fields)
        assert "Lò Thị Lan" not in text and "001198012345" not in text and "1998" not in text


def test_problems_are_reported_by_row_column_value_and_message(world):
    bad = list(LAN)
    bad[2], bad[11], bad[18] = "Không rõ", "31/02/2024", "Chia sẻ thông tin"
    child = list(MAI)
    child[20], child[22], child[23] = "", "", ""  # a child consenting herself
    place = list(HUNG)
    place[7], place[13] = "Tỉnh Không Có", "Mở"
    batch = run(world, xlsx([HEADINGS, bad, child, place]))

    found = {(e["row"], e["column"]): e for e in batch.report["errors"]}
    assert found[(2, "Giới tính")]["value"] == "Không rõ"
    assert "không có trong danh sách" in found[(2, "Giới tính")]["message"]
    assert "Không có ngày" in found[(2, "Ngày tiếp nhận")]["message"]
    assert (2, "Đồng ý cho") in found
    assert "người giám hộ" in found[(3, "Người đồng ý")]["message"]
    assert found[(4, "Tỉnh")]["value"] == "Tỉnh Không Có"
    assert batch.rows_with_problems == 3
    assert not Person.objects.exists() and not Case.objects.exists()


def test_valid_rows_only_imports_the_others(world):
    bad = list(MAI)
    bad[2] = ""
    batch = run(world, xlsx([HEADINGS, LAN, bad]), mode="valid")
    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.created, batch.rows_with_problems) == (1, 1)
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Lò Thị Lan"]


def test_duplicates_in_the_registry_and_in_the_file_are_flagged_before_writing(world):
    organisation = world["organisation"]
    person_register(
        actor=Actor.system("tests"), organisation=organisation, full_name="LÒ THỊ LAN",
        sex="female", date_of_birth=D(1998, 5, 12),
    )  # fmt: skip
    # The same person at another organisation is not looked at, nor told of.
    person_register(
        actor=Actor.system("tests"), organisation=OrganisationFactory(),
        full_name="Giàng Thị Mai", sex="female", id_number="",
    )  # fmt: skip
    again = list(HUNG)
    again[0], again[5] = 4, ""
    check = run(world, xlsx([HEADINGS, LAN, MAI, HUNG, again]), mode="")

    assert check.duplicates == 1 and check.report["duplicate_rows"][0]["row"] == 2
    errors = check.report["errors"]
    assert [(e["row"], "dòng 4" in e["message"]) for e in errors] == [(5, True)]
    assert Person.objects.filter(organisation=organisation).count() == 1


def test_the_same_rows_imported_twice_create_nothing_new(world):
    first = run(world, xlsx(ROWS))
    assert first.created == 3
    counts = (Person.objects.count(), Case.objects.count(), Consent.objects.count())

    second = run(world, xlsx([*ROWS, ["ghi chú"]]))  # another file, the same people

    assert (second.created, second.duplicates) == (0, 3)
    assert (Person.objects.count(), Case.objects.count(), Consent.objects.count()) == counts


def test_undo_removes_the_people_their_cases_and_consents(world):
    batch = run(world, xlsx(ROWS))
    administrator = MembershipFactory(organisation=world["organisation"], role=Role.ORG_ADMIN)

    services.batch_undo_start(actor=actor_of(administrator), batch=batch, membership=administrator)
    run_queued_jobs()

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert not Person.objects.exists() and not Case.objects.exists()
    assert not Consent.objects.exists() and not Guardian.objects.exists()


def test_a_case_opened_since_for_an_imported_person_blocks_the_undo(world):
    from donghanh.cases.services import case_open

    batch = run(world, xlsx(ROWS))
    person = next(p for p in Person.objects.all() if p.full_name == "Lò Thị Lan")
    case_open(
        person=person, case_type="migrant_at_risk", intake_channel="other",
        intake_date=D(2025, 2, 1), actor=Actor.system("tests"),
    )  # fmt: skip
    administrator = MembershipFactory(organisation=world["organisation"], role=Role.ORG_ADMIN)
    assert "bản ghi" in undo_refused(batch, administrator)
    assert Person.objects.count() == 3


# --- likely duplicates: the platform's duplicate matcher ----------------------------------------


def near_row(number: int, name: str, born: Any, *, sex: str = "Nữ") -> list[Any]:
    """A row of LAN's case for someone else: no ID number, no phone."""
    row = list(LAN)
    row[0], row[1], row[2], row[3], row[5], row[6] = number, name, sex, born, "", ""
    return row


def register(organisation: Any, name: str, born: datetime.date) -> Person:
    return person_register(
        actor=Actor.system("tests"), organisation=organisation, full_name=name, sex="female",
        date_of_birth=born,
    )  # fmt: skip


def test_near_misses_of_the_organisation_s_people_are_flagged_by_row_and_column(world):
    organisation = world["organisation"]
    hoa = register(organisation, "Nguyễn Thị Hoà", D(1998, 5, 12))
    # Someone of the same name at another organisation: never looked at, never told of.
    elsewhere = register(OrganisationFactory(), "Trần Thị Bích", D(2000, 3, 4))
    rows = [
        near_row(1, "Nguyen Thi Hao", "12/05/1998"),  # no diacritics, two letters swapped
        near_row(2, "Nguyễn Thị Hoà", "12/05/1999"),  # the birth year one off
        near_row(3, "Nguyễn Thị Hoà", "05/12/1998"),  # the day and the month swapped
        near_row(4, "Nguyen Thi Hao", 1998),  # only the year
        near_row(5, "Tran Thi Bich", "04/03/2000"),
        near_row(6, "Đinh Văn Sơn", "01/01/1980", sex="Nam"),
    ]
    check = run(world, xlsx([HEADINGS, *rows]), mode="")

    errors = check.report["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(n, "Họ và tên") for n in (2, 3, 4, 5)]
    for error in errors:
        assert f"người #{hoa.pk} của tổ chức bạn" in error["message"]
        assert "Đã kiểm tra: không trùng" in error["message"]
    assert f"#{elsewhere.pk} " not in str(check.report) and "Bích" not in str(check.report)
    assert (check.rows_with_problems, check.created, check.duplicates) == (4, 2, 0)

    # All or nothing writes nothing; the valid rows only leaves the flagged ones out.
    done = run(world, xlsx([HEADINGS, *rows]), mode="valid")
    assert done.created == 2
    names = {person.full_name for person in Person.objects.filter(organisation=organisation)}
    assert names == {"Nguyễn Thị Hoà", "Tran Thi Bich", "Đinh Văn Sơn"}


def test_near_misses_within_the_file_name_the_earlier_row(world):
    rows = [
        near_row(1, "Phạm Thị Thu", "03/04/2001"),
        near_row(2, "Vàng Thị Dợ", "1995"),
        near_row(3, "Pham Thi Thu", "04/03/2001"),
        near_row(4, "Phạm Thị Thư", "03/04/2002"),
    ]
    check = run(world, xlsx([HEADINGS, *rows]), mode="")

    errors = {e["row"]: e for e in check.report["errors"]}
    assert set(errors) == {4, 5}
    assert errors[4]["column"] == "Họ và tên" and "dòng 2" in errors[4]["message"]
    assert "dòng 2" in errors[5]["message"] or "dòng 4" in errors[5]["message"]


def test_a_row_checked_as_someone_else_is_imported(world):
    organisation = world["organisation"]
    register(organisation, "Nguyễn Thị Hoà", D(1998, 5, 12))
    headings = [*HEADINGS, "Không trùng"]
    rows = [
        [*near_row(1, "Nguyen Thi Hao", "12/05/1999"), "Có"],
        [*near_row(2, "Nguyen Thi Hoa", "05/12/1998"), ""],
    ]
    batch = run(world, xlsx([headings, *rows]), mode="valid")

    assert batch.status == ImportBatch.Status.COMMITTED
    assert (batch.created, batch.rows_with_problems) == (1, 1)
    assert batch.report["errors"][0]["row"] == 3
    names = [person.full_name for person in Person.objects.filter(organisation=organisation)]
    assert sorted(names) == ["Nguyen Thi Hao", "Nguyễn Thị Hoà"]


def test_an_exact_duplicate_is_still_left_out_not_flagged(world):
    register(world["organisation"], "Nguyễn Thị Hoà", D(1998, 5, 12))
    check = run(world, xlsx([HEADINGS, near_row(1, "NGUYỄN THỊ HOÀ", "12/05/1998")]), mode="")
    assert (check.duplicates, check.rows_with_problems) == (1, 0)
