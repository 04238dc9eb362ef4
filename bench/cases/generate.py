"""Generate fictional persons and cases at scale for the case management benchmark.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.cases.generate --cases 100000

Needs the demo data first (`load_demo`, `load_directory_demo`). Writes with bulk inserts in
batches (one transaction each), so memory stays bounded whatever N; a second run continues
where the first stopped (the target is the total number of generated cases). Encrypted fields
and blind indexes are written with the functions the services use, so search, duplicate checks
and decryption work on generated rows exactly as on rows typed in by a case worker.
Never run against a production database: it refuses when demo data is not allowed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import math
import os
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from django.db import connection, models, reset_queries, transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from bench.cases import names  # noqa: E402
from donghanh.accounts.models import User  # noqa: E402
from donghanh.audit.models import AuditAction, AuditEntry  # noqa: E402
from donghanh.cases.models import (  # noqa: E402
    Case,
    CaseAssignment,
    CaseNumberSequence,
    CaseRestriction,
    CaseStatus,
    CaseStatusChange,
    CaseType,
    ClosureReason,
    IdentificationStatus,
    IntakeChannel,
    ReintegrationOutcome,
)
from donghanh.cases.selectors import case_number_prefix, legal_regime_for  # noqa: E402
from donghanh.casework.duedates import cases_next_due_refresh  # noqa: E402
from donghanh.casework.models import (  # noqa: E402
    ActionStatus,
    AssessedNeed,
    CasePlan,
    DischargeReason,
    FollowUp,
    FollowUpMethod,
    NeedLevel,
    NeedsAssessment,
    PlanAction,
    PlanGoal,
    PlanStatus,
    ServiceDelivery,
    ShelterStay,
)
from donghanh.core.text import nfc  # noqa: E402
from donghanh.demo.data import ORGANISATIONS  # noqa: E402
from donghanh.demo.guard import ensure_demo_allowed  # noqa: E402
from donghanh.directory.models import Provider  # noqa: E402
from donghanh.organisations.models import Membership, Organisation  # noqa: E402
from donghanh.organisations.roles import Role  # noqa: E402
from donghanh.people import indexes  # noqa: E402
from donghanh.people.models import (  # noqa: E402
    Consent,
    Ethnicity,
    Guardian,
    Person,
    PersonNameToken,
    Sex,
)
from donghanh.places.models import Commune  # noqa: E402
from donghanh.reference.codelists import (  # noqa: E402
    CONTROL_MEANS,
    EXPLOITATION_TYPES,
    ILO_INDICATORS,
    RELATIONS_TO_TRAFFICKER,
    IloAnswer,
)
from donghanh.referrals.models import Referral, ReferralStatus, SharedSection  # noqa: E402
from donghanh.referrals.snapshot import take_snapshot  # noqa: E402

BENCH_USER_PREFIX = "bench."
# The audit rows of generated records name the generator where a browser would be named.
GENERATOR = "bench.cases.generate"
PEACE_HOUSE = "ngoi-nha-binh-yen"

# Organisations that hold cases, their share of all cases and their case types (weights).
CASE_ORGANISATIONS: dict[str, tuple[float, dict[str, int]]] = {
    PEACE_HOUSE: (
        0.30,
        {
            CaseType.TRAFFICKING_VICTIM: 45,
            CaseType.GBV_SURVIVOR: 25,
            CaseType.UNDERGOING_IDENTIFICATION: 15,
            CaseType.ACCOMPANYING_MINOR: 10,
            CaseType.CHILD_AT_RISK: 5,
        },
    ),
    "world-vision-viet-nam": (
        0.35,
        {
            CaseType.MIGRANT_AT_RISK: 40,
            CaseType.TRAFFICKING_VICTIM: 30,
            CaseType.CHILD_AT_RISK: 20,
            CaseType.UNDERGOING_IDENTIFICATION: 10,
        },
    ),
    "care-viet-nam": (
        0.20,
        {CaseType.SEX_WORKER: 70, CaseType.GBV_SURVIVOR: 20, CaseType.TRAFFICKING_VICTIM: 10},
    ),
    "cuu-tro-tre-em-viet-nam": (
        0.15,
        {
            CaseType.CHILD_AT_RISK: 60,
            CaseType.ACCOMPANYING_MINOR: 20,
            CaseType.MIGRANT_AT_RISK: 20,
        },
    ),
}
# Where the people of every organisation mostly come from, beyond its own provinces: the
# 001 programme's provinces and the northern border provinces.
ORIGIN_PROVINCES = ("40", "42", "44", "15", "04", "08", "11", "12", "14")
INTAKE_CHANNELS = {
    IntakeChannel.HOTLINE_111: 20,
    IntakeChannel.POLICE: 20,
    IntakeChannel.BORDER_GUARD: 15,
    IntakeChannel.COMMUNE_COMMITTEE: 15,
    IntakeChannel.SELF_REFERRAL: 12,
    IntakeChannel.NGO_OUTREACH: 12,
    IntakeChannel.EMBASSY_ABROAD: 5,
    IntakeChannel.OTHER: 1,
}
DESTINATIONS = {"CN": 45, "KH": 10, "LA": 8, "MY": 8, "TW": 6, "KR": 5, "JP": 5, "SA": 3, "GB": 5}
TRANSIT = ("CN", "LA", "KH", "TH", "RU", "PL", "FR", "DE")
ETHNICITIES = {
    Ethnicity.KINH: 80,
    Ethnicity.HMONG: 6,
    Ethnicity.THAI: 4,
    Ethnicity.TAY: 3,
    Ethnicity.DAO: 2,
    Ethnicity.MUONG: 2,
    Ethnicity.KHMER: 1,
    Ethnicity.NUNG: 1,
    Ethnicity.OTHER: 1,
}
SERVICE_DOMAINS = {
    "essential_needs": 20,
    "health": 18,
    "psychological": 18,
    "legal": 12,
    "vocational": 10,
    "documents": 8,
    "travel": 8,
    "education": 4,
    "safety": 2,
}
REGIME_OF_DOMAIN = {
    "essential_needs": "a",
    "health": "b",
    "legal": "d",
    "travel": "e",
    "psychological": "g",
    "education": "h",
    "vocational": "i",
}
# Cases reach back this far; more of them are recent.
HISTORY_DAYS = 6 * 365
CASES_PER_WORKER = 300


def pick(rng: random.Random, weighted: dict[Any, int] | dict[Any, float]) -> Any:
    return rng.choices(list(weighted), list(weighted.values()))[0]


@contextlib.contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let generated rows carry their historical times instead of "now".

    `auto_now` and `auto_now_add` would stamp every generated row with the moment of the run,
    which makes "most recently changed first" meaningless; the generator sets them itself.
    """
    switched: list[tuple[Any, bool, bool]] = []
    for model in model_classes:
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(
                model_field, "auto_now_add", False
            ):
                switched.append((model_field, model_field.auto_now, model_field.auto_now_add))  # type: ignore[attr-defined]
                model_field.auto_now = model_field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in switched:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


