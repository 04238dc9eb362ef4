"""Pre-counted facts: one narrow row per unit a project counts once (see `models.UnitFact`).

Counting the people served by a project from its records means reading every service record:
at a million records that is seconds, and the figures are needed again after every write. The
facts sum the records up per unit and are rewritten, unit by unit, in the transaction of the
write that changes them (`services.unit_facts_refresh`), so a dashboard counts rows of units
instead of records, exactly. This module builds the rows from the records; writing them, and
moving the running tallies with them, is `services.py`'s.

What a fact row keeps is what the computed definitions count by: the months with records (for
reporting periods), the service domains, the age groups the unit had on the days of its
records (birth dates are decrypted here, in Python, and only the age group is kept), the
target groups (case types), and the unit's sex, area type, role and sector. The province is the
person's current province for people, and the training's province for trainees (one row per
province).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from donghanh.cases.models import CaseType
from donghanh.casework.models import ServiceDelivery, ShelterStay
from donghanh.indicators.models import FactSource, ProjectFigures, UnitFact
from donghanh.people.models import Person, years_between
from donghanh.programmes.codes import AgeGroup, age_group_of
from donghanh.programmes.projects.models import Project
from donghanh.programmes.trainings.models import Participant, TrainingParticipation
from donghanh.reference.domains import ServiceDomain

MONTHS_PER_COLUMN = 60  # bits used of each 64-bit column: always positive, in any database
MONTH_COLUMNS = ("months_0", "months_1", "months_2", "months_3")
YEARS_COVERED = MONTHS_PER_COLUMN * len(MONTH_COLUMNS) // 12
# The anchor leaves this many years before a new project's start for records dated earlier.
YEARS_BEFORE_START = 5

# Bits of the enumerations. New values are added at the end of their enumeration; a value
# that is not known (yet) has no bit and the figures fall back to the records.
DOMAIN_BITS = {value: 1 << index for index, value in enumerate(ServiceDomain.values)}
AGE_BITS = {value: 1 << index for index, value in enumerate(AgeGroup.values)}
TARGET_BITS = {value: 1 << index for index, value in enumerate(CaseType.values)}

PERSON_SOURCES = (FactSource.SERVICES, FactSource.SHELTER)
TRAINEE_SOURCES = (FactSource.TRAINING,)

# The fields of a person or of a case the facts are built from (and figures broken down by):
# a change to any of them rewrites the person's facts.
PERSON_FIELDS_COUNTED = frozenset(
    {"sex", "date_of_birth", "estimated_age", "current_commune", "area_type"}
)
CASE_FIELDS_COUNTED = frozenset({"case_type"})


@dataclass
class _Row:
    """A fact row being summed up from records."""

    months: list[int] = field(default_factory=lambda: [0] * len(MONTH_COLUMNS))
    overflow: bool = False
    domains: int = 0
    age_groups: int = 0
    target_groups: int = 0

    def add(self, anchor: int, day: datetime.date, *, domain: str = "", age_group: str = "",
            target_group: str = "") -> None:  # fmt: skip
        month = (day.year - anchor) * 12 + day.month - 1
        if 0 <= month < MONTHS_PER_COLUMN * len(MONTH_COLUMNS):
            self.months[month // MONTHS_PER_COLUMN] |= 1 << (month % MONTHS_PER_COLUMN)
        else:
            self.overflow = True
        self.domains |= DOMAIN_BITS.get(domain, 0)
        self.age_groups |= AGE_BITS.get(age_group, 0)
        self.target_groups |= TARGET_BITS.get(target_group, 0)


@dataclass(frozen=True)
class _PersonFacts:
    sex: str
    area_type: str
    province: str
    estimated_age: int | None
    age_estimated_on: datetime.date | None
    date_of_birth: datetime.date | None

    def age_group(self, day: datetime.date) -> str:
        # The same rule as the SQL of `compute._person_age`: an estimated age moves on with the
        # calendar year; only without one does the birth date count.
        if self.estimated_age is not None:
            since = day.year - self.age_estimated_on.year if self.age_estimated_on else 0
            return age_group_of(self.estimated_age + since).value
        if self.date_of_birth is not None:
            return age_group_of(years_between(self.date_of_birth, day)).value
        return AgeGroup.UNKNOWN.value


def _people(person_ids: Iterable[int]) -> dict[int, _PersonFacts]:
    wanted = list(set(person_ids))
    people = Person.objects.filter(pk__in=wanted).values_list(
        "pk",
        "sex",
        "area_type",
        "current_commune__province_id",
        "estimated_age",
        "age_estimated_on",
        "date_of_birth",
    )
    return {
        pk: _PersonFacts(sex or "", area or "", province or "", age, estimated_on, born)
        for pk, sex, area, province, age, estimated_on, born in people.iterator(chunk_size=2000)
    }


def _person_rows(
    project_id: int, anchor: int, records: list[tuple[Any, ...]], person: _PersonFacts,
    person_id: int, source: str,
) -> list[UnitFact]:  # fmt: skip
    """The rows of one person: all records together, and (services) one row per domain."""
    rows: dict[str, _Row] = defaultdict(_Row)
    for day, domain, case_type in records:
        age_group = person.age_group(day)
        rows[""].add(anchor, day, domain=domain, age_group=age_group, target_group=case_type)
        if source == FactSource.SERVICES:
            rows[domain].add(anchor, day, domain=domain, age_group=age_group,
                             target_group=case_type)  # fmt: skip
    return [
        _fact(
            project_id,
            source,
            person_id,
            domain,
            person.province,
            row,
            person_id=person_id,
            sex=person.sex,
            area_type=person.area_type,
        )
        for domain, row in rows.items()
    ]


def _fact(project_id: int, source: str, unit: int, domain: str, province: str, row: _Row,
          **attributes: Any) -> UnitFact:  # fmt: skip
    return UnitFact(
        project_id=project_id,
        source=source,
        unit=unit,
        domain=domain,
        province=province,
        overflow=row.overflow,
        domains=row.domains,
        age_groups=row.age_groups,
        target_groups=row.target_groups,
        **dict(zip(MONTH_COLUMNS, row.months, strict=True)),
        **attributes,
    )


def _person_records(source: str, project_ids: list[int], person_ids: list[int] | None) -> Any:
    rows: QuerySet[Any]
    if source == FactSource.SERVICES:
        rows = ServiceDelivery.objects.filter(project_id__in=project_ids)
        day, domain = "delivered_on", "domain"
    else:
        rows = ShelterStay.objects.filter(project_id__in=project_ids)
        day, domain = "admitted_on", None
    if person_ids is not None:
        rows = rows.filter(case__person_id__in=person_ids)
    columns = ["project_id", "case__person_id", day, "case__case_type"]
    if domain:
        columns.append(domain)
    return rows.order_by("project_id", "case__person_id").values_list(*columns)


Group = tuple[int, int, list[tuple[Any, ...]]]


def _grouped(records: Iterable[tuple[Any, ...]]) -> Iterator[Group]:
    """(project, unit, [record...]) from records ordered by project and unit."""
    current: tuple[int, int] | None = None
    batch: list[tuple[Any, ...]] = []
    for project_id, unit, *rest in records:
        if (project_id, unit) != current:
            if current is not None:
                yield current[0], current[1], batch
            current, batch = (project_id, unit), []
        batch.append(tuple(rest))
    if current is not None:
        yield current[0], current[1], batch


def people_facts(
    anchors: dict[int, int], person_ids: list[int] | None, chunk: int = 5000
) -> Iterator[UnitFact]:
    """The fact rows of these people (all people: None) in these projects (project → anchor),
    built from their service records and shelter stays."""
    for source in PERSON_SOURCES:
        records = _person_records(source, list(anchors), person_ids).iterator(chunk_size=chunk)
        pending: list[Group] = []
        for group in _grouped(records):
            pending.append(group)
            if len(pending) >= chunk:
                yield from _person_batch(source, anchors, pending)
                pending = []
        yield from _person_batch(source, anchors, pending)


def _person_batch(source: str, anchors: dict[int, int], groups: list[Group]) -> Iterator[UnitFact]:
    people = _people(unit for _, unit, _ in groups)
    for project_id, person_id, records in groups:
        # (day, case type[, domain]) → (day, domain, case type); shelter stays have no domain.
        normalised = [
            (record[0], record[2] if len(record) > 2 else "", record[1]) for record in records
        ]
        yield from _person_rows(
            project_id, anchors[project_id], normalised, people[person_id], person_id, source
        )


def trainee_facts(
    anchors: dict[int, int], participant_ids: list[int] | None, chunk: int = 5000
) -> Iterator[UnitFact]:
    """The fact rows of these trainees (all trainees: None) in these projects, built from their
    training participations."""
    rows = TrainingParticipation.objects.filter(training__project_id__in=list(anchors))
    if participant_ids is not None:
        rows = rows.filter(participant_id__in=participant_ids)
    records = rows.order_by("training__project_id", "participant_id").values_list(
        "training__project_id", "participant_id", "training__start_on", "training__province_id"
    )
    pending: list[Group] = []
    for group in _grouped(records.iterator(chunk_size=chunk)):
        pending.append(group)
        if len(pending) >= chunk:
            yield from _trainee_batch(anchors, pending)
            pending = []
    yield from _trainee_batch(anchors, pending)


def _trainee_batch(anchors: dict[int, int], groups: list[Group]) -> Iterator[UnitFact]:
    trainees = {
        row[0]: row[1:]
        for row in Participant.objects.filter(pk__in={unit for _, unit, _ in groups}).values_list(
            "pk", "sex", "area_type", "role", "sector", "birth_year"
        )
    }
    for project_id, participant_id, records in groups:
        sex, area_type, role, sector, birth_year = trainees[participant_id]
        by_province: dict[str, _Row] = defaultdict(_Row)
        for start_on, province in records:
            age = start_on.year - birth_year if birth_year is not None else None
            by_province[province or ""].add(
                anchors[project_id], start_on, age_group=age_group_of(age).value
            )
        for province, row in by_province.items():
            yield _fact(project_id, FactSource.TRAINING, participant_id, "", province, row,
                        participant_id=participant_id, sex=sex or "", area_type=area_type or "",
                        role=role or "", sector=sector or "")  # fmt: skip


def save_facts(facts: Iterable[UnitFact], batch: int = 5000) -> int:
    """Insert these fact rows in batches; returns how many."""
    written, pending = 0, []
    for fact in facts:
        pending.append(fact)
        if len(pending) >= batch:
            written += len(UnitFact.objects.bulk_create(pending))
            pending = []
    return written + len(UnitFact.objects.bulk_create(pending))


def ready_anchors(project_ids: Iterable[int]) -> dict[int, int]:
    """The anchors of those of these projects whose facts are complete."""
    ready = ProjectFigures.objects.filter(project_id__in=list(project_ids), facts_ready=True)
    return {
        project_id: anchor
        for project_id, anchor in ready.values_list("project_id", "facts_anchor")
        if anchor is not None
    }


def _first_record_year(project_id: int) -> int | None:
    years = [
        day.year
        for day in (
            ServiceDelivery.objects.filter(project_id=project_id)
            .order_by("delivered_on")
            .values_list("delivered_on", flat=True)
            .first(),
            ShelterStay.objects.filter(project_id=project_id)
            .order_by("admitted_on")
            .values_list("admitted_on", flat=True)
            .first(),
            TrainingParticipation.objects.filter(training__project_id=project_id)
            .order_by("training__start_on")
            .values_list("training__start_on", flat=True)
            .first(),
        )
        if day is not None
    ]
    return min(years) if years else None


def anchor_for(project: Project) -> int:
    """The first year of a project's month bits: a few years before its start or first
    record, so that records dated a little earlier still fit."""
    start = project.start_on or datetime.date.today()
    first = _first_record_year(project.pk) if project.pk else None
    return min(start.year, first or start.year) - YEARS_BEFORE_START


def facts_anchor(project_id: int) -> int | None:
    """The anchor of the project's month bits, or None while its facts are not complete."""
    return (
        ProjectFigures.objects.filter(project_id=project_id, facts_ready=True)
        .values_list("facts_anchor", flat=True)
        .first()
    )
