"""`manage.py match_persons`: a CSV in, record_id,cluster_id out, no database."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = "record_id,full_name,birth_date,sex,province,commune,phone\n"


def run(tmp_path: Path, text: str, *extra: str) -> dict[str, str]:
    source = tmp_path / "in.csv"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "out.csv"
    call_command("match_persons", "--input", str(source), "--output", str(output), *extra)
    with output.open(encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["record_id", "cluster_id"]
    return dict(rows[1:])


def test_the_issue_s_example_is_one_person_and_a_stranger_another(tmp_path):
    # No database: pytest-django refuses any query in a test not marked for one.
    clusters = run(
        tmp_path,
        HEADER
        + "a1,Nguyễn Thị Hoà,03/04/1998,Nữ,Quảng Bình,Xã Quảng Phú,0912 345 678\n"
        + "a2,Nguyen Thi Hoa,04/03/1998,F,Quảng Trị,,+84912345678\n"
        + "b1,Trần Văn Nam,1990,Nam,Hà Nội,,\n",
    )
    assert list(clusters) == ["a1", "a2", "b1"]
    assert clusters["a1"] == clusters["a2"] != clusters["b1"]


def test_dates_in_every_accepted_form_and_missing_columns(tmp_path):
    clusters = run(
        tmp_path,
        "record_id,full_name,birth_date,phone\n"
        "1,Lê Thị Mai,1998-04-03,0912345678\n"
        "2,Le Thi Mai,03/04/1998,0084 912 345 678\n"
        "3,Lê Thị Mai,,\n"
        "4,,,\n",
    )
    assert clusters["1"] == clusters["2"]
    assert len(clusters) == 4


def test_utf8_with_byte_order_mark_as_spreadsheets_save_it(tmp_path):
    clusters = run(tmp_path, "\ufeff" + HEADER + "x,Phạm Văn Long,1990,Nam,,,\n")
    assert clusters == {"x": "1"}


@pytest.mark.parametrize(
    "text",
    [
        "full_name\nNguyễn Thị Hoa\n",
        "record_id,name\n1,Hoa\n",
        HEADER + ",Nguyễn Thị Hoa,,,,,\n",
        HEADER + "1,Hoa,,,,,\n1,Lan,,,,,\n",
    ],
)
def test_a_file_it_cannot_read_is_refused(tmp_path, text):
    with pytest.raises(CommandError):
        run(tmp_path, text)


def test_threshold_must_be_a_probability(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path, HEADER, "--threshold", "2")