@dataclass
class OrgSetup:
    organisation: Organisation
    share: float
    case_types: dict[str, int]
    workers: list[User]
    supervisors: list[User]
    communes: list[Commune]
    prefix: str


@dataclass
class World:
    orgs: list[OrgSetup]
    all_communes: list[Commune]
    origin_communes: list[Commune]
    providers: list[Provider]
    today: datetime.date
    now: datetime.datetime
    peace_house: Organisation


@dataclass
class Batch:
    persons: list[Person] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    orgs: list[OrgSetup] = field(default_factory=list)
    workers: list[list[User]] = field(default_factory=list)


def _bench_user(username: str, full_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "email": f"{username}@example.org"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _members(organisation: Organisation, role: str) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation=organisation, role=role, is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    ]


def _org_provinces(slug: str) -> tuple[str, ...]:
    for spec in ORGANISATIONS:
        if spec.slug == slug:
            return spec.provinces
    return ()


@transaction.atomic
def prepare_world(total_cases: int, rng: random.Random) -> World:
    """The organisations, their case workers (demo users and generated ones) and places."""
    all_communes = list(Commune.objects.order_by("code"))
    by_province: dict[str, list[Commune]] = defaultdict(list)
    for commune in all_communes:
        by_province[commune.province_id].append(commune)
    origin = [c for code in ORIGIN_PROVINCES for c in by_province.get(code, [])]
    orgs = []
    for slug, (share, case_types) in CASE_ORGANISATIONS.items():
        organisation = Organisation.objects.get(slug=slug)
        wanted = max(3, math.ceil(total_cases * share / CASES_PER_WORKER))
        workers = _members(organisation, Role.CASE_WORKER)
        short = slug.split("-")[0][:8]
        number = 0
        while len(workers) < wanted:
            number += 1
            female = rng.random() < 0.7
            name, _other = names.full_name(random.Random(f"{slug}-{number}"), female=female)
            user = _bench_user(f"{BENCH_USER_PREFIX}cw{number:03d}.{short}", name)
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": Role.CASE_WORKER}
            )
            if user not in workers:
                workers.append(user)
        supervisors = _members(organisation, Role.SUPERVISOR)
        if not supervisors:
            user = _bench_user(f"{BENCH_USER_PREFIX}sup.{short}", "Nguyễn Thị Bảo Ngọc")
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": Role.SUPERVISOR}
            )
            supervisors = [user]
        communes = [c for code in _org_provinces(slug) for c in by_province.get(code, [])]
        orgs.append(
            OrgSetup(
                organisation=organisation,
                share=share,
                case_types=case_types,
                workers=workers,
                supervisors=supervisors,
                communes=communes or all_communes,
                prefix=case_number_prefix(organisation),
            )
        )
    return World(
        orgs=orgs,
        all_communes=all_communes,
        origin_communes=origin or all_communes,
        providers=list(Provider.objects.order_by("pk")),
        today=timezone.localdate(),
        now=timezone.now(),
        peace_house=Organisation.objects.get(slug=PEACE_HOUSE),
    )


