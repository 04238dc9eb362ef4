"""Fictional records for the duplicates review demo: a few people of Ngôi nhà Bình yên
registered twice, as happens (a name typed without its diacritics, a day and month swapped, a
middle name left out), so that the review queue is not empty. Fictional people only: the
first three echo demo cases of case_data.py, the last pair is new."""

from __future__ import annotations

from dataclasses import dataclass

from donghanh.demo.case_data import BINH_YEN_WORKER, PEACE_HOUSE


@dataclass(frozen=True)
class DemoDuplicateSpec:
    full_name: str
    sex: str
    born: str  # ISO date
    phone: str = ""
    ethnicity: str = "kinh"


ORGANISATION = PEACE_HOUSE
REGISTERED_BY = BINH_YEN_WORKER
SCANNED_BY = "supervisor.binhyen"

RECORDS: tuple[DemoDuplicateSpec, ...] = (
    # "Lò Thị Mai Hương", born 14/03/2001: the year typed one off, the last name unaccented.
    DemoDuplicateSpec("Lò Thị Mai Huong", "female", "2000-03-14", ethnicity="thai"),
    # "Vàng Thị Dua", born 02/07/2009: the day and month swapped.
    DemoDuplicateSpec("Vàng Thị Dua", "female", "2009-02-07", ethnicity="hmong"),
    # "Nguyễn Thị Thanh Xuân", born 23/11/1998: the middle name left out.
    DemoDuplicateSpec("Nguyễn Thanh Xuân", "female", "1998-11-23"),
    # A new person registered twice, by her phone, the second time with day and month swapped.
    DemoDuplicateSpec("Hà Thị Thu", "female", "1995-06-10", phone="0987 654 321"),
    DemoDuplicateSpec("Ha Thi Thu", "female", "1995-10-06", phone="0987 654 321"),
)
