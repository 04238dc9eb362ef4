"""Writes for the demo programmes: the projects of donghanh/demo/programme_data.py and the
fictional records from which their computed indicators reproduce the published figures.

People are written in bulk (an audit row per batch) because there are hundreds; everything else
goes through the services. Running it again changes nothing: each part is skipped when it is
already there.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from donghanh.audit.services import audit_record
from donghanh.cases.models import (
    Case,
    CaseNumberSequence,
    CaseStatus,
    CaseType,
    ClosureReason,
    IdentificationStatus,
    IntakeChannel,
    LegalRegime,
    ReintegrationOutcome,
)
from donghanh.cases.selectors import case_number_prefix
from donghanh.casework.models import DischargeReason, ServiceDelivery, ShelterStay
from donghanh.core.actor import Actor
from donghanh.demo.events import DemoEvent
from donghanh.demo.guard import DemoDataError, ensure_demo_allowed
from donghanh.demo.programme_data import (
    CSOS_004,
    PROJECTS,
    ROLE_SECTOR_001,
    SERVED_001,
    SERVED_DOMAINS,
    SHELTERED_003,
    TOPICS_001,
    TRAINEES_001,
    TRAININGS_001,
    WORKSHOP_PROVINCES_004,
    D,
    ProjectSpec,
    fictional_name,
)
from donghanh.indicators.services import project_facts_rebuild
from donghanh.organisations.models import Organisation
from donghanh.people import indexes
from donghanh.people.models import Consent, Person, PersonNameToken
from donghanh.places.models import Commune, LegacyDistrict, LegacyProvince, Province
from donghanh.places.selectors import area_type_default
from donghanh.programmes.finance.services import (
    FundingSourceData,
    budget_line_add,
    funding_split_set,
    spending_record,
)
from donghanh.programmes.outreach.models import SupportKind
from donghanh.programmes.outreach.services import (
    communication_record,
    publication_add,
    supported_organisation_add,
)
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.services import phase_add, project_create, project_province_add
from donghanh.programmes.results.services import (
    goal_add,
    indicator_add,
    indicator_target_set,
    manual_value_record,
    outcome_add,
    output_add,
)
from donghanh.programmes.trainings.models import (
    Participant,
    Training,
    TrainingLevel,
    TrainingParticipation,
)
from donghanh.programmes.trainings.selectors import trainee_index
from donghanh.programmes.trainings.services import session_add, training_add

# The programme services write their audit rows as the demo loader.
_LOADER = Actor.system("load_demo")


@dataclass
class DemoProgrammesReport:
    projects: int = 0
    trainees: int = 0
    participations: int = 0
    persons: int = 0
    services: int = 0
    stays: int = 0
    other: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (self.projects, self.trainees, self.participations, self.persons, self.services,
             self.stays, self.other)
        )  # fmt: skip


# --- helpers ----------------------------------------------------------------------------------


def _organisations(slugs: set[str]) -> dict[str, Organisation]:
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    missing = slugs - set(found)
    if missing:
        raise DemoDataError(
            "Demo organisations are missing (run load_demo first): " + ", ".join(sorted(missing))
        )
    return found


def _province_row(
    project: Project, code: str, legacy_name: str, district_name: str
) -> dict[str, Any]:
    if not legacy_name:
        return {"province": Province.objects.get(pk=code)}
    legacy = LegacyProvince.objects.filter(
        Q(short_name=legacy_name) | Q(name__endswith=legacy_name), current_province_id=code
    ).first()
    if legacy is None:
        raise DemoDataError(f"pre-2025 province {legacy_name} not found")
    if district_name:
        district = LegacyDistrict.objects.filter(province=legacy, name__endswith=district_name)
        found = district.first()
        if found is None:
            raise DemoDataError(f"pre-2025 district {district_name} not found")
        return {"legacy_district": found}
    return {"legacy_province": legacy}


def _project(
    spec: ProjectSpec,
    orgs: dict[str, Organisation],
    report: DemoProgrammesReport,
    *,
    actor: Actor,
) -> Project:
    implementer = orgs[spec.implementer]
    project = Project.objects.filter(implementing_organisation=implementer, code=spec.code).first()
    if project is not None:
        return project
    project = project_create(
        organisation=implementer,
        code=spec.code,
        name=spec.name,
        name_en=spec.name_en,
        description=spec.description,
        start_on=spec.start,
        end_on=spec.end,
        status=spec.status,
        budget_vnd=0,
        partner_organisations=[orgs[s] for s in spec.partners],
        donors=[orgs[s] for s in spec.donors],
        actor=actor,
    )
    report.projects += 1
    for name, start, end, by in spec.phases:
        phase_add(
            project=project,
            name=name,
            start_on=start,
            end_on=end,
            implementing_organisation=orgs[by] if by else None,
            actor=actor,
        )
    for code, legacy_name, district_name in spec.provinces:
        project_province_add(
            project=project,
            actor=actor,
            **_province_row(project, code, legacy_name, district_name),
        )
    if spec.funding:
        funding_split_set(
            project=project,
            expected_version=project.version,
            budget_vnd=spec.budget_vnd,
            sources=[
                FundingSourceData(kind=kind, donor=orgs[slug], amount_vnd=amount)
                for kind, slug, amount in spec.funding
            ],
            actor=actor,
        )
        project.refresh_from_db()
    for code, name, amount, spent in spec.budget_lines:
        line = budget_line_add(
            project=project, code=code, name=name, amount_vnd=amount, actor=actor
        )
        spending_record(
            line=line,
            spent_on=spec.end or spec.start,
            amount_vnd=spent,
            description="Tổng hợp chi theo quyết toán (số liệu minh họa)",
            evidence_text=f"Quyết toán dòng {code}",
            actor=actor,
        )
    _framework(project, spec, actor=actor)
    for title, kind, day in spec.publications:
        publication_add(project=project, title=title, kind=kind, published_on=day, actor=actor)
    for kind, title, day, place, audience, views in spec.communication:
        communication_record(
            project=project,
            kind=kind,
            title=title,
            held_on=day,
            place=place,
            audience=_audience_cells(audience),
            views=views,
            actor=actor,
        )
    return project


def _audience_cells(total: int) -> dict[tuple[str, str], int]:
    """An illustrative split of a live audience by sex and age group."""
    if not total:
        return {}
    shares = {
        ("female", "12_17"): 15,
        ("male", "12_17"): 13,
        ("female", "18_24"): 20,
        ("male", "18_24"): 17,
        ("female", "25_59"): 19,
        ("male", "25_59"): 16,
    }
    cells = {key: total * share // 100 for key, share in shares.items()}
    cells[("female", "25_59")] += total - sum(cells.values())
    return cells


def _framework(project: Project, spec: ProjectSpec, *, actor: Actor) -> None:
    goal = goal_add(project=project, code="1", name=spec.goal, actor=actor)
    for outcome_spec in spec.outcomes:
        outcome = outcome_add(
            goal=goal, code=outcome_spec.code, name=outcome_spec.name, actor=actor
        )
        for output_spec in outcome_spec.outputs:
            output = output_add(
                outcome=outcome, code=output_spec.code, name=output_spec.name, actor=actor
            )
            for ind in output_spec.indicators:
                indicator = indicator_add(
                    project=project,
                    output=output,
                    code=ind.code,
                    name=ind.name,
                    name_en=ind.name_en,
                    unit=ind.unit,
                    aggregation=ind.aggregation,
                    disaggregations=ind.disaggregations,
                    source=ind.source,
                    computed_definition=ind.definition,
                    definition_params=ind.params,
                    actor=actor,
                )
                end = spec.end or D(2026, 12, 31)
                if ind.target is not None:
                    indicator_target_set(
                        indicator=indicator,
                        period_start=spec.start,
                        period_end=end,
                        target_value=Decimal(ind.target),
                        actor=actor,
                    )
                if ind.manual_value is not None:
                    value, evidence = ind.manual_value
                    manual_value_record(
                        indicator=indicator,
                        period_start=spec.start,
                        period_end=end,
                        value=value,
                        evidence_text=evidence,
                        actor=actor,
                    )


def _audit_batch(
    organisation: Organisation,
    kind: str,
    count: int,
    *,
    actor: Actor,
    project: Project | None = None,
) -> None:
    """One audit row for records the loader wrote in bulk, around the services."""
    details: dict[str, Any] = {"kind": kind, "count": count}
    if project is not None:
        details["project"] = project.pk
    audit_record(
        event=DemoEvent.BATCH_CREATED,
        actor=actor.within(organisation),
        target=project,
        details=details,
    )


# --- 001: trainings and trainees --------------------------------------------------------------


def _trainings_001(project: Project, *, actor: Actor) -> list[Training]:
    trainings = list(Training.objects.filter(project=project).order_by("start_on", "id"))
    if trainings:
        return trainings
    today_provinces = {p.pk: p for p in Province.objects.filter(pk__in={"40", "42", "44"})}
    for number, (province, level, place) in enumerate(TRAININGS_001):
        start = D(2021, 3, 1) + datetime.timedelta(days=45 * number)
        training = training_add(
            project=project,
            title=f"Tập huấn {TOPICS_001[number % len(TOPICS_001)].lower()} – đợt {number + 1}",
            topic=TOPICS_001[number % len(TOPICS_001)],
            level=level,
            province=today_provinces[province],
            place=place,
            start_on=start,
            end_on=start + datetime.timedelta(days=1),
            actor=actor,
        )
        for day in range(2):
            session_add(
                training=training,
                held_on=start + datetime.timedelta(days=day),
                title=f"Buổi {day + 1}",
                hours=Decimal(4),
                actor=actor,
            )
        trainings.append(training)
    return trainings


def _trainee_specs() -> list[dict[str, Any]]:
    specs = []
    for index in range(TRAINEES_001):
        sex = "female" if index % 5 < 3 else "male"
        role, sector = ROLE_SECTOR_001[index % len(ROLE_SECTOR_001)]
        specs.append(
            {
                "full_name": fictional_name(index, sex),
                "sex": sex,
                "birth_year": 1968 + index % 33,
                "role": role,
                "sector": sector,
            }
        )
    return specs


def _trainings_of(index: int, count: int) -> list[int]:
    """Which trainings trainee `index` attended: everyone one, some two, a few three."""
    first = index % count
    chosen = [first]
    if index % 3 == 0:
        chosen.append((first + 5) % count)
    if index % 13 == 0:
        chosen.append((first + 9) % count)
    return chosen


@transaction.atomic
def _trainees_001(project: Project, report: DemoProgrammesReport, *, actor: Actor) -> None:
    holder = project.implementing_organisation
    trainings = _trainings_001(project, actor=actor)
    specs = _trainee_specs()
    for spec in specs:
        spec["name_index"] = trainee_index(spec["full_name"], spec["birth_year"])
    existing = dict(
        Participant.objects.filter(
            holder=holder, name_index__in=[s["name_index"] for s in specs]
        ).values_list("name_index", "pk")
    )
    new = []
    for index, spec in enumerate(specs):
        if spec["name_index"] in existing:
            continue
        first = trainings[_trainings_of(index, len(trainings))[0]]
        province = first.province
        new.append(Participant(holder=holder, province=province, **spec))
    if new:
        Participant.objects.bulk_create(new, batch_size=500)
        report.trainees += len(new)
        _audit_batch(holder, "trainees", len(new), actor=actor, project=project)
        existing = dict(
            Participant.objects.filter(
                holder=holder, name_index__in=[s["name_index"] for s in specs]
            ).values_list("name_index", "pk")
        )
    already = set(
        TrainingParticipation.objects.filter(training__project=project).values_list(
            "training_id", "participant_id"
        )
    )
    wanted = []
    for index, spec in enumerate(specs):
        for position in _trainings_of(index, len(trainings)):
            key = (trainings[position].pk, existing[spec["name_index"]])
            if key not in already:
                score = Decimal(45 + index % 30)
                wanted.append(
                    TrainingParticipation(
                        training_id=key[0],
                        participant_id=key[1],
                        pre_score=score,
                        post_score=min(Decimal(100), score + Decimal(20 + index % 15)),
                    )
                )
    if not wanted:
        return
    created = TrainingParticipation.objects.bulk_create(wanted, batch_size=500)
    report.participations += len(created)
    sessions = {t.pk: list(t.sessions.values_list("pk", flat=True)) for t in trainings}
    stored = (
        TrainingParticipation.objects.filter(training__project=project)
        .exclude(
            pk__in=TrainingParticipation.sessions_attended.through.objects.values(
                "trainingparticipation_id"
            )
        )
        .values_list("pk", "training_id")
    )
    through = TrainingParticipation.sessions_attended.through
    rows = [
        through(trainingparticipation_id=pk, trainingsession_id=session)
        for pk, training_id in stored
        for position, session in enumerate(sessions[training_id])
        if position == 0 or pk % 7  # one in seven missed the second day
    ]
    through.objects.bulk_create(rows, batch_size=1000)
    _audit_batch(holder, "participations", len(created), actor=actor, project=project)


# --- persons served and sheltered -------------------------------------------------------------


def _communes(codes: tuple[str, ...], per_province: int) -> list[Commune]:
    communes: list[Commune] = []
    for code in codes:
        communes.extend(Commune.objects.filter(province_id=code).order_by("code")[:per_province])
    return communes


def _case_numbers(organisation: Organisation, year: int, count: int) -> list[str]:
    sequence, _created = CaseNumberSequence.objects.get_or_create(
        organisation=organisation, year=year
    )
    sequence = CaseNumberSequence.objects.select_for_update().get(pk=sequence.pk)
    first = sequence.last_value + 1
    sequence.last_value += count
    sequence.save(update_fields=["last_value"])
    prefix = case_number_prefix(organisation)
    return [f"{prefix}-{year}-{n:04d}" for n in range(first, first + count)]


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    sex: str
    born: datetime.date
    intake: datetime.date
    closed: datetime.date
    commune: Commune | None
    case_type: str


def _people_with_cases(
    organisation: Organisation, people: list[DemoPerson], *, identified: bool, actor: Actor
) -> list[Case]:
    """Persons with consent and a closed case each, written in bulk through the same fields
    and blind indexes the services keep."""
    persons = [
        Person(
            organisation=organisation,
            full_name=p.full_name,
            sex=p.sex,
            date_of_birth=p.born,
            current_commune=p.commune,
            area_type=(area_type_default(p.commune) or "") if p.commune else "",
            name_dob_index=indexes.name_and_birth_date_index(p.full_name, p.born),
        )
        for p in people
    ]
    Person.objects.bulk_create(persons, batch_size=500)
    PersonNameToken.objects.bulk_create(
        [
            PersonNameToken(
                person=person, organisation_id=person.organisation_id, token_index=token
            )
            for person in persons
            for token in indexes.person_token_indexes(person)
        ],
        batch_size=1000,
    )
    Consent.objects.bulk_create(
        [
            Consent(
                person=person,
                purpose=purpose,
                method=Consent.Method.WRITTEN,
                given_by=Consent.GivenBy.PERSON,
                given_on=p.intake,
            )
            for person, p in zip(persons, people, strict=True)
            for purpose in (Consent.Purpose.CASE_MANAGEMENT, Consent.Purpose.STATISTICS)
        ],
        batch_size=1000,
    )
    numbers: dict[int, list[str]] = {}
    for year, group in itertools.groupby(sorted(p.intake.year for p in people)):
        numbers[year] = _case_numbers(organisation, year, len(list(group)))
    cases = []
    for person, p in zip(persons, people, strict=True):
        cases.append(
            Case(
                organisation=organisation,
                person=person,
                number=numbers[p.intake.year].pop(0),
                case_type=p.case_type,
                status=CaseStatus.CLOSED,
                intake_channel=IntakeChannel.NGO_OUTREACH,
                intake_date=p.intake,
                opened_on=p.intake,
                origin_commune=p.commune,
                identification_status=(
                    IdentificationStatus.IDENTIFIED_VICTIM
                    if identified
                    else IdentificationStatus.NOT_IDENTIFIED
                ),
                identified_on=p.intake if identified else None,
                legal_regime=LegalRegime.LAW_66_2011,
                closure_reason=ClosureReason.GOALS_ACHIEVED,
                reintegration_outcome=ReintegrationOutcome.WITH_FAMILY,
                closed_on=p.closed,
            )
        )
    Case.objects.bulk_create(cases, batch_size=500)
    _audit_batch(organisation, "persons_and_cases", len(cases), actor=actor)
    return cases


@transaction.atomic
def _served_001(project: Project, report: DemoProgrammesReport, *, actor: Actor) -> None:
    if ServiceDelivery.objects.filter(project=project).exists():
        return
    organisation = project.implementing_organisation
    communes = _communes(("40", "42", "44"), 12)
    people = []
    for index in range(SERVED_001):
        sex = "female" if index % 4 else "male"
        intake = D(2021, 1, 10) + datetime.timedelta(days=(index * 3) % 540)
        people.append(
            DemoPerson(
                full_name=fictional_name(index + 2000, sex),
                sex=sex,
                born=D(1975 + index % 32, 1 + index % 12, 1 + index % 28),
                intake=intake,
                closed=D(2022, 10, 15),
                commune=communes[index % len(communes)],
                case_type=(
                    CaseType.TRAFFICKING_VICTIM if index % 3 == 0 else CaseType.MIGRANT_AT_RISK
                ),
            )
        )
    cases = _people_with_cases(organisation, people, identified=False, actor=actor)
    deliveries = []
    for index, (case, p) in enumerate(zip(cases, people, strict=True)):
        count = 1 + index % 3
        for step in range(count):
            domain = SERVED_DOMAINS[(index + step * 2) % len(SERVED_DOMAINS)]
            deliveries.append(
                ServiceDelivery(
                    case=case,
                    domain=domain,
                    provider_name="World Vision Việt Nam",
                    delivered_on=p.intake + datetime.timedelta(days=7 + 30 * step),
                    cost_vnd=500_000 * (1 + step),
                    project=project,
                )
            )
    ServiceDelivery.objects.bulk_create(deliveries, batch_size=1000)
    report.persons += len(cases)
    report.services += len(deliveries)
    _audit_batch(organisation, "services", len(deliveries), actor=actor, project=project)


@transaction.atomic
def _sheltered_003(
    project: Project, shelter: Organisation, report: DemoProgrammesReport, *, actor: Actor
) -> None:
    if ShelterStay.objects.filter(project=project).exists():
        return
    people = []
    index = 0
    for group, count, child in SHELTERED_003:
        for _number in range(count):
            sex = "male" if group == "male" or (child and index % 4 == 0) else "female"
            admitted = D(2007, 3, 1) + datetime.timedelta(days=(index * 13) % 5800)
            age = 10 + index % 6 if child else 18 + index % 22
            people.append(
                DemoPerson(
                    full_name=fictional_name(index + 5000, sex),
                    sex=sex,
                    born=D(admitted.year - age - 1, 1 + index % 12, 1 + index % 28)
                    if not child
                    else D(admitted.year - age, 1, 1) - datetime.timedelta(days=index % 200),
                    intake=admitted,
                    closed=admitted + datetime.timedelta(days=90),
                    commune=None,
                    case_type=CaseType.TRAFFICKING_VICTIM,
                )
            )
            index += 1
    cases = _people_with_cases(shelter, people, identified=True, actor=actor)
    stays = [
        ShelterStay(
            case=case,
            shelter=shelter,
            admitted_on=p.intake,
            discharged_on=p.intake + datetime.timedelta(days=60 + n % 60),
            discharge_reason=DischargeReason.REINTEGRATED,
            project=project,
        )
        for n, (case, p) in enumerate(zip(cases, people, strict=True))
    ]
    ShelterStay.objects.bulk_create(stays, batch_size=1000)
    report.persons += len(cases)
    report.stays += len(stays)
    _audit_batch(shelter, "shelter_stays", len(stays), actor=actor, project=project)


# --- 004: organisations supported and workshops -----------------------------------------------


@transaction.atomic
def _csos_004(project: Project, report: DemoProgrammesReport, *, actor: Actor) -> None:
    if project.trainings.exists():
        return
    provinces = {
        p.pk: p for p in Province.objects.filter(pk__in=[c for c, _ in WORKSHOP_PROVINCES_004])
    }
    workshops = []
    for number, (code, place) in enumerate(WORKSHOP_PROVINCES_004):
        day = D(2021, 7, 5) + datetime.timedelta(days=12 * number)
        workshops.append(
            training_add(
                project=project,
                kind="workshop",
                title=f"Hội thảo chia sẻ kết quả báo cáo Tiếng nói Trẻ em Việt Nam 2021 – {place}",
                topic="Tiếng nói Trẻ em Việt Nam 2021",
                level=TrainingLevel.PROVINCE,
                province=provinces[code],
                place=place,
                start_on=day,
                end_on=day,
                actor=actor,
            )
        )
    for index in range(CSOS_004):
        workshop = workshops[index % len(workshops)]
        supported_organisation_add(
            project=project,
            organisation_name=f"Tổ chức xã hội tham gia số {index + 1:03d} ({workshop.place})",
            support_kind=SupportKind.TRAINING if index % 4 else SupportKind.NETWORKING,
            supported_on=workshop.start_on,
            province=workshop.province,
            training=workshop,
            actor=actor,
        )
    report.other += CSOS_004 + len(workshops)


# --- 003: the three training rounds of Project 8 --------------------------------------------


@transaction.atomic
def _workshops_003(project: Project, report: DemoProgrammesReport, *, actor: Actor) -> None:
    if project.trainings.exists():
        return
    for number, (code, place) in enumerate((("01", "Hà Nội"), ("46", "Huế"), ("92", "Cần Thơ"))):
        day = D(2023, 8, 7) + datetime.timedelta(days=21 * number)
        training_add(
            project=project,
            title=f"Tập huấn hỗ trợ phát triển sinh kế cho nạn nhân mua bán người – {place}",
            topic="Quy trình hỗ trợ phát triển sinh kế, hòa nhập cộng đồng",
            level=TrainingLevel.PROVINCE,
            province=Province.objects.get(pk=code),
            place=place,
            start_on=day,
            end_on=day + datetime.timedelta(days=2),
            actor=actor,
        )
        report.other += 1


def demo_programmes_load(*, actor: Actor = _LOADER) -> DemoProgrammesReport:
    """Load the demo programmes; the loader's writes are recorded as `actor` (by default the
    `load_demo` system actor)."""
    ensure_demo_allowed()
    report = DemoProgrammesReport()
    slugs = {s.implementer for s in PROJECTS} | {"ngoi-nha-binh-yen"}
    for spec in PROJECTS:
        slugs |= set(spec.partners) | set(spec.donors) | {slug for _k, slug, _a in spec.funding}
    orgs = _organisations(slugs)
    projects = {}
    for spec in PROJECTS:
        with transaction.atomic():
            projects[spec.code] = _project(spec, orgs, report, actor=actor)
    _trainees_001(projects["001"], report, actor=actor)
    _served_001(projects["001"], report, actor=actor)
    _sheltered_003(projects["003"], orgs["ngoi-nha-binh-yen"], report, actor=actor)
    _workshops_003(projects["003"], report, actor=actor)
    _csos_004(projects["004"], report, actor=actor)
    # The loaders write in bulk, around the services: the facts are built afresh (which
    # makes the figures cached before stale).
    for project in projects.values():
        project_facts_rebuild(actor=actor, project=project)
    return report
