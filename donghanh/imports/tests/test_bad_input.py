"""Files that must not be imported: each gets a clear message in Vietnamese and writes nothing.

A refusal comes either at once, when the file is uploaded (what can be seen without reading the
whole file), or from the check in the background (what needs the whole file: every row's width
and cells, the heading row's merged cells in a large sheet, the rows under the headings).
"""

from __future__ import annotations

import codecs
import io
import struct
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.imports import services
from donghanh.imports.models import ImportBatch, ImportedRecord
from donghanh.imports.tests.helpers import csv_bytes, xlsx
from donghanh.organisations.models import Team
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory

GOOD: list[list[Any]] = [["Tên nhóm", "Ngân sách"], ["Nhóm Nghi Xuân", "1.500.000"]]


@pytest.fixture
def importer():
    return MembershipFactory(role=Role.SUPERVISOR)


def attempt(kind: Any, importer: Any, data: bytes, name: str = "tep.xlsx") -> tuple[str, str]:
    """Upload, then check: (where it was refused, the message); asserts nothing was written."""
    actor = Actor.for_user(importer.user, organisation=importer.organisation)
    try:
        batch = services.batch_upload(actor=actor, kind=kind, file_name=name, data=data)
    except ValidationError as error:
        assert not ImportBatch.objects.exists()
        where, message = "upload", " ".join(error.messages)
    else:
        mapping = batch.mapping or {"0": "name"}
        services.batch_check_start(actor=actor, batch=batch, mapping=mapping, expected_version=1)
        run_queued_jobs()
        batch.refresh_from_db()
        assert batch.status == ImportBatch.Status.REFUSED, batch.report
        assert AuditEntry.objects.filter(event="import.refused", target_id=str(batch.pk)).exists()
        with pytest.raises(ValidationError):
            services.batch_commit_start(actor=actor, batch=batch, mode="valid")
        where, message = "check", batch.report["refused"]["message"]
    assert not Team.objects.exists()
    assert not ImportedRecord.objects.exists()
    return where, message


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _workbook_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx(GOOD))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- broken, protected, old, not a spreadsheet ----------------------------------------------


