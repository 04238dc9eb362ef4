"""The people import's duplicate check a chunk of rows at a time (`FileMatcher.match_rows`)
gives the answers the row-by-row check gave: `RowByRow` below is that check, kept here as the
reference (the registration matcher's `likely` on each row's candidates)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from donghanh.core.actor import Actor
from donghanh.core.text import FUZZY_MIN_LENGTH, Vocabulary
from donghanh.people.indexes import name_words
from donghanh.people.models import Person
from donghanh.people.registry import (
    DuplicateMatcher,
    FileRow,
    LikelyMatch,
    NewRecord,
    duplicate_matcher,
)
from donghanh.people.services import person_register
from donghanh.places.models import Commune
from donghanh.testing import factories

pytestmark = pytest.mark.django_db

D = datetime.date
OrganisationFactory: Any = factories.OrganisationFactory


# --- the reference: one row at a time ---------------------------------------------------------


@dataclass
class _Pool:
    records: list[tuple[Any, Person]] = field(default_factory=list)
    by_word: dict[str, list[int]] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    limit: int = 200

    def add(self, key: Any, person: Person, words: Iterable[str]) -> None:
        position = len(self.records)
        self.records.append((key, person))
        for word in words:
            self.by_word.setdefault(word, []).append(position)
            self.vocabulary.add(word)

    def candidates(self, word: str) -> list[tuple[Any, Person]]:
        near = {word}
        if len(word) >= FUZZY_MIN_LENGTH:
            near |= self.vocabulary.near(word)
        positions = sorted({p for w in near for p in self.by_word.get(w, ())}, reverse=True)
        return [self.records[p] for p in positions[: self.limit]]


class RowByRow:
    """The import's duplicate check as it was: each row's candidates weighed by `likely`."""

    def __init__(self, matcher: DuplicateMatcher, organisation: Any, *, limit: int) -> None:
        self.matcher = matcher
        self.people = _Pool(limit=limit)
        self.rows = _Pool(limit=limit)
        people = Person.objects.filter(organisation=organisation).select_related("current_commune")
        for person in people.order_by("pk"):
            self.people.add(person.pk, person, name_words(person.full_name, person.other_names))

    def _likely(self, pool: _Pool, record: NewRecord, skip: Any) -> Any:
        found: list[tuple[Any, Person]] = []
        for word in self.matcher.lookup_words(record):
            found += [candidate for candidate in pool.candidates(word) if not skip(candidate[0])]
        if not found:
            return None
        by_person = {id(person): key for key, person in found}
        likely = self.matcher.likely(record, [person for _key, person in found])
        return by_person[id(likely[0])] if likely else None

    def check(self, row: FileRow, today: datetime.date) -> tuple[str, int] | None:
        record, found = row.record, None
        if row.look:
            same = self._likely(self.people, record, lambda _pk: False)
            if same is not None:
                found = ("person", same)
            else:
                earlier = self._likely(self.rows, record, lambda key: bool(row.keys & key[1]))
                found = None if earlier is None else ("row", earlier[0])
        commune = Commune.objects.get(pk=record.commune_code) if record.commune_code else None
        stand_in = Person(
            full_name=record.full_name,
            date_of_birth=record.date_of_birth,
            estimated_age=today.year - record.birth_year if record.birth_year else None,
            age_estimated_on=today,
            sex=record.sex,
            phone=record.phone,
            current_commune=commune,
        )
        self.rows.add((row.number, row.keys), stand_in, name_words(record.full_name))
        return found


def _answers(found: dict[int, LikelyMatch]) -> dict[int, tuple[str, int]]:
    return {
        number: ("person", match.person_id) if match.person_id is not None else ("row", match.row)  # type: ignore[misc]
        for number, match in found.items()
    }


def compare_both(
    organisation: Any, rows: list[FileRow], *, chunk: int, limit: int = 200
) -> dict[int, tuple[str, int]]:
    matcher = duplicate_matcher()
    assert matcher is not None
    today = datetime.date.today()
    reference = RowByRow(matcher, organisation, limit=limit)
    expected = {}
    for row in rows:
        found = reference.check(row, today)
        if found is not None:
            expected[row.number] = found
    batch = matcher.for_file(organisation_id=organisation.pk)
    found_now: dict[int, LikelyMatch] = {}
    for start in range(0, len(rows), chunk):
        found_now |= batch.match_rows(rows[start : start + chunk])
    assert _answers(found_now) == expected
    return expected


def register(organisation: Any, name: str, born: datetime.date | None, **more: Any) -> Person:
    return person_register(
        actor=Actor.system("tests"),
        organisation=organisation,
        full_name=name,
        sex=more.pop("sex", "female"),
        date_of_birth=born,
        **more,
    )


def file_row(
    number: int,
    name: str,
    born: datetime.date | int | None,
    *,
    look: bool = True,
    sex: str = "female",
    keys: Iterable[Any] = (),
    phone: str = "",
) -> FileRow:
    record = NewRecord(
        full_name=name,
        date_of_birth=born if isinstance(born, datetime.date) else None,
        birth_year=born if isinstance(born, int) else None,
        sex=sex,
        phone=phone,
    )
    own = frozenset(keys) or frozenset({("row", number)})
    return FileRow(number=number, record=record, keys=own, look=look)


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_the_batch_flags_the_rows_the_row_by_row_check_flagged(chunk):
    organisation = OrganisationFactory()
    hoa = register(organisation, "Nguyễn Thị Hoà", D(1998, 5, 12))
    register(organisation, "Lò Văn Páo", None, sex="male", estimated_age=30)
    # The same name at another organisation: never read, never named.
    elsewhere = register(OrganisationFactory(), "Trần Thị Bích", D(2000, 3, 4))
    rows = [
        file_row(2, "Nguyen Thi Hao", D(1998, 5, 12)),  # no diacritics, two letters swapped
        file_row(3, "Nguyễn Thị Hoà", D(1999, 5, 12)),  # the birth year one off
        file_row(4, "Nguyễn Thị Hoà", D(1998, 12, 5)),  # the day and the month swapped
        file_row(5, "Nguyen Thi Hao", 1998),  # only the year
        file_row(6, "Nguyen Thi Hoa", D(1998, 5, 12), look=False),  # "Checked: not a duplicate"
        file_row(7, "Tran Thi Bich", D(2000, 3, 4)),
        file_row(8, "Phạm Thị Thu", D(2001, 4, 3)),
        file_row(9, "Pham Thi Thu", D(2001, 3, 4)),  # within the file: row 8, day/month swapped
        file_row(10, "Phạm Thị Thư", D(2002, 4, 3)),
        file_row(11, "Trần Thị Bích", D(2000, 3, 4)),  # row 7
        # The same exact key as row 7: the import's own check says so, not the matcher.
        file_row(12, "Tran Thi Bich", D(2000, 3, 4), keys=[("row", 7)]),
        file_row(13, "Đinh Văn Sơn", D(1980, 1, 1), sex="male"),
        file_row(14, "Lo Van Pao", None, sex="male"),
    ]
    expected = compare_both(organisation, rows, chunk=chunk)

    assert expected[2] == expected[3] == expected[4] == expected[5] == ("person", hoa.pk)
    assert 6 not in expected and 7 not in expected and 13 not in expected
    assert expected[9] == ("row", 8)
    assert expected[11] == ("row", 7)
    assert 12 not in expected or expected[12] != ("row", 7)
    assert all(found != ("person", elsewhere.pk) for found in expected.values())


GIVEN = ["Hoa", "Hoà", "Lan", "Mai", "Thu", "Thư", "Linh", "Hương", "Hường", "Dợ", "Páo", "Ly"]
FAMILY = ["Nguyễn", "Trần", "Lò", "Giàng", "Vàng", "Phạm", "Nguyen", "Tran"]
MIDDLE = ["Thị", "Văn", "Thi", "", "Hoài"]


def _name(rng: random.Random) -> str:
    return " ".join(w for w in (rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)) if w)


def _born(rng: random.Random) -> datetime.date | int | None:
    pick = rng.random()
    if pick < 0.1:
        return None
    year = rng.choice([1995, 1996, 1997, 1998])
    if pick < 0.3:
        return year
    return D(year, rng.randint(1, 12), rng.randint(1, 12))


def _phone(rng: random.Random) -> str:
    return rng.choice(["", "", "0912345678", "0912345679", "0987654321"])


@pytest.mark.parametrize(("chunk", "limit"), [(7, 200), (50, 4), (1000, 200)])
def test_the_batch_agrees_with_row_by_row_on_many_near_names(chunk, limit, monkeypatch):
    from donghanh.duplicates import hints

    monkeypatch.setattr(hints, "CANDIDATES", limit)
    rng = random.Random(13)
    organisation = OrganisationFactory()
    for _ in range(25):
        born = _born(rng)
        register(
            organisation,
            _name(rng),
            born if isinstance(born, datetime.date) else None,
            estimated_age=(2026 - born) if isinstance(born, int) else None,
            phone=_phone(rng),
        )
    rows = []
    for number in range(2, 160):
        born = _born(rng)
        keys = [("row", rng.randint(0, 40))] if rng.random() < 0.3 else []
        rows.append(file_row(number, _name(rng), born, look=rng.random() > 0.1, keys=keys))
    expected = compare_both(organisation, rows, chunk=chunk, limit=limit)
    assert len(expected) > 20
