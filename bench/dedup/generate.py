"""Fictional Vietnamese person records with known duplicates, for the duplicate benchmark.

    python -m bench.dedup.generate --records 100000 --output bench/results/dedup-100k.csv

writes the records (`record_id,full_name,birth_date,sex,province,commune,phone`, the columns
`manage.py match_persons` reads) and beside them `…-truth.csv` (`record_id,person_id`): which
records are the same person, and `…-perturbations.csv` (`record_id,perturbations`): the changes
below made to each record, `;`-separated (for `analyse.py`'s recall by kind of change). Needs
no database and no Django settings.

Each fictional person gets a name (family names in their real proportions, Nguyễn about four
in ten; a middle name; one of several hundred given names, common ones more often), a sex, a
birth date, a home commune (one of the 10,035 communes before the 2025 reform, and so the
commune of today it became part of) and often a phone. About 45 % of people have more than one
record (2 to 5), as when the shelter and the social work centre each registered them. Every
record of a person is written as a case worker may have written it, each change independently:

- name: diacritics dropped (35 %); the tone mark placed the other way, "hoà"/"hòa" (15 %);
  decomposed Unicode, NFD (10 %); capitals (8 %); Huỳnh/Hoàng or Vũ/Võ swapped (30 % where
  they apply); the family name last (8 %); Thị or Văn left out (10 %); the family name
  abbreviated, "Ng." (3 %); the other middle name left out (5 %); one letter wrong, missing,
  extra or two swapped in one word (8 %);
- birth date: missing (10 %), day and month swapped (5 %), the year alone (7 %), the year one
  off (4 %); written dd/mm/yyyy, yyyy-mm-dd or d/m/yyyy;
- sex: missing (4 %);
- place: the names of before the reform or of today (half each), with or without "Xã",
  "Phường", "Tỉnh"; the commune missing (10 %), the province missing (5 %);
- phone: missing on a record (25 %), in any written form (+84, 0084, 84, spaces, dots,
  dashes, brackets), an old eleven-digit number for a renumbered one (30 % where it applies),
  one digit wrong (2 %).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import time
import unicodedata
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[2] / "donghanh/places/data/places.json.gz"


def _words(text: str) -> list[str]:
    return text.split()


FAMILY_NAMES = (
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 50), ("Huỳnh", 30),
    ("Phan", 45), ("Vũ", 39), ("Võ", 30), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 5), ("Mai", 4), ("Trịnh", 4), ("Lò", 3),
    ("Sùng", 3), ("Giàng", 3), ("Vàng", 2), ("Hà", 3), ("Lương", 3), ("Đoàn", 4), ("Lâm", 3),
    ("Trương", 4), ("Cao", 2), ("Lưu", 2), ("Tạ", 2), ("Tô", 1), ("Chu", 1), ("Quách", 1),
    ("Kiều", 1), ("Thái", 1), ("Vương", 1), ("Lại", 1), ("Triệu", 1), ("Nông", 2), ("Hầu", 1),
    ("Thào", 1), ("Mã", 1), ("Phùng", 1), ("Khổng", 1), ("Đàm", 1), ("Lục", 1), ("Tăng", 1),
)  # fmt: skip
FEMALE_MIDDLE = (
    ("Thị", 60), ("Thị Thu", 6), ("Thị Ngọc", 5), ("Thị Thanh", 5), ("Thị Kim", 4),
    ("Thị Minh", 3), ("Thị Hồng", 3), ("Thị Bích", 2), ("Ngọc", 5), ("Thu", 4), ("Kim", 3),
    ("Thanh", 3), ("Minh", 2), ("Hồng", 2), ("Bảo", 2), ("Diệu", 1), ("Phương", 1), ("Mỹ", 2),
)  # fmt: skip
MALE_MIDDLE = (
    ("Văn", 55), ("Đức", 8), ("Minh", 8), ("Quang", 6), ("Hữu", 6), ("Công", 5), ("Thanh", 4),
    ("Xuân", 4), ("Văn Minh", 2), ("Ngọc", 3), ("Tuấn", 2), ("Trọng", 3), ("Đình", 4),
    ("Quốc", 4), ("Bá", 2), ("Duy", 2), ("Tiến", 2), ("Mạnh", 2),
)  # fmt: skip
FEMALE_GIVEN = _words(
    """