def generated_so_far() -> int:
    """How many cases earlier runs generated: their opening audit rows say who wrote them."""
    return AuditEntry.objects.filter(
        user_agent=GENERATOR, target_type=Case._meta.label_lower
    ).count()


# --- One batch ----------------------------------------------------------------------------


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time(7 + rng.randrange(10), rng.randrange(60)))
    return timezone.make_aware(moment)


def _days_ago(world: World, rng: random.Random) -> int:
    # More recent cases than old ones: the square skews towards zero.
    return int(HISTORY_DAYS * rng.random() ** 1.6)


def _phone(rng: random.Random) -> str:
    digits = f"{rng.choice(('9', '8', '3', '7'))}{rng.randrange(10**8):08d}"
    style = rng.random()
    if style < 0.6:
        return f"0{digits}"
    if style < 0.85:
        return f"0{digits[:3]} {digits[3:6]} {digits[6:]}"
    return f"+84 {digits}"


def _id_number(rng: random.Random, born: datetime.date | None, female: bool) -> str:
    century = (0 if born is None or born.year < 2000 else 2) + (1 if female else 0)
    year = born.year % 100 if born else rng.randrange(100)
    return f"0{rng.randrange(1, 97):02d}{century}{year:02d}{rng.randrange(10**6):06d}"


def make_person(
    world: World, setup: OrgSetup, case_type: str, intake: datetime.date, rng: random.Random
) -> Person:
    minor_types = (CaseType.CHILD_AT_RISK, CaseType.ACCOMPANYING_MINOR)
    if case_type in minor_types:
        age = rng.randrange(3, 18)
    elif case_type == CaseType.SEX_WORKER:
        age = rng.randrange(18, 45)
    else:
        age = min(70, int(rng.gauss(24, 7)) if rng.random() < 0.9 else rng.randrange(16, 60))
        age = max(age, 13)
    female = rng.random() < (0.92 if case_type == CaseType.SEX_WORKER else 0.72)
    full_name, other_names = names.full_name(rng, female=female)
    born: datetime.date | None = None
    estimated_age: int | None = None
    if rng.random() < 0.85:
        born = intake - datetime.timedelta(days=age * 365 + rng.randrange(365))
    else:
        estimated_age = age
    commune = rng.choice(setup.communes if rng.random() < 0.6 else world.origin_communes)
    current_address = f"Thôn {rng.randrange(1, 15)}, {commune.name}" if rng.random() < 0.8 else ""
    person = Person(
        organisation=setup.organisation,
        full_name=nfc(full_name),
        other_names=nfc(other_names),
        sex=Sex.FEMALE if female else Sex.MALE,
        date_of_birth=born,
        estimated_age=estimated_age,
        age_estimated_on=intake if estimated_age is not None else None,
        ethnicity=pick(rng, ETHNICITIES),
        nationality="VN" if rng.random() < 0.97 else rng.choice(("KH", "LA", "CN", "XX")),
        id_number=_id_number(rng, born, female) if rng.random() < 0.6 else "",
        phone=_phone(rng) if rng.random() < 0.7 else "",
        current_address=current_address,
        current_commune=commune if current_address else None,
        area_type=rng.choice(("rural", "rural", "peri_urban", "urban")),
        pre_2025_address=f"Xóm {rng.randrange(1, 20)}, xã cũ" if rng.random() < 0.3 else "",
    )
    # The same indexes the services write (cases.services._refresh_indexes).
    person.name_dob_index = indexes.name_and_birth_date_index(
        person.full_name, person.date_of_birth
    )
    person.id_number_index = indexes.id_number_index(person.id_number)
    person.phone_index = indexes.phone_index(person.phone)
    return person


