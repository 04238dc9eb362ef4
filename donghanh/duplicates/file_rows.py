"""The registration hint's matcher for a whole imported file (`RegistrationMatcher.for_file`).

An import checks every row as a registration would be checked (`hints`): the candidates are
the records with a name word equal to the row's given name or one letter off it, the
`CANDIDATES` most recent of them, and a candidate is likely when its evidence reaches
`HINT_WEIGHT`; the likeliest wins, the most recent on a tie. A row is weighed against the
organisation's people and, when none is likely, against the earlier rows of the file (those
that share none of its exact keys).

Here that is done a chunk of rows at a time: the organisation's people are read once, as
columns (never another organisation's), and each chunk's candidate pairs are found by word
and compared in one call of the matcher (`compare`, `evidence`), instead of a table built
for each row and its candidates. The answers are the same as row by row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from donghanh.core.text import FUZZY_MIN_LENGTH, Vocabulary
from donghanh.duplicates.hints import HINT_WEIGHT, SEX, new_record
from donghanh.duplicates.matcher import (
    IntArray,
    PersonRecord,
    RecordTable,
    compare,
    default_model,
    evidence,
    person_record,
)
from donghanh.duplicates.normalise import UNKNOWN_SEX, birth_date_of, split_name
from donghanh.duplicates.places import Place
from donghanh.people.indexes import name_words
from donghanh.people.models import Person
from donghanh.people.registry import FileRow, LikelyMatch

# The most recent records weighed against one row, as for a registration.
CANDIDATES = 200


class _Pool:
    """Records (numbered by position, oldest first) by the words of their names."""

    def __init__(self) -> None:
        self.records: list[PersonRecord] = []
        self.by_word: dict[str, list[int]] = {}
        self.vocabulary = Vocabulary()

    def add(self, record: PersonRecord, words: Sequence[str]) -> int:
        position = len(self.records)
        self.records.append(record)
        for word in words:
            self.by_word.setdefault(word, []).append(position)
            self.vocabulary.add(word)
        return position

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


def _best(
    queries: list[PersonRecord],
    pool: _Pool,
    left: IntArray,
    right: IntArray,
) -> dict[int, tuple[int, float]]:
    """Query index → (pool position, weight) of its likeliest candidate reaching the hint's
    weight; of equal weights the most recent (the per-record order: newest first)."""
    if not len(left):
        return {}
    used, inverse = np.unique(right, return_inverse=True)
    table = RecordTable([*queries, *(pool.records[p] for p in used.tolist())])
    weights = evidence(compare(table, left, inverse + len(queries)), default_model())
    keep = weights >= HINT_WEIGHT
    left, right, weights = left[keep], right[keep], weights[keep]
    order = np.lexsort((-right, -weights, left))
    left, right, weights = left[order], right[order], weights[order]
    firsts = np.unique(left, return_index=True)[1]
    return {int(left[i]): (int(right[i]), float(weights[i])) for i in firsts.tolist()}


class FileMatching:
    """One file's rows against an organisation's people and against each other."""

    def __init__(self, *, organisation_id: int) -> None:
        self.people = _Pool()
        self.person_ids: list[int] = []
        self.rows = _Pool()
        self.row_numbers: list[int] = []
        self.row_keys: list[frozenset[object]] = []
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
            record = person_record(
                full_name=full_name,
                birth_date=birth_date_of(born, estimated_year=estimated),
                sex=SEX.get(sex, UNKNOWN_SEX),
                place=Place(province=province, communes=(commune,))
                if commune is not None
                else Place(),
                phone=phone,
            )
            self.people.add(record, name_words(full_name, other_names))
            self.person_ids.append(pk)

    def _people_of(self, word: str) -> IntArray:
        """The most recent people with the word or one near it, newest first."""
        found = self._people_candidates.get(word)
        if found is None:
            found = self._people_candidates[word] = self.people.positions(word)[::-1][:CANDIDATES]
        return found

    def match_rows(self, rows: Sequence[FileRow]) -> dict[int, LikelyMatch]:
        records = [new_record(row.record) for row in rows]
        first = len(self.rows.records)
        for row, record in zip(rows, records, strict=True):
            self.rows.add(record, name_words(row.record.full_name))
            self.row_numbers.append(row.number)
            self.row_keys.append(frozenset(row.keys))
        by_word: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            given = split_name(row.record.full_name).given
            if row.look and len(given) >= FUZZY_MIN_LENGTH - 1:
                by_word.setdefault(given, []).append(index)
        found: dict[int, LikelyMatch] = {}
        # The organisation's people.
        lefts, rights = [], []
        for word, indexes in by_word.items():
            candidates = self._people_of(word)
            if len(candidates):
                lefts.append(np.repeat(np.array(indexes, dtype=np.int64), len(candidates)))
                rights.append(np.tile(candidates, len(indexes)))
        if lefts:
            best = _best(records, self.people, np.concatenate(lefts), np.concatenate(rights))
            for index, (position, weight) in best.items():
                found[rows[index].number] = LikelyMatch(
                    weight=weight, person_id=self.person_ids[position]
                )
        # The file's earlier rows, for the rows no person is likely to be.
        lefts, rights = [], []
        for word, indexes in by_word.items():
            waiting = np.array([i for i in indexes if rows[i].number not in found], dtype=np.int64)
            if not len(waiting):
                continue
            positions = self.rows.positions(word)
            ends = np.searchsorted(positions, waiting + first)
            owner, members = _ranges(np.maximum(ends - CANDIDATES, 0), ends)
            lefts.append(waiting[owner])
            rights.append(positions[members])
        if lefts:
            left, right = np.concatenate(lefts), np.concatenate(rights)
            # Rows that repeat the row's exact keys are the import's to report.
            keys = self.row_keys
            apart = np.fromiter(
                (
                    not (keys[a + first] & keys[b])
                    for a, b in zip(left.tolist(), right.tolist(), strict=True)
                ),
                dtype=np.bool_,
                count=len(left),
            )
            left, right = left[apart], right[apart]
            queries = self.rows.records[first:]
            best = _best(queries, self.rows, left, right)
            for index, (position, weight) in best.items():
                found[rows[index].number] = LikelyMatch(
                    weight=weight, row=self.row_numbers[position]
                )
        return found