Hoa Lan Hương Mai Linh Trang Hà Hằng Nga Thảo Huyền Ngọc Phương Dung Yến Nhung Loan Vân Anh My
Chi Giang Tâm Thủy Liên Hạnh Oanh Nhi Quyên Diệp Sáu Pà Mỷ Dợ Hòa Hoà Thoa Thơm Thắm Tuyết Xuân
Thu Hiền Hiên Huệ Cúc Đào Lệ Lụa Lý Mơ Mận Na Nương Nhàn Nhạn Nhiên Ngân Nguyệt Phượng Quế
Quỳnh Sen Sương Tâm Thanh Thảo Thêu Thi Thơ Thúy Thùy Thư Tiên Trâm Trinh Tú Uyên Vy Xoan Yên
Ánh Bích Châu Diễm Duyên Gấm Hảo Hậu Hoài Hồng Khánh Khuê Kiều Lam Lành Len Lê Liễu Loan Mến
Miên Minh Mùi Nụ Nữ Phấn Phúc Quyến Tươi Tuyền Tươi Vui Vân Vi Xinh Yên Ly Lan Hạ Ngà Diệu Hạnh
Hiếu Huyên Khuyên Lài Lựu Mẫn Nết Nhài Ninh Phụng Quyên Sa Son Tình Trà Út Vẻ Ý
"""
)
MALE_GIVEN = _words(
    """