def _closure(case: Case, world: World, rng: random.Random, days_ago: int) -> None:
    """Older cases are mostly closed; a few are waiting for approval or reopened."""
    roll = rng.random()
    closable = days_ago > 120 and roll < min(0.85, days_ago / 900)
    if closable:
        case.status = CaseStatus.CLOSED
        case.closure_reason = pick(
            rng,
            {
                ClosureReason.GOALS_ACHIEVED: 60,
                ClosureReason.LOST_CONTACT: 12,
                ClosureReason.DECLINED_SUPPORT: 8,
                ClosureReason.MOVED_AWAY: 8,
                ClosureReason.TRANSFERRED: 7,
                ClosureReason.OTHER: 5,
            },
        )
        case.reintegration_outcome = pick(
            rng,
            {
                ReintegrationOutcome.WITH_FAMILY: 55,
                ReintegrationOutcome.IN_COMMUNITY: 20,
                ReintegrationOutcome.UNKNOWN: 15,
                ReintegrationOutcome.MIGRATED_AGAIN: 5,
                ReintegrationOutcome.IN_INSTITUTION: 5,
            },
        )
        case.closed_on = min(
            world.today, case.opened_on + datetime.timedelta(days=rng.randrange(60, 400))
        )
        if rng.random() < 0.02:
            case.status = CaseStatus.REOPENED
            case.reopen_count = 1
    elif rng.random() < 0.03:
        case.status = CaseStatus.CLOSURE_REQUESTED
        case.closure_reason = ClosureReason.GOALS_ACHIEVED
        case.reintegration_outcome = ReintegrationOutcome.WITH_FAMILY


def make_case(
    world: World, setup: OrgSetup, person: Person, case_type: str, intake: datetime.date,
    rng: random.Random, days_ago: int, creator: User,
) -> Case:  # fmt: skip
    channel = pick(rng, INTAKE_CHANNELS)
    journey = case_type in (
        CaseType.TRAFFICKING_VICTIM,
        CaseType.UNDERGOING_IDENTIFICATION,
        CaseType.MIGRANT_AT_RISK,
        CaseType.ACCOMPANYING_MINOR,
    )
    case = Case(
        organisation=setup.organisation,
        person=person,
        case_type=case_type,
        intake_channel=channel,
        intake_date=intake,
        is_abroad=channel == IntakeChannel.EMBASSY_ABROAD,
        intake_note=rng.choice(names.INTAKE_NOTES),
        opened_on=min(world.today, intake + datetime.timedelta(days=rng.randrange(3))),
        version=1 + rng.randrange(5),
        created_by=creator,
    )
    if journey:
        case.origin_commune = rng.choice(world.origin_communes)
        case.destination_country = pick(rng, DESTINATIONS)
        if rng.random() < 0.3:
            case.transit_countries = rng.sample(TRANSIT, rng.randrange(1, 3))
        departure = intake - datetime.timedelta(days=rng.randrange(30, 900))
        case.departure_date = departure
        case.return_date = intake - datetime.timedelta(days=rng.randrange(0, 20))
        if case.return_date < departure:
            case.return_date = departure
        case.recruiter_relation = rng.choice(RELATIONS_TO_TRAFFICKER.values)
        case.recruiter_details = rng.choice(names.RECRUITER_DETAILS)
        case.journey_details = rng.choice(names.JOURNEY_DETAILS)
        case.exploitation_types = rng.sample(EXPLOITATION_TYPES.values[:8], rng.randrange(1, 3))
        case.control_means = rng.sample(CONTROL_MEANS.values, rng.randrange(1, 4))
        if rng.random() < 0.6:
            case.ilo_indicators = {
                code.code: rng.choice(IloAnswer.VALUES) for code in ILO_INDICATORS
            }
            case.screened_on = min(world.today, intake + datetime.timedelta(days=2))
    if case_type == CaseType.TRAFFICKING_VICTIM and rng.random() < 0.75:
        case.identification_status = IdentificationStatus.IDENTIFIED_VICTIM
        identified = intake + datetime.timedelta(days=rng.randrange(1, 30))
        case.identified_on = min(world.today, identified)
        case.identifying_agency = rng.choice(names.IDENTIFYING_AGENCIES)
    elif case_type == CaseType.UNDERGOING_IDENTIFICATION:
        case.identification_status = IdentificationStatus.UNDERGOING
    case.legal_regime = legal_regime_for(identified_on=case.identified_on, intake_date=intake)
    _closure(case, world, rng, days_ago)
    case.is_restricted = rng.random() < 0.005
    last_change = case.closed_on or min(
        world.today, case.opened_on + datetime.timedelta(days=rng.randrange(0, 200))
    )
    case.created_at = _at(case.opened_on, rng)
    case.updated_at = max(case.created_at, _at(last_change, rng))
    person.created_at = case.created_at
    person.updated_at = case.created_at
    person.created_by = creator
    return case


