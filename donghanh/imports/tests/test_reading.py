"""Reading files: Excel workbooks and CSV in the encodings Vietnamese computers write."""

from __future__ import annotations

import codecs
import datetime
import unicodedata

import pytest

from donghanh.imports.reading import CSV, XLSX, Formula, open_sheet
from donghanh.imports.tests.helpers import csv_bytes, xlsx

ROWS = [["Họ và tên", "Ngày sinh"], ["Nguyễn Thị Hoa", "05/03/1990"], ["Trần Văn Đức", "1/2/85"]]


def score(cells):
    return sum(1 for cell in cells if cell in ("Họ và tên", "Ngày sinh"))


def read(data):
    sheet = open_sheet(data, header_score=score)
    try:
        return sheet, list(sheet.rows)
    finally:
        sheet.close()


def windows_1258(text: str) -> bytes:
    """`text` as Windows-1258 writes it: "ễ" is "ê" followed by a combining tilde."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        for keep in (len(decomposed), 2, 1):
            head = unicodedata.normalize("NFC", decomposed[:keep])
            try:
                head.encode("cp1258")
            except UnicodeEncodeError:
                continue
            if len(head) == 1:
                out.append(head + decomposed[keep:])
                break
    return "".join(out).encode("cp1258")


def test_a_workbook():
    sheet, rows = read(xlsx([*ROWS, [None, None], ["Lê Thị Mai", datetime.date(1990, 3, 5)]]))
    assert sheet.format == XLSX
    assert sheet.headers == ["Họ và tên", "Ngày sinh"]
    assert rows == [
        (2, ["Nguyễn Thị Hoa", "05/03/1990"]),
        (3, ["Trần Văn Đức", "1/2/85"]),
        (5, ["Lê Thị Mai", datetime.datetime(1990, 3, 5)]),  # the blank row 4 is passed over
    ]


def test_a_formula_comes_as_a_formula():
    _sheet, rows = read(xlsx([ROWS[0], ['=UPPER("a")', "=TODAY()"]]))
    assert rows == [(2, [Formula('=UPPER("a")'), Formula("=TODAY()")])]


def test_headings_under_a_title_are_found():
    data = xlsx(
        [
            ["DANH SÁCH HỌC VIÊN"],
            [],
            ["STT", "Họ và tên", "Ngày sinh"],
            [1, "Nguyễn Thị Hoa", "1/1/90"],
        ]
    )
    sheet, rows = read(data)
    assert (sheet.header_row, sheet.rows_above) == (3, 1)
    assert sheet.headers == ["STT", "Họ và tên", "Ngày sinh"]
    assert rows == [(4, [1, "Nguyễn Thị Hoa", "1/1/90"])]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-8"),
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # Excel's "Unicode text", with its byte-order mark
        # Windows-1258 writes the tone marks apart from their letters.
        lambda text: windows_1258(text),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16", "windows-1258"],
)
def test_csv_in_every_encoding_vietnamese_excel_writes(encode):
    text = "\r\n".join(",".join(row) for row in ROWS) + "\r\n"
    sheet, rows = read(encode(text))
    assert sheet.format == CSV
    assert sheet.headers == ["Họ và tên", "Ngày sinh"]
    assert rows[1] == (3, ["Trần Văn Đức", "1/2/85"])
    assert unicodedata.is_normalized("NFC", rows[0][1][0])


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_separators(delimiter):
    sheet, rows = read(csv_bytes([*ROWS, ["Lê Văn A", "1.500.000"]], delimiter=delimiter))
    assert sheet.headers == ["Họ và tên", "Ngày sinh"]
    assert rows[-1] == (4, ["Lê Văn A", "1.500.000"])


def test_csv_quoted_cells_keep_their_commas_and_lines():
    data = 'Họ và tên,Ngày sinh\r\n"Nguyễn, Thị Hoa","1/2/85"\r\n"Dòng\nhai",x\r\n'.encode()
    _sheet, rows = read(data)
    assert rows == [(2, ["Nguyễn, Thị Hoa", "1/2/85"]), (3, ["Dòng\nhai", "x"])]


def test_short_rows_are_padded_to_the_headings():
    _sheet, rows = read(csv_bytes([ROWS[0], ["Nguyễn Thị Hoa"]]))
    assert rows == [(2, ["Nguyễn Thị Hoa", None])]