Hùng Dũng Nam Tuấn Hải Long Minh Sơn Thắng Toàn Phúc Quân Khoa Bình Cường Đạt Huy Lâm Tài Vinh
Páo Chứ Dính An Bảo Cảnh Chiến Công Cương Danh Đăng Điệp Định Đông Đức Giang Hà Hạnh Hậu Hiếu
Hiệp Hòa Hoàn Học Hợp Hưng Khải Khang Khánh Kiên Kiệt Lợi Lộc Luân Lực Mạnh Nghĩa Ngọc Nguyên
Nhân Nhật Phong Phú Phương Quang Quý Quyết Sang Sáng Tâm Tân Thái Thành Thanh Thiện Thịnh Thọ
Thông Tiến Tín Toản Trí Triều Trọng Trung Trường Tú Tùng Tường Văn Việt Vũ Xuân Yên Ánh Bách
Chung Đại Đoàn Đồng Dương Hào Hiển Hoan Hoàng Khôi Kỳ Lành Linh Luận Mười Nhẫn Phát Quốc Sinh
Sỹ Thạch Thiên Thuận Tịnh Trãi Tuệ Uy Vĩnh Vượng Chính Di Dự Hách Lĩnh
"""
)
PROVINCE_PREFIX = {"city": "Thành phố ", "province": "Tỉnh "}
MOBILE_PREFIXES = _words(
    "090 091 093 094 096 097 098 086 088 089 070 079 077 076 078 083 084 085 081 082 "
    "032 033 034 035 036 037 038 039 056 058 059"
)
# Today's prefix → the eleven-digit one it replaced in 2018.
RENUMBERED = {
    "070": "0120", "079": "0121", "077": "0122", "076": "0126", "078": "0128", "083": "0123",
    "084": "0124", "085": "0125", "081": "0127", "082": "0129", "032": "0162", "033": "0163",
    "034": "0164", "035": "0165", "036": "0166", "037": "0167", "038": "0168", "039": "0169",
    "056": "0186", "058": "0188", "059": "0199",
}  # fmt: skip
RECORDS_PER_PERSON = ((1, 55), (2, 27), (3, 11), (4, 5), (5, 2))
LETTERS = "abcdeghiklmnopqrstuvxy"
# Tone marks placed the other way in the syllables where the old and new rules differ.
OLD_TONE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uý": "úy", "uỳ": "ùy"}


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


class Places:
    def __init__(self) -> None:
        with gzip.open(DATA_FILE, "rt", encoding="utf-8") as file:
            data = json.load(file)
        self.province = {row[0]: row for row in data["provinces"]}
        self.commune = {row[0]: row for row in data["communes"]}
        self.legacy_province = {row[0]: row for row in data["legacy_provinces"]}
        self.district = {row[0]: row for row in data["legacy_districts"]}
        self.legacy = [row for row in data["legacy_communes"] if row[3]]

    def home(self, rng: random.Random) -> tuple[tuple[str, str], tuple[str, str]]:
        """(old province, old commune), (today's province, today's commune): names."""
        _code, name, district, current, _others = rng.choice(self.legacy)
        old_province = self.legacy_province[self.district[district][2]]
        today = self.commune[current]
        return (old_province[1], name), (self.province[today[3]][1], today[1])


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept.replace("đ", "d").replace("Đ", "D"))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + rng.choice(LETTERS) + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + rng.choice(LETTERS) + word[i:]
    if i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:-1]


# The changes made to the record being written (for `…-perturbations.csv`): noted only, they
# draw nothing from the random generator, so the records are the same with or without them.
APPLIED: list[str] = []


def write_name(rng: random.Random, family: str, middle: str, given: str) -> str:
    if family in ("Hoàng", "Huỳnh", "Vũ", "Võ") and rng.random() < 0.3:
        family = {"Hoàng": "Huỳnh", "Huỳnh": "Hoàng", "Vũ": "Võ", "Võ": "Vũ"}[family]
        APPLIED.append("huynh-hoang-vu-vo")
    middles = middle.split()
    if middles and middles[0] in ("Thị", "Văn") and rng.random() < 0.10:
        middles = middles[1:]
        APPLIED.append("thi-van-dropped")
    other = [m for m in middles if m not in ("Thị", "Văn")]
    if other and rng.random() < 0.05:
        middles = [m for m in middles if m in ("Thị", "Văn")]
        APPLIED.append("middle-dropped")
    if rng.random() < 0.03:
        family = _strip_diacritics(family)[:2] + "."
        APPLIED.append("family-abbreviated")
    words = [family, *middles, given]
    if rng.random() < 0.08:
        at = rng.randrange(len(words))
        words[at] = _typo(rng, words[at])
        APPLIED.append("name-typo")
    if rng.random() < 0.08:
        words = [*words[1:], words[0]]
        APPLIED.append("family-last")
    name = " ".join(words)
    if rng.random() < 0.15:
        for new, old in OLD_TONE.items():
            name = name.replace(new, old)
    roll = rng.random()
    if roll < 0.35:
        name = _strip_diacritics(name)
        APPLIED.append("no-diacritics")
    elif roll < 0.45:
        name = unicodedata.normalize("NFD", name)
    if rng.random() < 0.08:
        name = name.upper()
    return name


def write_date(rng: random.Random, date: tuple[int, int, int]) -> str:
    year, month, day = date
    roll = rng.random()
    if roll < 0.10:
        APPLIED.append("date-missing")
        return ""
    if roll < 0.17:
        APPLIED.append("year-only")
        return str(year)
    if roll < 0.22 and day <= 12 and day != month:
        day, month = month, day
        APPLIED.append("day-month-swapped")
    elif roll < 0.26:
        year += rng.choice((-1, 1))
        APPLIED.append("year-off-by-one")
    style = rng.random()
    if style < 0.6:
        return f"{day:02d}/{month:02d}/{year}"
    if style < 0.85:
        return f"{year}-{month:02d}-{day:02d}"
    return f"{day}/{month}/{year}"


def _drop_prefix(rng: random.Random, name: str) -> str:
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Thị trấn ", "Đặc khu "):
        if name.startswith(prefix) and rng.random() < 0.5:
            return name[len(prefix) :]
    return name


def write_place(rng: random.Random, old: tuple[str, str], new: tuple[str, str]) -> tuple[str, str]:
    use_old = rng.random() < 0.5
    province, commune = old if use_old else new
    if use_old:
        APPLIED.append("old-place-names")
    province, commune = _drop_prefix(rng, province), _drop_prefix(rng, commune)
    if rng.random() < 0.3:
        province, commune = _strip_diacritics(province), _strip_diacritics(commune)
    if rng.random() < 0.10:
        commune = ""
        APPLIED.append("commune-missing")
    if rng.random() < 0.05:
        province = ""
        APPLIED.append("province-missing")
    return province, commune


def write_phone(rng: random.Random, phone: str) -> str:
    if not phone or rng.random() < 0.25:
        APPLIED.append("phone-missing")
        return ""
    if phone[:3] in RENUMBERED and rng.random() < 0.3:
        phone = RENUMBERED[phone[:3]] + phone[3:]
        APPLIED.append("phone-old-number")
    if rng.random() < 0.02:
        APPLIED.append("phone-digit-wrong")
        i = rng.randrange(3, len(phone))
        phone = phone[:i] + str((int(phone[i]) + rng.randrange(1, 10)) % 10) + phone[i + 1 :]
    national = phone[1:]
    style = rng.randrange(7)
    if style == 0:
        return phone
    if style == 1:
        return f"+84 {national[:3]} {national[3:6]} {national[6:]}"
    if style == 2:
        return f"0084{national}"
    if style == 3:
        return f"{phone[:4]}.{phone[4:7]}.{phone[7:]}"
    if style == 4:
        return f"{phone[:4]}-{phone[4:7]}-{phone[7:]}"
    if style == 5:
        return f"(+84) {national}"
    return f"84{national}"


def generate(records: int, seed: int, output: Path) -> tuple[int, int]:
    rng = random.Random(seed)
    places = Places()
    truth_path = output.with_name(output.stem + "-truth.csv")
    applied_path = output.with_name(output.stem + "-perturbations.csv")
    written = people = 0
    sizes = tuple((k, w) for k, w in RECORDS_PER_PERSON)
    with (
        output.open("w", newline="", encoding="utf-8") as out,
        truth_path.open("w", newline="", encoding="utf-8") as truth_out,
        applied_path.open("w", newline="", encoding="utf-8") as applied_out,
    ):
        rows = csv.writer(out)
        truth = csv.writer(truth_out)
        applied = csv.writer(applied_out)
        applied.writerow(["record_id", "perturbations"])
        rows.writerow(
            ["record_id", "full_name", "birth_date", "sex", "province", "commune", "phone"]
        )
        truth.writerow(["record_id", "person_id"])
        pending: list[tuple[list[str], int, str]] = []
        while written < records:
            people += 1
            female = rng.random() < 0.62
            family = _weighted(rng, FAMILY_NAMES)
            middle = _weighted(rng, FEMALE_MIDDLE if female else MALE_MIDDLE)
            given = _zipf_choice(rng, FEMALE_GIVEN if female else MALE_GIVEN)
            year = int(rng.triangular(1960, 2016, 2000))
            date = (year, rng.randint(1, 12), rng.randint(1, 28))
            old, new = places.home(rng)
            phone = ""
            if rng.random() < 0.7:
                phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
            count = min(
                rng.choices([k for k, _ in sizes], [w for _, w in sizes])[0], records - written
            )
            for _ in range(count):
                written += 1
                APPLIED.clear()
                province, commune = write_place(rng, old, new)
                sex = "Nữ" if female else "Nam"
                if rng.random() < 0.04:
                    sex = ""
                    APPLIED.append("sex-missing")
                elif rng.random() < 0.3:
                    sex = "F" if female else "M"
                row = [
                    "",
                    write_name(rng, family, middle, given),
                    write_date(rng, date),
                    sex,
                    province,
                    commune,
                    write_phone(rng, phone),
                ]
                pending.append((row, people, ";".join(APPLIED)))
                APPLIED.clear()
            if len(pending) >= 50_000 or written >= records:
                _flush(rng, pending, rows, truth, applied, written - len(pending))
                pending = []
    return written, people


def _flush(rng: random.Random, pending, rows, truth, applied, start: int) -> None:
    # Records of one person are not next to each other in a real registry.
    rng.shuffle(pending)
    for offset, (row, person, changes) in enumerate(pending):
        record_id = f"r{start + offset + 1:07d}"
        row[0] = record_id
        rows.writerow(row)
        truth.writerow([record_id, f"p{person:07d}"])
        applied.writerow([record_id, changes])


_ZIPF_CACHE: dict[int, list[float]] = {}


def _zipf_choice(rng: random.Random, names: list[str]) -> str:
    weights = _ZIPF_CACHE.setdefault(len(names), [1 / (k + 3) ** 0.9 for k in range(len(names))])
    return rng.choices(names, weights)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written, people = generate(args.records, args.seed, args.output)
    print(
        f"{written} records of {people} people in {time.perf_counter() - started:.1f} s: "
        f"{args.output} and {args.output.stem}-truth.csv"
    )


if __name__ == "__main__":
    main()