def _assign_numbers(batch: Batch) -> None:
    """Case numbers from each organisation's yearly sequence, as case_open gives them."""
    wanted: dict[tuple[int, int], list[Case]] = defaultdict(list)
    for case, setup in zip(batch.cases, batch.orgs, strict=True):
        wanted[(setup.organisation.pk, case.opened_on.year)].append(case)
    prefixes = {setup.organisation.pk: setup.prefix for setup in batch.orgs}
    for (org_id, year), cases in sorted(wanted.items()):
        sequence, _created = CaseNumberSequence.objects.get_or_create(
            organisation_id=org_id, year=year
        )
        sequence = CaseNumberSequence.objects.select_for_update().get(pk=sequence.pk)
        cases.sort(key=lambda case: case.created_at)
        for case in cases:
            sequence.last_value += 1
            case.number = f"{prefixes[org_id]}-{year}-{sequence.last_value:04d}"
        sequence.save(update_fields=["last_value"])


def _audit(
    rows: list[AuditEntry], actor: User, org: Organisation, target: Any, at: datetime.datetime,
    summary: str,
) -> None:  # fmt: skip
    rows.append(
        AuditEntry(
            at=at,
            actor=actor,
            actor_username=actor.username,
            organisation=org,
            action=AuditAction.CREATE,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            summary=summary,
            user_agent=GENERATOR,
        )
    )


def write_batch(world: World, size: int, rng: random.Random) -> None:
    batch = Batch()
    shares = {index: setup.share for index, setup in enumerate(world.orgs)}
    for _ in range(size):
        setup = world.orgs[pick(rng, shares)]
        case_type = pick(rng, setup.case_types)
        days_ago = _days_ago(world, rng)
        intake = world.today - datetime.timedelta(days=days_ago)
        workers = rng.sample(setup.workers, 2 if rng.random() < 0.15 else 1)
        person = make_person(world, setup, case_type, intake, rng)
        case = make_case(world, setup, person, case_type, intake, rng, days_ago, workers[0])
        batch.persons.append(person)
        batch.cases.append(case)
        batch.orgs.append(setup)
        batch.workers.append(workers)
    _assign_numbers(batch)
    Person.objects.bulk_create(batch.persons)
    tokens = [
        PersonNameToken(person=person, organisation_id=person.organisation_id, token_index=token)
        for person in batch.persons
        for token in indexes.person_token_indexes(person)
    ]
    PersonNameToken.objects.bulk_create(tokens)
    for case, person in zip(batch.cases, batch.persons, strict=True):
        case.person = person
    Case.objects.bulk_create(batch.cases)
    _write_case_rows(world, batch, rng)


def _write_case_rows(world: World, batch: Batch, rng: random.Random) -> None:
    rows: dict[type[models.Model], list[Any]] = defaultdict(list)
    plans: list[tuple[CasePlan, Case, list[User], bool]] = []
    assessments: list[tuple[NeedsAssessment, list[str]]] = []
    referrals: list[tuple[Case, Person, OrgSetup, User]] = []
    audit: list[AuditEntry] = []
    for case, person, setup, workers in zip(
        batch.cases, batch.persons, batch.orgs, batch.workers, strict=True
    ):
        creator = workers[0]
        supervisor = rng.choice(setup.supervisors)
        opened_at = case.created_at
        _audit(audit, creator, setup.organisation, person, opened_at, "person registered")
        _audit(
            audit,
            creator,
            setup.organisation,
            case,
            opened_at,
            f"case opened for person {person.pk}",
        )
        for worker in workers:
            rows[CaseAssignment].append(
                CaseAssignment(case=case, user=worker, assigned_at=opened_at, assigned_by=creator)
            )
        if case.is_restricted:
            for user in {supervisor, *workers}:
                rows[CaseRestriction].append(
                    CaseRestriction(case=case, user=user, added_at=opened_at, added_by=supervisor)
                )
        _status_history(rows, case, creator, supervisor, rng)
        _consents(rows, world, case, person, creator, rng)
        if rng.random() < 0.6:
            assessment = NeedsAssessment(
                case=case,
                assessed_on=min(world.today, case.intake_date + datetime.timedelta(days=2)),
                created_at=opened_at,
                created_by=creator,
            )
            domains = rng.sample(list(SERVICE_DOMAINS), rng.randrange(2, 6))
            assessments.append((assessment, domains))
        if rng.random() < 0.6:
            plan = CasePlan(
                case=case,
                status=PlanStatus.APPROVED if rng.random() < 0.8 else PlanStatus.DRAFT,
                created_at=opened_at,
                updated_at=opened_at,
            )
            if plan.status == PlanStatus.APPROVED:
                plan.submitted_by, plan.submitted_at = creator, opened_at
                plan.decided_by, plan.decided_at = supervisor, opened_at
            plans.append((plan, case, workers, case.status != CaseStatus.CLOSED))
        _services(rows, world, case, creator, rng)
        _follow_ups(rows, world, case, creator, rng)
        if setup.organisation.pk == world.peace_house.pk and rng.random() < 0.4:
            stay = ShelterStay(
                case=case,
                shelter=world.peace_house,
                admitted_on=case.opened_on,
                created_by=creator,
            )
            if case.closed_on:
                stay.discharged_on = case.closed_on
                stay.discharge_reason = DischargeReason.REINTEGRATED
            elif rng.random() < 0.9:
                stay.discharged_on = min(
                    world.today, case.opened_on + datetime.timedelta(days=rng.randrange(5, 90))
                )
                stay.discharge_reason = DischargeReason.REINTEGRATED
            rows[ShelterStay].append(stay)
        if rng.random() < 0.04 and case.status != CaseStatus.CLOSED:
            referrals.append((case, person, setup, creator))
    first: tuple[type[models.Model], ...] = (
        CaseAssignment,
        CaseRestriction,
        CaseStatusChange,
        Guardian,  # before the consents that name them
    )
    for model in first:
        model._default_manager.bulk_create(rows.pop(model, []))
    _write_plans(plans, world, rng)
    _write_assessments(assessments, rng)
    _write_referrals(rows, referrals, world, rng)
    for model, objects in rows.items():
        model._default_manager.bulk_create(objects)
    AuditEntry.objects.bulk_create(audit)
    # Bulk writes send no signals: the cases' next due dates are computed here instead.
    cases_next_due_refresh(case_ids=[case.pk for case in batch.cases])


