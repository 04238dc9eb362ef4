"""Likely duplicates of a people import's rows, found by the platform's duplicate matcher.

The matcher is the registration hint's (`donghanh.duplicates.hints`), which the duplicates app
registers with the people app at start-up (`donghanh.people.registry.duplicate_matcher`): the
imports app sits below duplicates and reaches it only through that port. Without a registered
matcher only the exact checks of the people kind apply.

Candidates are found as the registration hint finds them (records with a name word equal to
the row's given name or one letter off it, the most recent first), but in memory: the
organisation's own people are read once for the file, never another organisation's. Each row
is then weighed against them, and against the earlier rows of the file, with the matcher's
comparisons and threshold: a name without diacritics or with two letters swapped, a birth year
one off, the day and month swapped, the place named before or after 2025…
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from donghanh.core.text import FUZZY_MIN_LENGTH, Vocabulary
from donghanh.people.indexes import name_words
from donghanh.people.models import Person
from donghanh.people.registry import DuplicateMatcher, NewRecord, duplicate_matcher
from donghanh.places.models import Commune

# The most recent records weighed against one row, as for a registration.
CANDIDATES = 200


@dataclass
class _Pool:
    """Records by the words of their names, and those words for finding near ones."""

    records: list[tuple[Any, Person]] = field(default_factory=list)
    by_word: dict[str, list[int]] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)

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
        return [self.records[p] for p in positions[:CANDIDATES]]


class SimilarPeople:
    """The organisation's people and the file's earlier rows, to weigh a row against."""

    def __init__(self, matcher: DuplicateMatcher) -> None:
        self.matcher = matcher
        self.people = _Pool()
        self.rows = _Pool()

    @classmethod
    def of(cls, organisation: Any) -> SimilarPeople | None:
        """The organisation's people, read once; None when no matcher is registered."""
        matcher = duplicate_matcher()
        if matcher is None:
            return None
        similar = cls(matcher)
        people = (
            Person.objects.filter(organisation=organisation)
            .select_related("current_commune")
            .only(
                "pk",
                "full_name",
                "other_names",
                "sex",
                "date_of_birth",
                "estimated_age",
                "age_estimated_on",
                "created_at",
                "phone",
                "current_commune__code",
                "current_commune__province_id",
            )
            .order_by("pk")
        )
        for person in people.iterator(chunk_size=2000):
            similar.people.add(person.pk, person, name_words(person.full_name, person.other_names))
        return similar

    def _likely(self, pool: _Pool, record: NewRecord, skip: Any) -> Any:
        found: list[tuple[Any, Person]] = []
        for word in self.matcher.lookup_words(record):
            found += [candidate for candidate in pool.candidates(word) if not skip(candidate[0])]
        if not found:
            return None
        by_person = {id(person): key for key, person in found}
        likely = self.matcher.likely(record, [person for _key, person in found])
        return by_person[id(likely[0])] if likely else None

    def likely_person(self, record: NewRecord) -> int | None:
        """The id of the organisation's person most likely to be the row's, if any."""
        return self._likely(self.people, record, lambda _pk: False)

    def likely_row(self, record: NewRecord, keys: Iterable[Any]) -> int | None:
        """The number of the earlier row most likely to be the same person, if any (rows that
        repeat the row's exact keys are the engine's to report)."""
        mine = set(keys)
        row = self._likely(self.rows, record, lambda row: bool(mine & row[1]))
        return None if row is None else row[0]

    def add_row(
        self,
        number: int,
        record: NewRecord,
        keys: Iterable[Any],
        *,
        commune: Commune | None,
        today: datetime.date,
    ) -> None:
        """Remember a row of the file, for the rows after it."""
        stand_in = Person(
            full_name=record.full_name,
            date_of_birth=record.date_of_birth,
            estimated_age=today.year - record.birth_year if record.birth_year else None,
            age_estimated_on=today,
            sex=record.sex,
            phone=record.phone,
            current_commune=commune,
        )
        self.rows.add((number, frozenset(keys)), stand_in, name_words(record.full_name))