def test_a_broken_workbook(teams_kind, importer):
    data = xlsx(GOOD)
    where, message = attempt(teams_kind, importer, data[: len(data) // 2])
    assert where == "upload"
    assert message.startswith("Không đọc được tệp: tệp bị hỏng hoặc không phải là bảng tính.")


def test_a_workbook_whose_sheet_is_damaged(teams_kind, importer):
    parts = _workbook_parts()
    parts["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>9"
    _where, message = attempt(teams_kind, importer, _zip(parts))
    assert message.startswith("Không đọc được tệp")


def test_a_password_protected_workbook(teams_kind, importer):
    # Excel saves a workbook with a password as an OLE compound file holding two streams,
    # EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO): no zip, no XML, nothing readable.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HH", 0x3E, 3)
    directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 36
    directory += "EncryptedPackage".encode("utf-16-le") + b"\x00" * 32
    data = header.ljust(512, b"\x00") + directory.ljust(512, b"\x00") + b"\x17" * 4096
    where, message = attempt(teams_kind, importer, data)
    assert where == "upload"
    assert message.startswith("Tệp Excel được đặt mật khẩu nên không đọc được.")
    assert "bỏ mật khẩu" in message


def test_an_old_xls_workbook(teams_kind, importer):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + b"\x00" * 2000
    _where, message = attempt(teams_kind, importer, data, "cu.xls")
    assert message.startswith("Đây là tệp Excel kiểu cũ (.xls).")


def test_a_word_document_is_not_a_workbook(teams_kind, importer):
    _where, message = attempt(teams_kind, importer, _zip({"word/document.xml": b"<w/>"}), "a.docx")
    assert message.startswith("Tệp này không phải là sổ làm việc Excel.")


def test_a_picture_is_not_a_spreadsheet(teams_kind, importer):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    where, message = attempt(teams_kind, importer, png, "anh.xlsx")
    assert (where, message[:16]) == ("upload", "Không đọc được t")


# --- zip bombs ---------------------------------------------------------------------------------


def test_a_zip_bomb(teams_kind, importer):
    """A 400 KB workbook whose one part unpacks to 400 MB."""
    parts = _workbook_parts()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as bomb:
            zeros = b"\x00" * (1024 * 1024)
            for _ in range(400):
                bomb.write(zeros)
    data = out.getvalue()
    assert len(data) < 1024 * 1024

    where, message = attempt(teams_kind, importer, data)
    assert where == "upload"
    assert message.startswith("Khi giải nén, tệp Excel này chứa lượng dữ liệu lớn bất thường")


def test_a_part_that_unpacks_beyond_its_declared_size(teams_kind, importer):
    """A zip's sizes are checked before anything is unpacked; a part that claims to be small and
    unpacks to more fails its checksum, and the file is refused as damaged."""
    rows = [GOOD[0], *[[f"Nhóm {n}", n] for n in range(2000)]]
    data = bytearray(xlsx(rows))
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(name.decode())
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, 1000)  # the local header's unpacked size
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, 1000)  # the central directory's
    _where, message = attempt(teams_kind, importer, bytes(data))
    assert message.startswith("Không đọc được tệp")


def test_a_zip_of_thousands_of_parts(teams_kind, importer):
    parts = _workbook_parts()
    parts.update({f"xl/junk/{n}.xml": b"" for n in range(2100)})
    _where, message = attempt(teams_kind, importer, _zip(parts))
    assert message.startswith("Khi giải nén")


# --- sizes -------------------------------------------------------------------------------------


def test_ten_thousand_columns(teams_kind, importer):
    heading = ["Tên nhóm", *[f"Cột {n}" for n in range(2, 10_001)]]
    _where, message = attempt(teams_kind, importer, xlsx([heading, ["Nhóm A"]]))
    assert message == (
        "Dòng 1 dùng 10.000 cột; một trang tính được có tối đa 100 cột. Hãy xoá các cột không "
        "cần thiết và tải tệp lên lần nữa."
    )


def test_ten_thousand_columns_in_a_data_row(teams_kind, importer):
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(GOOD[0])
    sheet.append(GOOD[1])
    for row in range(3, 15):
        sheet.cell(row=row, column=1, value=f"Nhóm {row}")
    # Past the rows read at upload: only the check, reading every row, meets it.
    sheet.cell(row=15, column=1, value="Nhóm B")
    sheet.cell(row=15, column=10_000, value="x")
    out = io.BytesIO()
    workbook.save(out)
    where, message = attempt(teams_kind, importer, out.getvalue())
    assert where == "check"
    assert message.startswith("Dòng 15 dùng 10.000 cột")


def test_a_cell_of_one_megabyte_in_a_workbook(teams_kind, importer):
    # Excel (and openpyxl) never write a cell over 32,767 characters: the file is made by hand.
    rows = [*GOOD, ["Nhóm B", "CELL-TO-GROW"]]
    with zipfile.ZipFile(io.BytesIO(xlsx(rows))) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name in parts:
        parts[name] = parts[name].replace(b"CELL-TO-GROW", b"x" * 1_000_000)
    _where, message = attempt(teams_kind, importer, _zip(parts))
    assert message.startswith("Ô B3 chứa 1.000.000 ký tự; một ô chỉ được chứa tối đa 32.767 ký tự.")


def test_a_cell_of_one_megabyte_in_a_csv(teams_kind, importer):
    data = csv_bytes([*GOOD, ["Nhóm B", "x" * 1_000_000]])
    _where, message = attempt(teams_kind, importer, data, "a.csv")
    assert message.startswith("Một ô ở dòng 3 chứa hơn 32.767 ký tự")


def test_a_cell_just_over_excels_limit_in_a_csv(teams_kind, importer):
    data = csv_bytes([*GOOD, ["Nhóm B", "x" * 40_000]])
    _where, message = attempt(teams_kind, importer, data, "a.csv")
    assert message.startswith("Ô B3 chứa 40.000 ký tự")


def test_more_rows_than_allowed(teams_kind, importer, settings):
    settings.IMPORTS_MAX_ROWS = 100
    rows = [GOOD[0], *[[f"Nhóm {n}", "1"] for n in range(101)]]
    _where, message = attempt(teams_kind, importer, xlsx(rows))
    assert message.startswith("Tệp có hơn 100 dòng.")


def test_a_file_over_the_size_limit(teams_kind, importer, settings):
    settings.IMPORTS_MAX_UPLOAD_MB = 1
    data = csv_bytes([GOOD[0], *[["Nhóm", "1"] for _ in range(200_000)]])
    where, message = attempt(teams_kind, importer, data, "lon.csv")
    assert where == "upload"
    assert message.startswith("Tệp có dung lượng 1,7\xa0MB; mỗi tệp được tối đa 1,0\xa0MB."), (
        message
    )


# --- encodings -----------------------------------------------------------------------------


def test_mixed_encodings(teams_kind, importer):
    first = "Tên nhóm,Ngân sách\r\nNhóm Nghi Xuân,1\r\n".encode()
    # Rows pasted in from a file saved by an older Windows program: "Nhóm Can Lộc" in
    # Windows-1258, its tone marks apart from their letters.
    pasted = "Nho\u0301m Can Lô\u0323c,2\r\n".encode("cp1258")
    where, message = attempt(teams_kind, importer, first + pasted, "a.csv")
    assert where == "upload"
    assert message.startswith("Tệp trộn lẫn hai bảng mã ký tự")


def test_utf8_with_a_byte_order_mark_then_something_else(teams_kind, importer):
    data = codecs.BOM_UTF8 + "Tên nhóm\r\n".encode() + "Nho\u0301m\r\n".encode("cp1258")
    _where, message = attempt(teams_kind, importer, data, "a.csv")
    assert message.startswith("Tệp trộn lẫn hai bảng mã ký tự")


# --- empty -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", codecs.BOM_UTF8, b" \r\n\r\n", codecs.BOM_UTF16_LE + "\r\n".encode("utf-16-le")],
    ids=["nothing", "a byte-order mark", "blank lines", "utf-16 blank"],
)
def test_an_empty_file(teams_kind, importer, data):
    where, message = attempt(teams_kind, importer, data, "trong.csv")
    assert (where, message) == ("upload", "Tệp trống: không có dòng nào để nhập.")