def _status_history(
    rows: dict[type[models.Model], list[Any]], case: Case, creator: User, supervisor: User,
    rng: random.Random,
) -> None:  # fmt: skip
    def step(kind: str, from_status: str, to_status: str, day: datetime.date) -> None:
        rows[CaseStatusChange].append(
            CaseStatusChange(
                case=case,
                kind=kind,
                from_status=from_status,
                to_status=to_status,
                at=_at(day, rng),
                by=creator if kind in ("opened", "closure_requested", "reopened") else supervisor,
                closure_reason=case.closure_reason if kind.startswith("closure") else "",
                reintegration_outcome=(
                    case.reintegration_outcome if kind.startswith("closure") else ""
                ),
            )
        )

    step(CaseStatusChange.Kind.OPENED, "", CaseStatus.OPEN, case.opened_on)
    if case.status == CaseStatus.CLOSURE_REQUESTED:
        step(
            CaseStatusChange.Kind.CLOSURE_REQUESTED,
            CaseStatus.OPEN,
            CaseStatus.CLOSURE_REQUESTED,
            case.updated_at.date(),
        )
    if case.closed_on:
        step(
            CaseStatusChange.Kind.CLOSURE_REQUESTED,
            CaseStatus.OPEN,
            CaseStatus.CLOSURE_REQUESTED,
            case.closed_on,
        )
        step(
            CaseStatusChange.Kind.CLOSURE_APPROVED,
            CaseStatus.CLOSURE_REQUESTED,
            CaseStatus.CLOSED,
            case.closed_on,
        )
    if case.status == CaseStatus.REOPENED:
        step(
            CaseStatusChange.Kind.REOPENED,
            CaseStatus.CLOSED,
            CaseStatus.REOPENED,
            case.updated_at.date(),
        )


def _consents(
    rows: dict[type[models.Model], list[Any]], world: World, case: Case, person: Person,
    creator: User, rng: random.Random,
) -> None:  # fmt: skip
    guardian = None
    if person.is_minor_on(case.intake_date):
        guardian = Guardian(
            person=person,
            full_name=f"{names.family_name(rng)} Thị {rng.choice(names.FEMALE_GIVEN)}",
            phone=_phone(rng) if rng.random() < 0.8 else "",
            relation=rng.choice((Guardian.Relation.MOTHER, Guardian.Relation.FATHER)),
            created_at=case.created_at,
            created_by=creator,
        )
        rows[Guardian].append(guardian)
    method = pick(rng, {Consent.Method.WRITTEN: 80, Consent.Method.THUMBPRINT: 15, "electronic": 5})
    purposes = [Consent.Purpose.CASE_MANAGEMENT]
    if rng.random() < 0.65:
        purposes.append(Consent.Purpose.STATISTICS)
    for purpose in purposes:
        consent = Consent(
            person=person,
            purpose=purpose,
            method=method,
            given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.PERSON,
            guardian=guardian,
            given_on=case.intake_date,
            recorded_at=case.created_at,
            recorded_by=creator,
        )
        if purpose == Consent.Purpose.STATISTICS and rng.random() < 0.03:
            consent.withdrawn_at = case.updated_at
            consent.withdrawn_by = creator
        rows[Consent].append(consent)


