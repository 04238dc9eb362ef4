"""Generate a programme with 1,000,000 service records and 200,000 training participations.

Run on PostgreSQL (see README.md). One real row of each kind is written through the ORM as a
template (so every column, encrypted ones included, has a valid value); the bulk is streamed
with COPY from generators, a row at a time, so memory stays flat whatever the size.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import django

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Model  # noqa: E402

from donghanh.cases.models import Case  # noqa: E402
from donghanh.casework.models import ServiceDelivery  # noqa: E402
from donghanh.core.actor import Actor  # noqa: E402
from donghanh.indicators.services import project_facts_rebuild  # noqa: E402
from donghanh.organisations.models import Membership, Organisation  # noqa: E402
from donghanh.organisations.roles import Role  # noqa: E402
from donghanh.people.models import Person  # noqa: E402
from donghanh.places.models import Commune, Province  # noqa: E402
from donghanh.programmes.projects.models import Project  # noqa: E402
from donghanh.programmes.results.models import (  # noqa: E402
    Aggregation,
    ComputedDefinition,
    Disaggregation,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
)
from donghanh.programmes.trainings.models import Participant, Training, TrainingParticipation  # noqa: E402

SLUG = "bench-programme"
DOMAINS = ["health", "education", "legal", "psychological", "vocational"]
CASE_TYPES = ["trafficking_victim", "migrant_at_risk", "child_at_risk"]
ROLES = ["social_worker", "local_coordinator", "youth_union_officer", "village_head"]
SECTORS = ["labour", "justice", "women", "police", "youth"]
START = datetime.date(2024, 1, 1)


def _template(model: type[Model], pk: int) -> dict[str, Any]:
    """The stored row of one object, column by column (encrypted values as stored)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', [pk])  # noqa: S608
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def _copy(
    model: type[Model], template: dict[str, Any], count: int, vary: Callable[[int], dict[str, Any]]
) -> None:
    """COPY `count` rows like `template`, with the columns `vary(i)` returns."""
    table = model._meta.db_table
    columns = [name for name in template if name != "id"]
    started = time.perf_counter()

    def rows() -> Iterator[tuple[Any, ...]]:
        for index in range(count):
            changes = vary(index)
            yield tuple(changes.get(name, template[name]) for name in columns)

    quoted = ", ".join(f'"{name}"' for name in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
            for row in rows():
                copy.write_row(row)
    print(f"{table}: {count:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def _ids(model: type[Model], project_filter: dict[str, Any]) -> list[int]:
    return list(
        model._default_manager.filter(**project_filter).order_by("id").values_list("id", flat=True)
    )


def generate(services: int, participations: int, people: int, trainees: int) -> Project:
    rng = random.Random(2026)
    provinces = list(Province.objects.order_by("code").values_list("code", flat=True)[:5])
    communes = [
        commune
        for code in provinces
        if (commune := Commune.objects.filter(province_id=code).order_by("code").first())
    ]
    if Organisation.objects.filter(slug=SLUG).exists():
        sys.exit("The benchmark data is already there: drop the database and migrate again.")
    organisation = Organisation.objects.create(
        slug=SLUG, name="Tổ chức thử tải", kind=Organisation.Kind.LOCAL_CSO
    )
    project = Project.objects.create(
        implementing_organisation=organisation, code="BENCH", name="Dự án thử tải"
    )
    served = Indicator.objects.create(
        project=project,
        code="1.1",
        name="Người được hỗ trợ",
        aggregation=Aggregation.UNIQUE_PEOPLE,
        source=IndicatorSource.COMPUTED,
        computed_definition=ComputedDefinition.PERSONS_SERVED,
        disaggregations=[
            Disaggregation.SEX,
            Disaggregation.AGE_GROUP,
            Disaggregation.PROVINCE,
            Disaggregation.AREA_TYPE,
            Disaggregation.TARGET_GROUP,
            Disaggregation.SERVICE_DOMAIN,
        ],
    )
    trained = Indicator.objects.create(
        project=project,
        code="2.1",
        name="Cán bộ được tập huấn",
        aggregation=Aggregation.UNIQUE_PEOPLE,
        source=IndicatorSource.COMPUTED,
        computed_definition=ComputedDefinition.TRAINED_PARTICIPANTS,
        disaggregations=[
            Disaggregation.SEX,
            Disaggregation.PROVINCE,
            Disaggregation.OFFICER_ROLE,
            Disaggregation.SECTOR,
        ],
    )
    legal_or_counselling = Indicator.objects.create(
        project=project,
        code="1.2",
        name="Người được trợ giúp pháp lý hoặc tâm lý",
        aggregation=Aggregation.UNIQUE_PEOPLE,
        source=IndicatorSource.COMPUTED,
        computed_definition=ComputedDefinition.PERSONS_SERVED_BY_DOMAIN,
        definition_params={"domains": ["legal", "psychological"]},
        disaggregations=[
            Disaggregation.SEX,
            Disaggregation.PROVINCE,
            Disaggregation.SERVICE_DOMAIN,
        ],
    )
    for indicator, target in (
        (served, people),
        (legal_or_counselling, people // 2),
        (trained, trainees),
    ):
        for year in (2024, 2025, 2026):
            IndicatorTarget.objects.create(
                indicator=indicator,
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                target_value=target // 3,
            )
    # Templates: one real row of each kind, through the ORM.
    person = Person.objects.create(
        organisation=organisation, full_name="Người Thử Tải", sex="female", estimated_age=30
    )
    case = Case.objects.create(
        organisation=organisation,
        person=person,
        number="BENCH-0",
        case_type=CASE_TYPES[0],
        intake_channel="hotline_111",
        intake_date=START,
        opened_on=START,
    )
    service = ServiceDelivery.objects.create(
        case=case, domain="health", delivered_on=START, project=project
    )
    training = Training.objects.create(
        project=project, title="Tập huấn thử tải", level="province", start_on=START, end_on=START
    )
    participant = Participant.objects.create(
        holder=organisation,
        full_name="Cán Bộ Thử Tải",
        sex="female",
        role=ROLES[0],
        sector=SECTORS[0],
    )
    participation = TrainingParticipation.objects.create(training=training, participant=participant)

    _copy(
        Person,
        _template(Person, person.pk),
        people - 1,
        lambda i: {
            "sex": "female" if rng.random() < 0.7 else "male",
            "estimated_age": rng.randint(8, 65),
            "area_type": rng.choice(["urban", "peri_urban", "rural"]),
            "current_commune_id": communes[i % len(communes)].pk,
        },
    )
    person_ids = _ids(Person, {"organisation": organisation})
    _copy(
        Case,
        _template(Case, case.pk),
        len(person_ids) - 1,
        lambda i: {
            "person_id": person_ids[i + 1],
            "number": f"BENCH-{i + 1}",
            "case_type": rng.choice(CASE_TYPES),
        },
    )
    case_ids = _ids(Case, {"organisation": organisation})
    _copy(
        ServiceDelivery,
        _template(ServiceDelivery, service.pk),
        services - 1,
        lambda i: {
            "case_id": case_ids[rng.randrange(len(case_ids))],
            "domain": rng.choice(DOMAINS),
            "delivered_on": START + datetime.timedelta(days=rng.randrange(3 * 365)),
        },
    )
    _copy(
        Training,
        _template(Training, training.pk),
        1999,
        lambda i: {
            "start_on": START + datetime.timedelta(days=i % (3 * 365)),
            "end_on": START + datetime.timedelta(days=i % (3 * 365)),
            "province_id": provinces[i % len(provinces)],
        },
    )
    training_ids = _ids(Training, {"project": project})
    _copy(
        Participant,
        _template(Participant, participant.pk),
        trainees - 1,
        lambda i: {
            "sex": "female" if rng.random() < 0.6 else "male",
            "role": rng.choice(ROLES),
            "sector": rng.choice(SECTORS),
        },
    )
    participant_ids = _ids(Participant, {"holder": organisation})
    pairs: set[tuple[int, int]] = set()

    def participation_row(i: int) -> dict[str, Any]:
        while True:
            pair = (rng.choice(training_ids), participant_ids[rng.randrange(len(participant_ids))])
            if pair not in pairs:
                pairs.add(pair)
                return {"training_id": pair[0], "participant_id": pair[1]}

    pairs.add((training.pk, participant.pk))
    template = _template(TrainingParticipation, participation.pk)
    _copy(TrainingParticipation, template, participations - 1, participation_row)
    # COPY writes around the services: the pre-counted facts are built from the records.
    started = time.perf_counter()
    facts = project_facts_rebuild(actor=Actor.system("bench"), project=project)
    print(f"pre-counted facts: {facts:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1_000_000)
    parser.add_argument("--participations", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--trainees", type=int, default=60_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL: set DATABASE_URL (see README.md).")
    with transaction.atomic():
        project = generate(args.services, args.participations, args.people, args.trainees)
    with connection.cursor() as cursor:
        # What autovacuum does in time: statistics, and the visibility map that lets the
        # indicators read their covering indexes without visiting the tables.
        cursor.execute("VACUUM ANALYZE")
    user, _ = get_user_model().objects.get_or_create(username="bench.officer")
    Membership.objects.get_or_create(
        user=user,
        organisation=project.implementing_organisation,
        defaults={"role": Role.PROGRAMME_OFFICER},
    )
    print(f"project {project.pk} ready")


if __name__ == "__main__":
    main()
