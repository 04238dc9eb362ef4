"""The pre-counted facts give exactly what counting the records gives, and stay exact as the
services write.

`counted_from_records` is the reference: it counts the records themselves. Random worlds
(people with estimated ages, birth dates or neither, several cases and provinces, services in
several domains and projects, shelter stays, trainings in several provinces, records before
the project started) are counted both ways, for every computed definition, every breakdown,
reporting periods of years, quarters and months, and sets of provinces.
"""

from __future__ import annotations

import datetime
import io
import random
from typing import Any, cast

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from donghanh.cases.models import Case
from donghanh.casework.models import ServiceDelivery, ShelterStay
from donghanh.core.actor import Actor
from donghanh.indicators.compute import Scope, counted_from_records, raw_result
from donghanh.indicators.fact_counts import facts_counts, period_masks
from donghanh.indicators.facts import MONTH_COLUMNS, MONTHS_PER_COLUMN
from donghanh.indicators.models import FactSource, IndicatorTally, ProjectFigures, UnitFact
from donghanh.indicators.periods import indicator_periods
from donghanh.indicators.services import project_facts_rebuild, project_recount, unit_facts_refresh
from donghanh.organisations.models import Organisation
from donghanh.people.models import Person
from donghanh.places.models import Commune
from donghanh.privacy.services import person_deidentify
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import (
    Aggregation,
    ComputedDefinition,
    Disaggregation,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
)
from donghanh.programmes.trainings.models import Participant, Training, TrainingParticipation
from donghanh.testing.factories import OrganisationFactory, UserFactory

DOMAINS = ["health", "legal", "psychological", "vocational"]
CASE_TYPES = ["trafficking_victim", "migrant_at_risk", "child_at_risk", "gbv_survivor"]
ALL_BREAKDOWNS = [
    Disaggregation.SEX,
    Disaggregation.AGE_GROUP,
    Disaggregation.PROVINCE,
    Disaggregation.AREA_TYPE,
    Disaggregation.TARGET_GROUP,
    Disaggregation.SERVICE_DOMAIN,
    Disaggregation.OFFICER_ROLE,
    Disaggregation.SECTOR,
]
PERIODS = [
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)),
    (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)),
    (datetime.date(2025, 4, 1), datetime.date(2025, 12, 31)),
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28)),
    (datetime.date(2023, 7, 1), datetime.date(2026, 6, 30)),
]


def _day(rng: random.Random) -> datetime.date:
    return datetime.date(2023, 6, 1) + datetime.timedelta(days=rng.randrange(3 * 365 + 200))


def _people(rng: random.Random, organisation: Organisation, communes: list[Commune]) -> list[Case]:
    cases = []
    for index in range(24):
        kind = index % 3  # an estimated age, a birth date, or neither
        person = Person.objects.create(
            organisation=organisation,
            full_name=f"Người Mẫu {index}",
            sex=rng.choice(["female", "male", "other"]),
            area_type=rng.choice(["urban", "rural", ""]),
            current_commune=rng.choice([*communes, None]),
            estimated_age=rng.randint(5, 70) if kind == 0 else None,
            date_of_birth=datetime.date(rng.randint(1960, 2015), rng.randint(1, 12), 28)
            if kind == 1
            else None,
        )
        if kind == 0:
            Person.objects.filter(pk=person.pk).update(
                age_estimated_on=datetime.date(rng.randint(2020, 2025), 6, 1)
            )
        for number in range(rng.choice([1, 1, 2])):
            cases.append(
                Case.objects.create(
                    organisation=organisation,
                    person=person,
                    number=f"M-{index}-{number}",
                    case_type=rng.choice(CASE_TYPES),
                    intake_channel="hotline_111",
                    intake_date=datetime.date(2023, 1, 1),
                    opened_on=datetime.date(2023, 1, 1),
                )
            )
    return cases


def _records(rng: random.Random, project: Project, other: Project, cases: list[Case]) -> None:
    shelter = cast(Organisation, OrganisationFactory())
    for _ in range(90):
        ServiceDelivery.objects.create(
            case=rng.choice(cases),
            domain=rng.choice(DOMAINS),
            delivered_on=_day(rng),
            project=rng.choice([project, project, project, other, None]),
        )
    for _ in range(12):
        ShelterStay.objects.create(
            case=rng.choice(cases),
            shelter=shelter,
            admitted_on=_day(rng),
            project=rng.choice([project, project, other]),
        )


