"""The registry scan's computation: an organisation's people through the matcher, as pairs.

Nothing is written here (`services.registry_scan_finish` stores what is found). The matcher's
public steps are called as they are (`matcher.link`: blocking, comparing, training on the
registry itself, scoring and clustering); this module only turns people into its records and
its arrays into pairs that say, field by field, what agreed and how much it weighed.
"""

from __future__ import annotations

import datetime
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from donghanh.duplicates.matcher import (
    COMPARISONS,
    DEFAULT_THRESHOLD,
    Linkage,
    PersonRecord,
    RecordTable,
    contributions,
    link,
    person_record,
    probability,
)
from donghanh.duplicates.normalise import FEMALE, MALE, UNKNOWN_SEX, birth_date_of
from donghanh.duplicates.places import Place
from donghanh.people.models import Person

# Pairs at least this likely go to the review queue (those between it and the matcher's
# threshold are the doubtful ones a person should look at most).
REVIEW_PROBABILITY = 0.5
# Records at least this likely one person are grouped (the matcher's own threshold).
CLUSTER_PROBABILITY = DEFAULT_THRESHOLD

_SEX = {"female": FEMALE, "male": MALE}


class PersonRow(NamedTuple):
    """What the matcher compares of one person, as columns read from the database (no model
    instance: a scan of 100,000 people holds these one batch at a time)."""

    pk: int
    full_name: str
    date_of_birth: datetime.date | None
    estimated_age: int | None
    age_estimated_on: datetime.date | None
    created_at: datetime.datetime
    sex: str
    phone: str
    commune: str | None
    province: str | None


# The columns of `PersonRow`, as `values_list` names them.
ROW_COLUMNS = (
    "pk",
    "full_name",
    "date_of_birth",
    "estimated_age",
    "age_estimated_on",
    "created_at",
    "sex",
    "phone",
    "current_commune_id",
    "current_commune__province_id",
)


def row_of(person: Person) -> PersonRow:
    commune = person.current_commune
    return PersonRow(
        pk=person.pk,
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        estimated_age=person.estimated_age,
        age_estimated_on=person.age_estimated_on,
        created_at=person.created_at,
        sex=person.sex,
        phone=person.phone,
        commune=commune.pk if commune is not None else None,
        province=commune.province_id if commune is not None else None,
    )


def record_of_row(row: PersonRow) -> PersonRecord:
    """The matcher's record of a person's registry entry (an estimated age as a birth year)."""
    estimated = None
    if row.date_of_birth is None and row.estimated_age is not None:
        day = row.age_estimated_on or row.created_at.date()
        estimated = day.year - row.estimated_age
    return person_record(
        full_name=row.full_name,
        birth_date=birth_date_of(row.date_of_birth, estimated_year=estimated),
        sex=_SEX.get(row.sex, UNKNOWN_SEX),
        place=Place(province=row.province or "", communes=(row.commune,))
        if row.commune is not None
        else Place(),
        phone=row.phone,
    )


def record_of(person: Person) -> PersonRecord:
    return record_of_row(row_of(person))


@dataclass(frozen=True)
class FieldEvidence:
    field: str
    level: str  # the comparison's level name, "" when one side does not say
    weight: float  # bits for (positive) or against (negative) one person

    def as_json(self) -> dict[str, object]:
        return {"field": self.field, "level": self.level, "weight": round(self.weight, 2)}


@dataclass(frozen=True)
class FoundPair:
    person_a: int  # the lower id
    person_b: int
    weight: float
    probability: float
    fields: tuple[FieldEvidence, ...]
    cluster: int | None
    cluster_size: int


@dataclass(frozen=True)
class ScanResult:
    records: int
    pairs: list[FoundPair]

    @property
    def clusters(self) -> int:
        return len({pair.cluster for pair in self.pairs if pair.cluster is not None})


def _field_evidence(linkage: Linkage, indices: np.ndarray) -> list[tuple[FieldEvidence, ...]]:
    """What each comparison of the candidate pairs at `indices` weighed: the matcher's own
    contributions to their match weight (`matcher.contributions`), with each level's name."""
    levels = linkage.levels[indices]
    columns = list(
        contributions(linkage.table, linkage.left[indices], levels, linkage.model, COMPARISONS)
    )
    found = []
    for row in range(len(indices)):
        fields = []
        for k, comparison in enumerate(COMPARISONS):
            level = int(levels[row, k])
            name = comparison.levels[level] if level >= 0 else ""
            fields.append(FieldEvidence(comparison.name, name, float(columns[k][row])))
        found.append(tuple(fields))
    return found


def find_pairs(persons: Iterable[Person | PersonRow]) -> ScanResult:
    """The pairs of `persons` (one organisation's) likely to be one person, strongest first.

    `persons` is read once, as it comes (rows read in batches need not be held together):
    each becomes a row of the matcher's columns, and only its id is kept beside them."""
    ids = array("q")

    def records() -> Iterator[PersonRecord]:
        for item in persons:
            row = item if isinstance(item, PersonRow) else row_of(item)
            ids.append(row.pk)
            yield record_of_row(row)

    table = RecordTable(records())
    if len(ids) < 2:
        return ScanResult(records=len(ids), pairs=[])
    linkage = link(table)
    chances = probability(linkage.weights)
    cluster_sizes = Counter(linkage.clusters.tolist())
    review = np.flatnonzero(chances >= REVIEW_PROBABILITY)
    evidence = _field_evidence(linkage, review)
    pairs = []
    for index, fields in zip(review.tolist(), evidence, strict=True):
        left, right = int(linkage.left[index]), int(linkage.right[index])
        same = linkage.clusters[left] == linkage.clusters[right] and (
            cluster_sizes[int(linkage.clusters[left])] > 1
        )
        cluster_of = int(linkage.clusters[left])
        a, b = sorted((ids[left], ids[right]))
        pairs.append(
            FoundPair(
                person_a=a,
                person_b=b,
                weight=float(linkage.weights[index]),
                probability=float(chances[index]),
                fields=fields,
                cluster=ids[cluster_of] if same else None,
                cluster_size=cluster_sizes[cluster_of] if same else 2,
            )
        )
    pairs.sort(key=lambda pair: (-pair.weight, pair.person_a, pair.person_b))
    return ScanResult(records=len(ids), pairs=pairs)
