"""The matcher behind the registration hint: which of an organisation's records may be the
person being registered (registered with the people app in `DuplicatesConfig.ready()`).

This module tells the people app which keys to store beside each person's name words and which
of them a registration looks up (`stored_keys`, `lookup_keys`: the names with the birth date or
year, below); the people app finds the few records holding them through its blind indexes
(those holding the weightiest first, then the most recently registered; by the given name
whole or one letter off when a registration says too little for a key) and decrypts them; this
module weighs each against the new record with the matcher's comparisons and default weights
and keeps those whose evidence reaches `HINT_WEIGHT`. No prior and no name frequencies here:
a hint asks the case worker to look, it does not merge. An import's rows are weighed the same
way a chunk of rows at a time (`for_file`, below).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import numpy as np

from donghanh.core.text import FUZZY_MIN_LENGTH, Vocabulary, one_edit_variants
from donghanh.duplicates.matcher import (
    COMPARISONS,
    BoolArray,
    IntArray,
    PersonRecord,
    RecordTable,
    compare,
    default_model,
    evidence,
    person_record,
)
from donghanh.duplicates.normalise import (
    FEMALE,
    MALE,
    SEX_MARKERS,
    UNKNOWN_SEX,
    birth_date_of,
    split_name,
)
from donghanh.duplicates.places import Place
from donghanh.people.indexes import FUZZY_MAX_LENGTH, estimated_birth_year, name_words
from donghanh.people.models import Person
from donghanh.people.registry import FileMatcher, FileRow, HintKeys, LikelyMatch, NewRecord

# Bits of evidence (log2 of how much likelier the agreements are for one person than for two)
# from which a record is shown: the same name and sex with nothing else known is about 9.
HINT_WEIGHT = 8.0

SEX = {"female": FEMALE, "male": MALE}


def new_record(record: NewRecord) -> PersonRecord:
    commune = record.commune_code
    return person_record(
        full_name=record.full_name,
        birth_date=birth_date_of(record.date_of_birth, estimated_year=record.birth_year),
        sex=SEX.get(record.sex, UNKNOWN_SEX),
        place=Place(province=record.province_code, communes=(commune,) if commune else ()),
        phone=record.phone,
    )


def _person_record(person: Person) -> PersonRecord:
    commune = person.current_commune
    return person_record(
        full_name=person.full_name,
        birth_date=birth_date_of(person.date_of_birth, estimated_year=estimated_birth_year(person)),
        sex=SEX.get(person.sex, UNKNOWN_SEX),
        place=Place(province=commune.province_id, communes=(commune.pk,))
        if commune is not None
        else Place(),
        phone=person.phone,
    )


# --- the keys a registration's candidates are found by ------------------------------------------
#
# Beside the words of their names each person's record holds a few keys (blind, like the words:
# `people.indexes.person_token_indexes`), written from the name as `split_name` reads it (the
# family name with Huỳnh/Hoàng and Vũ/Võ as one, an abbreviation such as "Ng" expanded, a typo
# of four letters or more corrected) and the birth date:
#
#   "d|given|day-month|year"   the given name and the birth date, day and month in either order
#   "f|family|day-month|year"  the family name and the birth date
#   "y|family|given|year"      family and given name, the birth year (estimated from an age, or
#                              "-" when neither is known)
#   "n|family|given"           family and given name
#   "w|family|middle|given"    the whole name but Thị and Văn
#
# A registration with a birth date looks up the first three for its year and the years one
# before and after it (and "-"): they find a date with day and month swapped or the year one
# off, the given or the family name misspelt (not both), an age estimated within a year of the
# date, or no birth date at all, as the matcher weighs them (a year further off is a different
# date to it). The records sharing the date come first, then those sharing names and year.
# Without a birth date it looks up the last two: the whole name first (with the given name
# whole or one letter off), then family and given name whatever the middle names. Each key is
# held by few people (a few hundred to a few thousand index entries read at a million people,
# where the given name's word alone is on tens of thousands), and none by a person of another
# organisation (they are looked up among the organisation's own, like the name words).

# What a record holding a key of each group gains (summed over the groups it has keys of).
DATE_KEY_WEIGHT = 8
YEAR_KEY_WEIGHT = 4
NAME_KEY_WEIGHT = 2
NEAR_NAME_KEY_WEIGHT = 1
NO_YEAR = "-"


def _day_month(born: datetime.date) -> str:
    return f"{min(born.day, born.month)}-{max(born.day, born.month)}"


def _key_parts(full_name: str) -> tuple[str, str, str]:
    """Family (empty when it is unknown or only an initial), middle words but Thị and Văn,
    given name, folded."""
    name = split_name(full_name)
    family = "" if name.family_initial else name.family
    return family, " ".join(name.middle), name.given


def _near(word: str) -> list[str]:
    """The word and every word one letter off it (words of three letters or more)."""
    if FUZZY_MIN_LENGTH <= len(word) <= FUZZY_MAX_LENGTH:
        return [word, *sorted(one_edit_variants(word))]
    return [word]


class RegistrationMatcher:
    """The people app's `DuplicateMatcher`, with the platform matcher's comparisons."""

    # What `_person_record` reads.
    person_fields: tuple[str, ...] = (
        "full_name",
        "sex",
        "date_of_birth",
        "estimated_age",
        "age_estimated_on",
        "created_at",
        "phone",
        "current_commune__province",
    )

    def lookup_words(self, record: NewRecord) -> list[str]:
        given = split_name(record.full_name).given
        return [given] if len(given) >= FUZZY_MIN_LENGTH - 1 else []

    def ranking_words(self, record: NewRecord) -> list[str]:
        """The family name (not an initial: "N. Hoa" says too little) and the middle names
        other than Thị and Văn, which a second registration often leaves out."""
        name = split_name(record.full_name)
        family = [name.family] if name.family and not name.family_initial else []
        return [word for word in dict.fromkeys([*family, *name.middle]) if word != name.given]

    def never_misspelt(self) -> frozenset[str]:
        return SEX_MARKERS

    def stored_keys(self, record: NewRecord) -> set[str]:
        family, middle, given = _key_parts(record.full_name)
        if not given:
            return set()
        born = record.date_of_birth
        year = born.year if born is not None else record.birth_year
        keys = {
            f"y|{family}|{given}|{year or NO_YEAR}",
            f"n|{family}|{given}",
            f"w|{family}|{middle}|{given}",
        }
        if born is not None:
            keys.add(f"d|{given}|{_day_month(born)}|{born.year}")
            if family:
                keys.add(f"f|{family}|{_day_month(born)}|{born.year}")
        return keys

    def lookup_keys(self, record: NewRecord) -> list[HintKeys]:
        family, middle, given = _key_parts(record.full_name)
        if not given:
            return []
        born = record.date_of_birth
        year = born.year if born is not None else record.birth_year
        if year:
            years = (year - 1, year, year + 1)
            groups = [
                HintKeys(
                    YEAR_KEY_WEIGHT,
                    tuple(f"y|{family}|{given}|{y}" for y in (*years, NO_YEAR)),
                )
            ]
            if born is not None:
                day_month = _day_month(born)
                groups.append(
                    HintKeys(DATE_KEY_WEIGHT, tuple(f"d|{given}|{day_month}|{y}" for y in years))
                )
                if family:
                    groups.append(
                        HintKeys(
                            DATE_KEY_WEIGHT, tuple(f"f|{family}|{day_month}|{y}" for y in years)
                        )
                    )
            return groups
        if not family:
            return []
        return [
            HintKeys(NAME_KEY_WEIGHT, (f"w|{family}|{middle}|{given}",)),
            HintKeys(NAME_KEY_WEIGHT, (f"n|{family}|{given}",)),
            HintKeys(
                NEAR_NAME_KEY_WEIGHT, tuple(f"w|{family}|{middle}|{near}" for near in _near(given))
            ),
        ]

    def likely(self, record: NewRecord, candidates: Sequence[Person]) -> list[Person]:
        if not candidates:
            return []
        records = [new_record(record), *(_person_record(person) for person in candidates)]
        table = RecordTable(records)
        right = np.arange(1, table.size, dtype=np.int64)
        left = np.zeros_like(right)
        weights = evidence(compare(table, left, right), default_model())
        order = np.argsort(-weights, kind="stable")
        return [candidates[i] for i in order.tolist() if weights[i] >= HINT_WEIGHT]

    def for_file(self, *, organisation_id: int) -> FileMatcher:
        return FileMatching(organisation_id=organisation_id)


# --- a whole imported file --------------------------------------------------------------------
#
# An import (`RegistrationMatcher.for_file`) checks every row much as a registration is checked:
# the candidates are the records with a name word equal to the row's given name or one letter
# off it, the `CANDIDATES` most recent of them, and a candidate is likely when its evidence reaches
# `HINT_WEIGHT`; the likeliest wins, the most recent on a tie. A row is weighed against the
# organisation's people and, when none is likely, against the earlier rows of the file (those
# that share none of its exact keys).
#
# Here that is done a chunk of rows at a time: the organisation's people are read once, as
# columns (never another organisation's), and each chunk's candidate pairs are found by word
# and compared in one call of the matcher (`compare`, `evidence`), instead of a table built
# for each row and its candidates. The answers are the same as row by row.

# The most recent records weighed against one row (a registration's hint, which reads only its
# candidates, ranks them by the keys they share with it first: `people.selectors.similar_records`).
CANDIDATES = 200
# From this many rows at a time the rows join one table of the people and the file's rows;
# fewer (the import itself checks a row at a time) are weighed in a table of their own
# candidates, so that a row costs what it did for a registration.
WHOLE_TABLE_ROWS = 100


class _Pool:
    """Records (numbered by position, oldest first) by the words of their names."""

    def __init__(self) -> None:
        self.size = 0
        self.by_word: dict[str, list[int]] = {}
        self.vocabulary = Vocabulary()

    def add(self, words: Sequence[str]) -> None:
        for word in words:
            self.by_word.setdefault(word, []).append(self.size)
            self.vocabulary.add(word)
        self.size += 1

    def positions(self, word: str) -> IntArray:
        """Positions of the records with `word` or a word one letter off it, ascending."""
        near = {word}
        if len(word) >= FUZZY_MIN_LENGTH:
            near |= self.vocabulary.near(word)
        found = [p for w in near for p in self.by_word.get(w, ())]
        return np.unique(np.array(found, dtype=np.int64))


def _ranges(starts: IntArray, ends: IntArray) -> tuple[IntArray, IntArray]:
    """For ranges [start, end): the index of the range of each member, and the members."""
    lengths = ends - starts
    owner = np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
    first = np.cumsum(lengths) - lengths
    members = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(first - starts, lengths)
    return owner, members


def _possible(table: RecordTable, a: IntArray, b: IntArray) -> dict[str, BoolArray]:
    """Per pair, whether a comparison can count at all (both sides known): the sex, the place
    and the phone, cheap to tell before they are compared."""
    communes = (table.communes[a, 0] >= 0) & (table.communes[b, 0] >= 0)
    return {
        "sex": (table.sex[a] > 0) & (table.sex[b] > 0),
        "place": ((table.province[a] >= 0) & (table.province[b] >= 0)) | communes,
        "phone": (table.phone[a] > 0) & (table.phone[b] > 0),
    }


def _best(table: RecordTable, left: IntArray, right: IntArray) -> dict[int, tuple[int, float]]:
    """Record `left` → (record, weight) of its likeliest candidate among `right` reaching the
    hint's weight; of equal weights the most recent (the registration's order: newest first).

    The weights are `evidence(compare(...))`'s, summed in the same order; a pair is dropped as
    soon as the comparisons left could not bring it to the hint's weight, so that most pairs
    (another birth date) are never compared on place and phone."""
    weights_of = [np.array(row) for row in default_model().weights()]
    best = [max(0.0, float(row.max())) for row in weights_of]
    possible = _possible(table, left, right)
    # The most the comparisons after the k-th can add, per pair.
    later = np.zeros((len(COMPARISONS), len(left)))
    for k in range(len(COMPARISONS) - 2, -1, -1):
        comparison = COMPARISONS[k + 1]
        counts = possible.get(comparison.name)
        later[k] = later[k + 1] + (best[k + 1] if counts is None else counts * best[k + 1])
    weight = np.zeros(len(left))
    alive = np.arange(len(left))
    for k, comparison in enumerate(COMPARISONS):
        level = comparison.level_of(table, left, right)
        weight += np.where(level >= 0, weights_of[k][np.maximum(level, 0)], 0.0)
        keep = weight + later[k, alive] >= HINT_WEIGHT
        left, right, weight, alive = left[keep], right[keep], weight[keep], alive[keep]
    if not len(left):
        return {}
    order = np.lexsort((-right, -weight, left))
    left, right, weight = left[order], right[order], weight[order]
    firsts = np.unique(left, return_index=True)[1]
    return {int(left[i]): (int(right[i]), float(weight[i])) for i in firsts.tolist()}


class FileMatching:
    """One file's rows against an organisation's people and against each other: one table of
    the people, then the rows as they come."""

    def __init__(self, *, organisation_id: int) -> None:
        self.people = _Pool()
        self.person_ids: list[int] = []
        self.rows = _Pool()
        self.row_numbers: list[int] = []
        # Each row's exact keys, as ids; as an array for the rows up to `len(row_keys)`.
        self.row_key_ids: list[tuple[int, ...]] = []
        self.row_keys = np.empty((0, 0), dtype=np.int64)
        self._key_ids: dict[object, int] = {}
        self._people_candidates: dict[str, IntArray] = {}
        columns = (
            Person.objects.filter(organisation_id=organisation_id)
            .order_by("pk")
            .values_list(
                "pk",
                "full_name",
                "other_names",
                "sex",
                "date_of_birth",
                "estimated_age",
                "age_estimated_on",
                "created_at",
                "phone",
                "current_commune_id",
                "current_commune__province_id",
            )
        )
        self.records: list[PersonRecord] = []  # the people's, then the rows'
        records = self.records
        for (
            pk,
            full_name,
            other_names,
            sex,
            born,
            age,
            age_on,
            created,
            phone,
            commune,
            province,
        ) in columns.iterator(chunk_size=2000):
            estimated = None
            if born is None and age is not None:
                estimated = (age_on or created.date()).year - age
            records.append(
                person_record(
                    full_name=full_name,
                    birth_date=birth_date_of(born, estimated_year=estimated),
                    sex=SEX.get(sex, UNKNOWN_SEX),
                    place=Place(province=province, communes=(commune,))
                    if commune is not None
                    else Place(),
                    phone=phone,
                )
            )
            self.people.add(name_words(full_name, other_names))
            self.person_ids.append(pk)
        # The people, then the file's rows (at `self.people.size` + their position), made when
        # a chunk of rows first comes, extended with the later ones.
        self._table: RecordTable | None = None

    def _best(
        self, left: IntArray, right: IntArray, *, whole: bool
    ) -> dict[int, tuple[int, float]]:
        if whole:
            if self._table is None:
                self._table = RecordTable(self.records)
            else:
                self._table.extend(self.records[self._table.size :])
            return _best(self._table, left, right)
        used = np.unique(np.concatenate([left, right]))
        table = RecordTable(self.records[i] for i in used.tolist())
        found = _best(table, np.searchsorted(used, left), np.searchsorted(used, right))
        return {
            int(used[query]): (int(used[other]), weight) for query, (other, weight) in found.items()
        }

    def _people_of(self, word: str) -> IntArray:
        """The most recent people with the word or one near it, newest first."""
        found = self._people_candidates.get(word)
        if found is None:
            found = self.people.positions(word)[::-1][:CANDIDATES]
            self._people_candidates[word] = found
        return found

    def _key_array(self) -> IntArray:
        """Each row's exact keys as ids (-1 for none), one row a line, kept up to date."""
        added = self.row_key_ids[len(self.row_keys) :]
        width = max([self.row_keys.shape[1], *(len(keys) for keys in added)])
        more = np.full((len(added), width), -1, dtype=np.int64)
        for index, keys in enumerate(added):
            more[index, : len(keys)] = keys
        earlier = np.full((len(self.row_keys), width), -1, dtype=np.int64)
        earlier[:, : self.row_keys.shape[1]] = self.row_keys
        self.row_keys = np.concatenate([earlier, more])
        return self.row_keys

    def _apart(self, left: IntArray, right: IntArray, *, whole: bool) -> BoolArray:
        """Whether rows `left` and `right` (positions) share none of their exact keys."""
        if not whole:
            ids = self.row_key_ids
            return np.array(
                [
                    not set(ids[a]).intersection(ids[b])
                    for a, b in zip(left.tolist(), right.tolist(), strict=True)
                ],
                dtype=np.bool_,
            )
        keys = self._key_array()
        a, b = keys[left], keys[right]
        shared = np.zeros(len(left), dtype=np.bool_)
        for i in range(a.shape[1]):
            for j in range(b.shape[1]):
                shared |= (a[:, i] >= 0) & (a[:, i] == b[:, j])
        return ~shared

    def match_rows(self, rows: Sequence[FileRow]) -> dict[int, LikelyMatch]:
        people = self.people.size
        first = self.rows.size
        self.records.extend(new_record(row.record) for row in rows)
        whole = len(rows) >= WHOLE_TABLE_ROWS
        for row in rows:
            self.rows.add(name_words(row.record.full_name))
            self.row_numbers.append(row.number)
        key_id = self._key_ids.setdefault
        self.row_key_ids += [
            tuple(key_id(key, len(self._key_ids)) for key in row.keys) for row in rows
        ]
        by_word: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            given = split_name(row.record.full_name).given
            if row.look and len(given) >= FUZZY_MIN_LENGTH - 1:
                by_word.setdefault(given, []).append(first + index)
        found: dict[int, LikelyMatch] = {}
        # The organisation's people.
        lefts, rights = [], []
        for word, positions in by_word.items():
            candidates = self._people_of(word)
            if len(candidates):
                lefts.append(np.repeat(np.array(positions, dtype=np.int64), len(candidates)))
                rights.append(np.tile(candidates, len(positions)))
        if lefts:
            left = np.concatenate(lefts)
            best = self._best(left + people, np.concatenate(rights), whole=whole)
            for query, (person, weight) in best.items():
                number = self.row_numbers[query - people]
                found[number] = LikelyMatch(weight=weight, person_id=self.person_ids[person])
        # The file's earlier rows, for the rows no person is likely to be.
        lefts, rights = [], []
        for word, positions in by_word.items():
            waiting = np.array(
                [p for p in positions if self.row_numbers[p] not in found], dtype=np.int64
            )
            if not len(waiting):
                continue
            earlier = self.rows.positions(word)
            ends = np.searchsorted(earlier, waiting)
            owner, members = _ranges(np.maximum(ends - CANDIDATES, 0), ends)
            lefts.append(waiting[owner])
            rights.append(earlier[members])
        if lefts:
            left, right = np.concatenate(lefts), np.concatenate(rights)
            # Rows that repeat the row's exact keys are the import's to report.
            apart = self._apart(left, right, whole=whole)
            best = self._best(left[apart] + people, right[apart] + people, whole=whole)
            for query, (earlier_row, weight) in best.items():
                number = self.row_numbers[query - people]
                found[number] = LikelyMatch(
                    weight=weight, row=self.row_numbers[earlier_row - people]
                )
        return found