def _trainings(rng: random.Random, project: Project, provinces: list[str]) -> None:
    trainings = [
        Training.objects.create(
            project=project,
            title=f"Tập huấn {index}",
            level="province",
            province_id=rng.choice([*provinces, None]),
            start_on=(day := _day(rng)),
            end_on=day,
        )
        for index in range(7)
    ]
    trainees = [
        Participant.objects.create(
            holder=project.implementing_organisation,
            full_name=f"Học Viên {index}",
            sex=rng.choice(["female", "male"]),
            birth_year=rng.choice([None, rng.randint(1950, 2012)]),
            role=rng.choice(["social_worker", "village_head"]),
            sector=rng.choice(["labour", "police"]),
            area_type=rng.choice(["urban", "rural", ""]),
        )
        for index in range(16)
    ]
    pairs = {(rng.choice(trainings), rng.choice(trainees)) for _ in range(40)}
    for training, trainee in pairs:
        TrainingParticipation.objects.create(training=training, participant=trainee)


def _indicator(project: Project, code: str, definition: str, **params: Any) -> Indicator:
    indicator = Indicator.objects.create(
        project=project,
        code=code,
        name=f"Chỉ số {code}",
        aggregation=Aggregation.UNIQUE_PEOPLE,
        source=IndicatorSource.COMPUTED,
        computed_definition=definition,
        definition_params=params,
        disaggregations=ALL_BREAKDOWNS,
    )
    for start, end in PERIODS:
        IndicatorTarget.objects.create(
            indicator=indicator, period_start=start, period_end=end, target_value=10
        )
    return indicator


def _world(seed: int) -> tuple[Project, list[Indicator], list[str]]:
    rng = random.Random(seed)
    organisation = cast(Organisation, OrganisationFactory())
    communes = list(Commune.objects.order_by("code")[::400][:4])
    provinces = sorted({commune.province_id for commune in communes})
    project, other = (
        Project.objects.create(
            implementing_organisation=organisation,
            code=code,
            name=f"Dự án {code}",
            start_on=datetime.date(2024, 1, 1),
        )
        for code in ("F1", "F2")
    )
    _records(rng, project, other, _people(rng, organisation, communes))
    _trainings(rng, project, provinces)
    project_facts_rebuild(actor=Actor.system("tests"), project=project)
    served = ComputedDefinition.PERSONS_SERVED
    by_domain = ComputedDefinition.PERSONS_SERVED_BY_DOMAIN
    indicators = [
        _indicator(project, "1", served),
        _indicator(project, "2", by_domain, domains=["legal"]),
        _indicator(project, "3", by_domain, domains=["health", "psychological"]),
        _indicator(project, "4", by_domain),
        _indicator(project, "5", ComputedDefinition.SHELTERED_PERSONS),
        _indicator(project, "6", ComputedDefinition.TRAINED_PARTICIPANTS),
    ]
    return project, indicators, provinces


def _reference(indicator: Indicator, provinces: tuple[str, ...]) -> Any:
    whole, periods, breakdowns = counted_from_records(indicator, Scope(provinces=provinces))
    return whole, periods, {name: cells for name, cells in breakdowns.items() if cells}


def _from_facts(indicator: Indicator, provinces: tuple[str, ...]) -> Any:
    reporting = [(period.start, period.end) for period in indicator_periods(indicator)]
    return facts_counts(indicator, reporting, provinces)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_facts_count_exactly_what_the_records_count(db: None, seed: int) -> None:
    _project, indicators, provinces = _world(seed)
    for indicator in indicators:
        for scope in [(), (provinces[0],), tuple(provinces[:2])]:
            expected = _reference(indicator, scope)
            assert _from_facts(indicator, scope) == expected, (indicator.code, scope)
    served = _reference(indicators[0], ())
    assert served[0] > 10 and any(served[1]), "the world must have something to count"
    assert len(served[2][Disaggregation.AGE_GROUP]) > 2


def _facts_table(project: Project) -> list[tuple[Any, ...]]:
    columns = [
        "source", "unit", "domain", "province", "sex", "area_type", "role", "sector",
        *MONTH_COLUMNS, "overflow", "domains", "age_groups", "target_groups",
    ]  # fmt: skip
    return sorted(UnitFact.objects.filter(project=project).values_list(*columns))


