"""The matcher behind the registration hint: which of an organisation's records may be the
person being registered (registered with the people app in `DuplicatesConfig.ready()`).

The people app finds the candidates through its blind indexes (records whose name has the new
record's given name, whole or one letter off, the most recent first) and decrypts them; this
module weighs each against the new record with the matcher's comparisons and default weights
and keeps those whose evidence reaches `HINT_WEIGHT`. No prior and no name frequencies here:
a hint asks the case worker to look, it does not merge.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from donghanh.core.text import FUZZY_MIN_LENGTH
from donghanh.duplicates.matcher import (
    PersonRecord,
    RecordTable,
    compare,
    default_model,
    evidence,
    person_record,
)
from donghanh.duplicates.normalise import FEMALE, MALE, UNKNOWN_SEX, birth_date_of, split_name
from donghanh.duplicates.places import Place
from donghanh.people.models import Person
from donghanh.people.registry import FileMatcher, NewRecord

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
    estimated = None
    if person.date_of_birth is None and person.estimated_age is not None:
        day = person.age_estimated_on or person.created_at.date()
        estimated = day.year - person.estimated_age
    return person_record(
        full_name=person.full_name,
        birth_date=birth_date_of(person.date_of_birth, estimated_year=estimated),
        sex=SEX.get(person.sex, UNKNOWN_SEX),
        place=Place(province=commune.province_id, communes=(commune.pk,))
        if commune is not None
        else Place(),
        phone=person.phone,
    )


class RegistrationMatcher:
    """The people app's `DuplicateMatcher`, with the platform matcher's comparisons."""

    def lookup_words(self, record: NewRecord) -> list[str]:
        given = split_name(record.full_name).given
        return [given] if len(given) >= FUZZY_MIN_LENGTH - 1 else []

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
        from donghanh.duplicates.file_rows import FileMatching

        return FileMatching(organisation_id=organisation_id)