def test_an_empty_workbook(teams_kind, importer):
    where, message = attempt(teams_kind, importer, xlsx([]))
    assert (where, message) == ("upload", "Tệp trống: không có dòng nào để nhập.")


def test_headings_without_rows(teams_kind, importer):
    where, message = attempt(teams_kind, importer, xlsx([GOOD[0], [], [None, None]]))
    assert (where, message) == (
        "check",
        "Tệp có tiêu đề cột nhưng không có dòng dữ liệu nào bên dưới.",
    )


# --- merged headings -------------------------------------------------------------------------


def _merged(rows: list[list[Any]], *ranges: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    for cells in ranges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_merged_heading_cells(teams_kind, importer):
    data = _merged([["Tên nhóm", None, "Ngân sách"], ["Nhóm A", "", "1"]], "A1:B1")
    where, message = attempt(teams_kind, importer, data)
    assert where == "upload"
    assert message.startswith("Các ô tiêu đề cột A1:B1 đang được gộp.")


def test_headings_on_two_rows_with_merged_cells(teams_kind, importer):
    rows: list[list[Any]] = [
        ["Tên nhóm", "Kinh phí", None],
        [None, "Ngân sách", "Đã chi"],
        ["Nhóm A", "1", "0"],
    ]
    data = _merged(rows, "A1:A2", "B1:C1")
    _where, message = attempt(teams_kind, importer, data)
    assert "A1:A2" in message and "B1:C1" in message


def test_a_merged_title_above_the_headings_is_fine(teams_kind, importer):
    rows: list[list[Any]] = [["DANH SÁCH CÁC NHÓM", None], GOOD[0], GOOD[1]]
    actor = Actor.for_user(importer.user, organisation=importer.organisation)
    batch = services.batch_upload(
        actor=actor, kind=teams_kind, file_name="a.xlsx", data=_merged(rows, "A1:B1")
    )
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    batch.refresh_from_db()
    assert (batch.status, batch.header_row, batch.created) == ("checked", 2, 1)


def test_merged_headings_in_a_large_sheet_are_found_by_the_check(teams_kind, importer, monkeypatch):
    from donghanh.imports import reading

    monkeypatch.setattr(reading, "QUICK_MERGE_SCAN_BYTES", 10)
    data = _merged([["Tên nhóm", None, "Ngân sách"], ["Nhóm A", "", "1"]], "A1:B1")
    where, message = attempt(teams_kind, importer, data)
    assert where == "check"
    assert message.startswith("Các ô tiêu đề cột A1:B1 đang được gộp.")


# --- formulas --------------------------------------------------------------------------------


def test_a_formula_in_a_cell_is_a_problem_of_that_cell_and_nothing_is_written(teams_kind, importer):
    actor = Actor.for_user(importer.user, organisation=importer.organisation)
    rows = [*GOOD, ['=HYPERLINK("http://example.com","Nhóm B")', "=1+1"]]
    batch = services.batch_upload(actor=actor, kind=teams_kind, file_name="a.xlsx", data=xlsx(rows))
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    batch.refresh_from_db()

    errors = batch.report["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(3, "Tên nhóm"), (3, "Ngân sách")]
    assert all(e["message"].startswith("Ô này chứa công thức.") for e in errors)
    with pytest.raises(ValidationError):
        services.batch_commit_start(actor=actor, batch=batch, mode="all")
    assert not Team.objects.exists()


def test_a_csv_value_that_starts_like_a_formula_is_a_problem(teams_kind, importer):
    actor = Actor.for_user(importer.user, organisation=importer.organisation)
    data = csv_bytes([*GOOD, ["=cmd|' /C calc'!A0", "1"]])
    batch = services.batch_upload(actor=actor, kind=teams_kind, file_name="a.csv", data=data)
    services.batch_check_start(actor=actor, batch=batch, mapping=batch.mapping, expected_version=1)
    run_queued_jobs()
    batch.refresh_from_db()
    assert batch.report["errors"][0]["message"].startswith("Ô này chứa công thức.")