def test_refreshing_a_unit_gives_what_a_rebuild_gives(db: None) -> None:
    project, indicators, _provinces = _world(7)
    built = _facts_table(project)
    assert built, "the world must have facts"
    person = ServiceDelivery.objects.filter(project=project).first().case.person  # type: ignore[union-attr]
    Person.objects.filter(pk=person.pk).update(sex="other", estimated_age=None)
    ServiceDelivery.objects.filter(case__person=person, project=project).update(domain="legal")
    unit_facts_refresh(
        actor=Actor.system("tests"), project_ids=[project.pk], person_ids=[person.pk]
    )
    refreshed = _facts_table(project)
    assert refreshed != built
    project_facts_rebuild(actor=Actor.system("tests"), project=project)
    assert _facts_table(project) == refreshed
    for indicator in indicators:
        assert _from_facts(indicator, ()) == _reference(indicator, ())


@given(
    start=st.dates(datetime.date(2015, 1, 1), datetime.date(2040, 12, 31)),
    months=st.integers(0, 40),
)
def test_a_period_of_whole_months_is_exactly_its_bits(start: datetime.date, months: int) -> None:
    anchor = 2019
    first = start.replace(day=1)
    last_month = first.month - 1 + months
    end_first = datetime.date(first.year + last_month // 12, last_month % 12 + 1, 1)
    end = (end_first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    masks = period_masks(anchor, first, end)
    start_index = (first.year - anchor) * 12 + first.month - 1
    end_index = (end.year - anchor) * 12 + end.month - 1
    if start_index < 0 or end_index >= MONTHS_PER_COLUMN * len(MONTH_COLUMNS):
        assert masks is None
        return
    assert masks is not None
    bits = [
        column * MONTHS_PER_COLUMN + bit
        for column, mask in enumerate(masks)
        for bit in range(MONTHS_PER_COLUMN)
        if mask >> bit & 1
    ]
    assert bits == list(range(start_index, end_index + 1))
    assert all(0 <= mask < 2**60 for mask in masks)
    if first.day == 1 and start.day != 1:
        assert period_masks(anchor, start, end) is None  # not whole months


def test_what_the_facts_cannot_answer_is_counted_from_the_records(db: None) -> None:
    project, indicators, _provinces = _world(5)
    served = indicators[0]
    assert _from_facts(served, ()) is not None
    mid_month = IndicatorTarget.objects.filter(indicator=served).first()
    assert mid_month is not None
    IndicatorTarget.objects.filter(pk=mid_month.pk).update(period_start=datetime.date(2024, 1, 15))
    assert _from_facts(served, ()) is None
    IndicatorTarget.objects.filter(pk=mid_month.pk).update(period_start=datetime.date(2024, 1, 1))
    # A record years before the anchor: its month has no bit.
    case = Case.objects.filter(person__organisation=project.implementing_organisation).first()
    assert case is not None
    ServiceDelivery.objects.create(
        case=case, domain="health", delivered_on=datetime.date(2017, 5, 1), project=project
    )
    unit_facts_refresh(
        actor=Actor.system("tests"), project_ids=[project.pk], person_ids=[case.person_id]
    )
    assert _from_facts(served, ()) is None
    assert raw_result(served).total == _reference(served, ())[0]
    # A new anchor, before that record.
    project_facts_rebuild(actor=Actor.system("tests"), project=project)
    assert _from_facts(served, ()) == _reference(served, ())
    ProjectFigures.objects.filter(project=project).update(facts_ready=False)
    assert _from_facts(served, ()) is None


def test_counting_takes_the_same_queries_for_any_number_of_units(db: None) -> None:
    project, indicators, _provinces = _world(6)

    def queries(use_tally: bool) -> list[int]:
        counts = []
        for indicator in indicators:
            reporting = [(period.start, period.end) for period in indicator_periods(indicator)]
            with CaptureQueriesContext(connection) as captured:
                counted = facts_counts(indicator, reporting, (), use_tally=use_tally)
            assert counted == _reference(indicator, ())
            counts.append(len(captured))
        return counts

    project_recount(actor=Actor.system("tests"), project=project)
    rows_before, tally_before = queries(False), queries(True)
    assert max(rows_before) <= 5
    assert tally_before == [2] * len(indicators)  # the anchor, then the tally's cells
    _records(random.Random(8), project, project, list(Case.objects.all()))
    project_facts_rebuild(actor=Actor.system("tests"), project=project)
    assert (queries(False), queries(True)) == (rows_before, tally_before)
    assert UnitFact.objects.filter(project=project, source=FactSource.SERVICES).exists()


def test_the_command_rebuilds_and_checks_the_facts(db: None) -> None:
    project, _indicators, _provinces = _world(10)
    out = io.StringIO()
    call_command("rebuild_indicator_facts", "--project", str(project.pk), stdout=out)
    assert f"{project.pk}" in out.getvalue()
    call_command("rebuild_indicator_facts", "--check", stdout=out)
    fact = UnitFact.objects.filter(project=project, source=FactSource.SERVICES, domain="").first()
    assert fact is not None
    UnitFact.objects.filter(pk=fact.pk).update(sex="male" if fact.sex != "male" else "female")
    with pytest.raises(CommandError):
        call_command("rebuild_indicator_facts", "--check", stdout=out)
    assert "1, 4" in out.getvalue()  # the indicators broken down by sex over all domains
    call_command("rebuild_indicator_facts", stdout=out)
    call_command("rebuild_indicator_facts", "--check", stdout=out)


def test_running_tallies_stay_exact_through_any_writes(db: None) -> None:
    project, indicators, _provinces = _world(11)
    other = Project.objects.get(implementing_organisation=project.implementing_organisation,
                                code="F2")  # fmt: skip
    project_facts_rebuild(actor=Actor.system("tests"), project=other)
    project_recount(actor=Actor.system("tests"), project=project)
    rng = random.Random(12)
    cases = list(Case.objects.filter(organisation=project.implementing_organisation))
    trainings = list(Training.objects.filter(project=project))
    communes = list(Commune.objects.order_by("code")[::500][:3])

    def write() -> None:
        case = rng.choice(cases)
        person = case.person_id
        kind = rng.randrange(5)
        if kind == 0:  # a new service, perhaps in a month no period covers
            ServiceDelivery.objects.create(case=case, domain=rng.choice(DOMAINS),
                                           delivered_on=_day(rng), project=project)  # fmt: skip
        elif kind == 1:  # the person's sex, place and age change
            Person.objects.filter(pk=person).update(
                sex=rng.choice(["female", "male"]),
                current_commune=rng.choice([*communes, None]),
                estimated_age=rng.choice([None, rng.randint(10, 70)]),
            )
        elif kind == 2:  # a service moves to the other project, or is deleted
            service = ServiceDelivery.objects.filter(case__person_id=person).first()
            if service is not None and rng.random() < 0.5:
                ServiceDelivery.objects.filter(pk=service.pk).update(project=other)
            elif service is not None:
                service.delete()
        elif kind == 3:  # the case type changes
            Case.objects.filter(pk=case.pk).update(case_type=rng.choice(CASE_TYPES))
        else:  # a trainee attends one more training
            trainee = rng.choice(
                list(Participant.objects.filter(holder=project.implementing_organisation))
            )
            training = rng.choice(trainings)
            TrainingParticipation.objects.get_or_create(training=training, participant=trainee)
            unit_facts_refresh(
                actor=Actor.system("tests"), project_ids=[project.pk], participant_ids=[trainee.pk]
            )
            return
        unit_facts_refresh(
            actor=Actor.system("tests"), project_ids=[project.pk, other.pk], person_ids=[person]
        )

    for step in range(40):
        write()
        if step % 8 == 7:
            for indicator in indicators:
                expected = _reference(indicator, ())
                assert _from_facts(indicator, ()) == expected, (step, indicator.code)
                reporting = [(p.start, p.end) for p in indicator_periods(indicator)]
                assert facts_counts(indicator, reporting, (), use_tally=False) == expected
    assert IndicatorTally.objects.filter(indicator__project=project).count() == len(indicators)
    for indicator in indicators:  # still read from the tallies: the anchor, then the cells
        reporting = [(p.start, p.end) for p in indicator_periods(indicator)]
        with CaptureQueriesContext(connection) as captured:
            facts_counts(indicator, reporting, ())
        assert len(captured) == 2


def test_a_de_identified_person_is_counted_as_the_record_now_says(db: None) -> None:
    project, indicators, _provinces = _world(13)
    project_recount(actor=Actor.system("tests"), project=project)
    person = (
        Person.objects.filter(
            cases__services__project=project,
            current_commune__isnull=False,
            date_of_birth__isnull=False,
        )
        .distinct()
        .first()
    )
    assert person is not None
    before = _reference(indicators[0], ())
    person_deidentify(person=person, actor=Actor.for_user(UserFactory()))
    after = _reference(indicators[0], ())
    assert after != before  # the province went; the age is now an estimate
    for indicator in indicators:
        assert _from_facts(indicator, ()) == _reference(indicator, ())