def _services(
    rows: dict[type[models.Model], list[Any]], world: World, case: Case, creator: User,
    rng: random.Random,
) -> None:  # fmt: skip
    count = min(8, int(rng.expovariate(1 / 2.5)))
    end = case.closed_on or world.today
    span = max(1, (end - case.opened_on).days)
    for _ in range(count):
        domain = pick(rng, SERVICE_DOMAINS)
        provider = rng.choice(world.providers) if world.providers and rng.random() < 0.3 else None
        regime = REGIME_OF_DOMAIN.get(domain, "")
        if case.identification_status != IdentificationStatus.IDENTIFIED_VICTIM:
            regime = ""
        delivered = case.opened_on + datetime.timedelta(days=rng.randrange(span))
        rows[ServiceDelivery].append(
            ServiceDelivery(
                case=case,
                domain=domain,
                provider=provider,
                provider_name="" if provider else case.organisation.name,
                delivered_on=delivered,
                cost_vnd=rng.choice((0, 0, 200_000, 500_000, 850_000, 1_500_000, 3_000_000)),
                regime=regime,
                note=rng.choice(names.SERVICE_NOTES),
                created_at=_at(delivered, rng),
                created_by=creator,
            )
        )


def _follow_ups(
    rows: dict[type[models.Model], list[Any]], world: World, case: Case, creator: User,
    rng: random.Random,
) -> None:  # fmt: skip
    end = case.closed_on or world.today
    day = case.opened_on + datetime.timedelta(days=21)
    while day <= end and rng.random() < 0.7:
        rows[FollowUp].append(
            FollowUp(
                case=case,
                planned_on=day,
                done_on=day,
                method=rng.choice(FollowUpMethod.values),
                outcome=rng.choice(names.FOLLOW_UP_OUTCOMES),
                created_by=creator,
            )
        )
        day += datetime.timedelta(days=rng.randrange(30, 120))
    if case.status != CaseStatus.CLOSED:
        # The next visit: mostly ahead, sometimes already late (overdue work on the caseload).
        late = rng.random() < 0.12
        planned = world.today + datetime.timedelta(
            days=-rng.randrange(1, 40) if late else rng.randrange(1, 45)
        )
        rows[FollowUp].append(
            FollowUp(
                case=case,
                planned_on=max(planned, case.opened_on),
                method=FollowUpMethod.PHONE,
                created_by=creator,
            )
        )


def _write_plans(
    plans: list[tuple[CasePlan, Case, list[User], bool]], world: World, rng: random.Random
) -> None:
    CasePlan.objects.bulk_create([plan for plan, *_rest in plans])
    goals: list[tuple[PlanGoal, list[User], bool, Case]] = []
    for plan, case, workers, active in plans:
        for domain in rng.sample(list(names.GOALS), rng.randrange(1, 3)):
            goal = PlanGoal(plan=plan, domain=domain, text=names.GOALS[domain][0])
            goals.append((goal, workers, active, case))
    PlanGoal.objects.bulk_create([goal for goal, *_rest in goals])
    actions = []
    for goal, workers, active, case in goals:
        for _ in range(rng.randrange(1, 3)):
            late = active and rng.random() < 0.1
            due = world.today + datetime.timedelta(
                days=-rng.randrange(1, 60) if late else rng.randrange(-200, 60)
            )
            status = ActionStatus.OPEN if (late or due >= world.today) else ActionStatus.DONE
            if not active and status == ActionStatus.OPEN:
                status = ActionStatus.DONE
            actions.append(
                PlanAction(
                    goal=goal,
                    description=names.GOALS[goal.domain][1],
                    owner=rng.choice(workers),
                    due_on=max(due, case.opened_on),
                    status=status,
                )
            )
    PlanAction.objects.bulk_create(actions)


def _write_assessments(assessments: list[tuple[NeedsAssessment, list[str]]], rng: random.Random):
    NeedsAssessment.objects.bulk_create([assessment for assessment, _domains in assessments])
    AssessedNeed.objects.bulk_create(
        [
            AssessedNeed(
                assessment=assessment,
                domain=domain,
                level=rng.choice((NeedLevel.SOME, NeedLevel.URGENT, NeedLevel.SOME)),
            )
            for assessment, domains in assessments
            for domain in domains
        ]
    )


def _write_referrals(
    rows: dict[type[models.Model], list[Any]],
    referrals: list[tuple[Case, Person, OrgSetup, User]],
    world: World,
    rng: random.Random,
) -> None:
    sections = [SharedSection.IDENTITY, SharedSection.CASE]
    made = []
    with translation.override("vi"):
        for case, person, setup, creator in referrals:
            receivers = [o for o in world.orgs if o.organisation.pk != setup.organisation.pk]
            receiver = rng.choice(receivers).organisation
            sent_day = min(world.today, case.opened_on + datetime.timedelta(days=3))
            sent = _at(sent_day, rng)
            rows[Consent].append(
                Consent(
                    person=person,
                    purpose=Consent.Purpose.SHARING,
                    recipient_organisation=receiver,
                    method=Consent.Method.WRITTEN,
                    given_by=Consent.GivenBy.PERSON,
                    given_on=case.intake_date,
                    recorded_at=sent,
                    recorded_by=creator,
                )
            )
            case.person = person
            referral = Referral(
                from_organisation=setup.organisation,
                case=case,
                to_organisation=receiver,
                domain=rng.choice(("psychological", "vocational", "legal", "health")),
                shared_sections=list(sections),
                message="Đề nghị hỗ trợ theo nhu cầu đã trao đổi.",
                snapshot=take_snapshot(case, sections),
                snapshot_taken_at=sent,
                sent_at=sent,
                sent_by=creator,
                due_at=sent + datetime.timedelta(days=3),
            )
            answered = (world.now - sent).days > 5 or rng.random() < 0.5
            if answered:
                referral.status = pick(
                    rng,
                    {
                        ReferralStatus.COMPLETED: 50,
                        ReferralStatus.ACCEPTED: 35,
                        ReferralStatus.DECLINED: 15,
                    },
                )
                referral.answered_at = sent + datetime.timedelta(days=rng.randrange(1, 4))
                if referral.status == ReferralStatus.COMPLETED:
                    referral.completed_at = referral.answered_at + datetime.timedelta(days=20)
                    referral.feedback = "Đã hỗ trợ xong, người được hỗ trợ ổn định."
                if referral.status == ReferralStatus.DECLINED:
                    referral.decline_reason = "Không đủ năng lực tiếp nhận lúc này."
            made.append(referral)
    rows[Referral] = made


# --- Command line -------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


GENERATED_MODELS: tuple[type[models.Model], ...] = (
    Person,
    Case,
    CaseAssignment,
    CaseRestriction,
    CaseStatusChange,
    Consent,
    Guardian,
    NeedsAssessment,
    CasePlan,
    ServiceDelivery,
    Referral,
    AuditEntry,
)


# The tables' statistics are renewed whenever the generated cases have grown by this factor.
ANALYSE_GROWTH = 1.25


def _analyse(done: int) -> int:
    """Renew the planner's statistics; the number of generated cases they were taken at.

    Autovacuum analyses a table only after a share of its rows changed, so while the tables
    grow tenfold the planner keeps estimates from when they were small: the next-due refresh
    of each batch then chose to read the whole index of pending follow-ups once per case (the
    batches slowed from 485 to 250 cases a second by 70,000 cases).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return max(done, 1)


def generate(total: int, *, batch_size: int, seed: int, out: Any = sys.stdout) -> int:
    """Generate cases until `total` generated cases exist; how many were made in this run."""
    ensure_demo_allowed()
    world = prepare_world(total, random.Random(seed))
    done = generated_so_far()
    if done >= total:
        print(f"{done} generated cases already exist; nothing to do.", file=out)
        return 0
    started = time.monotonic()
    made = 0
    analysed = _analyse(done)
    with explicit_timestamps(*GENERATED_MODELS):
        while done < total:
            size = min(batch_size, total - done)
            # One seed per batch: a resumed run makes what the interrupted one would have.
            rng = random.Random(seed * 1_000_003 + done // batch_size)
            with transaction.atomic():
                write_batch(world, size, rng)
            # With DEBUG on, Django keeps every query's text: megabytes per batch here.
            reset_queries()
            done += size
            made += size
            if done >= analysed * ANALYSE_GROWTH:
                analysed = _analyse(done)
            elapsed = time.monotonic() - started
            print(
                f"{done}/{total} cases, {made / elapsed:.0f} cases/s, "
                f"{elapsed:.0f} s, peak memory {_rss_mb():.0f} MB",
                file=out,
                flush=True,
            )
    return made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="total generated cases")
    parser.add_argument("--batch", type=int, default=2_000, help="cases per transaction")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    started = time.monotonic()
    made = generate(args.cases, batch_size=args.batch, seed=args.seed)
    seconds = time.monotonic() - started
    print(f"Made {made} cases in {seconds:.0f} s; peak memory {_rss_mb():.0f} MB.")


if __name__ == "__main__":
    main()
