"""Writes for the demo cases: fictional people and their cases, through the real services.

`demo_cases_load()` registers each person of donghanh/demo/case_data.py, records their consents,
opens the case, assigns the demo case worker and adds needs, a plan, services, shelter stays,
follow-ups and referrals, each through the service a user's page would call, so every row has
its audit entry. A person already there (same organisation, name and date of birth, found by the
blind index) is skipped with everything of theirs: a second load changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.cases.models import (
    Case,
    CaseAssignment,
    ClosureReason,
    IdentificationStatus,
    ReintegrationOutcome,
)
from donghanh.cases.selectors import CASE_EDITS, regimes_entitled
from donghanh.cases.services import (
    case_assign,
    case_closure_decide,
    case_closure_request,
    case_open,
    case_update,
)
from donghanh.casework.models import (
    CasePlan,
    DischargeReason,
    FollowUpMethod,
    NeedLevel,
    ShelterCapacity,
)
from donghanh.casework.services import (
    action_add,
    follow_up_plan,
    goal_add,
    needs_assess,
    plan_decide,
    plan_submit,
    service_record,
    shelter_admit,
    shelter_capacity_set,
    shelter_discharge,
)
from donghanh.core.actor import Actor
from donghanh.demo.case_data import (
    CARE_VIET_NAM,
    CASES,
    PEACE_HOUSE,
    TEAMS,
    WORLD_VISION,
    DemoCaseSpec,
    ReferralSpec,
)
from donghanh.demo.guard import DemoDataError, ensure_demo_allowed
from donghanh.directory.models import Provider
from donghanh.organisations.models import Membership, Organisation, Team
from donghanh.organisations.services import team_create
from donghanh.people import indexes
from donghanh.people.models import Consent, Guardian, Person
from donghanh.people.services import consent_record, guardian_add, person_register
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals.models import Referral, SharedSection
from donghanh.referrals.services import referral_accept, referral_complete, referral_send

SUPERVISORS = {
    PEACE_HOUSE: "supervisor.binhyen",
    WORLD_VISION: "supervisor.worldvision",
    CARE_VIET_NAM: "supervisor.care",
}
COLLABORATOR = "collaborator.worldvision"
PEACE_HOUSE_BEDS = 24

# The Art. 37 regime a service of each domain is delivered under, when the person is entitled.
REGIME_OF_DOMAIN = {
    ServiceDomain.ESSENTIAL_NEEDS: "a",
    ServiceDomain.HEALTH: "b",
    ServiceDomain.LEGAL: "d",
    ServiceDomain.TRAVEL: "e",
    ServiceDomain.PSYCHOLOGICAL: "g",
    ServiceDomain.EDUCATION: "h",
    ServiceDomain.VOCATIONAL: "i",
}

# (domain, provider, day after intake, cost in VND, note) for each organisation's usual services.
SERVICES: dict[str, tuple[tuple[str, str, int, int, str], ...]] = {
    PEACE_HOUSE: (
        ("essential_needs", "Ngôi nhà Bình yên", 1, 1_500_000, "Quần áo, đồ dùng cá nhân, ăn ở."),
        ("health", "Bệnh viện đa khoa (ví dụ)", 3, 850_000, "Khám sức khỏe tổng quát."),
        ("psychological", "Ngôi nhà Bình yên", 7, 0, "Tham vấn tâm lý cá nhân, 4 buổi."),
        ("legal", "Trung tâm Trợ giúp pháp lý (ví dụ)", 14, 0, "Thông tin pháp lý về vụ án."),
        ("vocational", "Trung tâm Phụ nữ và Phát triển", 30, 3_000_000, "Học nghề may."),
    ),
    WORLD_VISION: (
        ("psychological", "World Vision Việt Nam", 5, 0, "Tham vấn sau khi trở về."),
        ("documents", "Công an xã (ví dụ)", 10, 0, "Hỗ trợ làm lại căn cước."),
        ("vocational", "Trường trung cấp nghề (ví dụ)", 25, 4_500_000, "Học nghề sửa xe máy."),
        ("travel", "World Vision Việt Nam", 2, 600_000, "Tiền xe từ sân bay về quê."),
    ),
    CARE_VIET_NAM: (
        ("health", "Phòng khám sức khỏe sinh sản (ví dụ)", 2, 0, "Khám, tư vấn sức khỏe."),
        ("legal", "Trung tâm Trợ giúp pháp lý (ví dụ)", 12, 0, "Tư vấn pháp lý miễn phí."),
        ("vocational", "Nhóm tự lực (ví dụ)", 40, 2_000_000, "Vốn nhỏ và học nghề làm tóc."),
    ),
}

NEEDS: dict[str, dict[str, str]] = {
    PEACE_HOUSE: {
        "shelter": NeedLevel.URGENT,
        "psychological": NeedLevel.URGENT,
        "health": NeedLevel.SOME,
        "legal": NeedLevel.SOME,
        "vocational": NeedLevel.SOME,
    },
    WORLD_VISION: {
        "vocational": NeedLevel.URGENT,
        "documents": NeedLevel.SOME,
        "psychological": NeedLevel.SOME,
        "legal": NeedLevel.SOME,
    },
    CARE_VIET_NAM: {
        "health": NeedLevel.URGENT,
        "legal": NeedLevel.SOME,
        "vocational": NeedLevel.SOME,
    },
}

GOALS: dict[str, tuple[str, str, str]] = {
    PEACE_HOUSE: (
        "psychological",
        "Ổn định tâm lý, an toàn trong thời gian tạm lánh.",
        "Tham vấn tâm lý hằng tuần.",
    ),
    WORLD_VISION: (
        "vocational",
        "Có việc làm ổn định tại quê.",
        "Kết nối khóa học nghề và tư vấn việc làm.",
    ),
    CARE_VIET_NAM: (
        "health",
        "Tiếp cận dịch vụ y tế và xã hội.",
        "Đi khám định kỳ.",
    ),
}


@dataclass
class DemoCasesReport:
    persons: int = 0
    cases: int = 0
    services: int = 0
    referrals: int = 0
    skipped: int = 0
    assigned: int = 0  # cases loaded before their organisation had demo users, now assigned
    teams: int = 0
    team_cases: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.persons or self.assigned or self.teams or self.team_cases)


def _users() -> dict[str, User]:
    wanted = {spec.worker for spec in CASES if spec.worker} | set(SUPERVISORS.values())
    wanted.add(COLLABORATOR)
    found = {user.username: user for user in User.objects.filter(username__in=wanted)}
    if set(found) != wanted:
        raise DemoDataError(
            _(
                "The demo users are missing. Run `manage.py load_demo` first, then "
                "`manage.py load_directory_demo`, then this command."
            )
        )
    return found


def _organisations() -> dict[str, Organisation]:
    slugs = {spec.organisation for spec in CASES}
    slugs |= {spec.referral.to for spec in CASES if spec.referral}
    found = {org.slug: org for org in Organisation.objects.filter(slug__in=slugs)}
    if set(found) != slugs:
        raise DemoDataError(
            _(
                "The demo organisations are missing. Run `manage.py load_demo` first, then "
                "`manage.py load_directory_demo`, then this command."
            )
        )
    if not Provider.objects.exists():
        raise DemoDataError(
            _(
                "The service directory is empty. Run `manage.py load_directory_demo` first, "
                "then this command."
            )
        )
    return found


def _existing_person(organisation: Organisation, spec: DemoCaseSpec) -> Person | None:
    born = datetime.date.fromisoformat(spec.born)
    candidates = indexes.name_and_birth_date_candidates(spec.full_name, born)
    return Person.objects.filter(organisation=organisation, name_dob_index__in=candidates).first()


def _not_after(day: datetime.date, today: datetime.date) -> datetime.date:
    return min(day, today)


def _load_one(
    spec: DemoCaseSpec,
    organisation: Organisation,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    report: DemoCasesReport,
) -> None:
    today = timezone.localdate()
    intake = today - datetime.timedelta(days=spec.intake_days_ago)
    supervisor = users.get(SUPERVISORS.get(spec.organisation, ""))
    worker = users[spec.worker] if spec.worker else supervisor
    as_worker = Actor.for_user(worker, organisation=organisation)
    as_supervisor = Actor.for_user(supervisor, organisation=organisation)
    person = person_register(
        actor=as_worker,
        organisation=organisation,
        full_name=spec.full_name,
        sex=spec.sex,
        date_of_birth=datetime.date.fromisoformat(spec.born),
        ethnicity=spec.ethnicity,
        current_address=spec.current_address,
        pre_2025_address=spec.pre_2025_address,
    )
    report.persons += 1
    guardian: Guardian | None = None
    if spec.guardian:
        guardian = guardian_add(
            person=person,
            full_name=spec.guardian,
            relation=Guardian.Relation.MOTHER,
            actor=as_worker,
        )
    given_by = Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.PERSON
    method = Consent.Method.THUMBPRINT if spec.ethnicity == "hmong" else Consent.Method.WRITTEN
    purposes = [Consent.Purpose.CASE_MANAGEMENT]
    if spec.statistics:
        purposes.append(Consent.Purpose.STATISTICS)
    for purpose in purposes:
        consent_record(
            person=person,
            purpose=purpose,
            method=method,
            given_by=given_by,
            guardian=guardian,
            given_on=intake,
            actor=as_worker,
        )
    case = case_open(
        person=person,
        case_type=spec.case_type,
        intake_channel=spec.intake_channel,
        intake_date=intake,
        is_abroad=spec.intake_channel == "embassy_abroad",
        actor=as_worker,
    )
    report.cases += 1
    changes: dict[str, Any] = {}
    if spec.destination_country:
        changes["destination_country"] = spec.destination_country
    if spec.identified_by:
        changes.update(
            identification_status=IdentificationStatus.IDENTIFIED_VICTIM,
            identified_on=_not_after(intake + datetime.timedelta(days=5), today),
            identifying_agency=spec.identified_by,
        )
    if changes:
        case = case_update(
            case=case,
            expected_version=case.version,
            baseline=CASE_EDITS.fingerprints(case),
            actor=as_worker,
            **changes,
        )
    if spec.organisation == WORLD_VISION and "Quảng Bình" in spec.pre_2025_address and worker:
        case_assign(case=case, workers=[worker, users[COLLABORATOR]], actor=as_supervisor)

    needs_assess(
        case=case,
        assessed_on=_not_after(intake + datetime.timedelta(days=2), today),
        levels=NEEDS[spec.organisation],
        notes={},
        actor=Actor.for_user(worker),
    )
    domain, goal_text, action_text = GOALS[spec.organisation]
    goal = goal_add(case=case, domain=domain, text=goal_text, actor=Actor.for_user(worker))
    action_add(
        goal=goal,
        description=action_text,
        owner=worker,
        due_on=today + datetime.timedelta(days=30),
        actor=Actor.for_user(worker),
    )
    if worker is not None:
        current = CasePlan.objects.get(case=case)
        plan = plan_submit(
            case=case, expected_version=current.version, actor=Actor.for_user(worker)
        )
        if supervisor is not None and supervisor != worker:
            plan_decide(
                case=case,
                expected_version=plan.version,
                approve=True,
                note="",
                actor=Actor.for_user(supervisor),
            )

    if spec.shelter_days:
        stay = shelter_admit(
            case=case,
            shelter=organisations[PEACE_HOUSE],
            admitted_on=today - datetime.timedelta(days=spec.shelter_days[0]),
            actor=Actor.for_user(worker),
        )
        if len(spec.shelter_days) > 1:
            shelter_discharge(
                stay=stay,
                discharged_on=today - datetime.timedelta(days=spec.shelter_days[1]),
                reason=DischargeReason.REINTEGRATED,
                actor=Actor.for_user(worker),
            )

    for domain, provider_name, after, cost, note in SERVICES[spec.organisation]:
        delivered = intake + datetime.timedelta(days=after)
        if delivered > today:
            continue
        regime = REGIME_OF_DOMAIN.get(ServiceDomain(domain), "")
        if regime not in {item.code for item in regimes_entitled(case, on=delivered)}:
            regime = ""
        service_record(
            case=case,
            domain=domain,
            provider=None,
            provider_name=provider_name,
            delivered_on=delivered,
            cost_vnd=cost,
            regime=regime,
            note=note,
            actor=Actor.for_user(worker),
        )
        report.services += 1

    first = intake + datetime.timedelta(days=21)
    if first <= today:
        follow_up_plan(
            case=case,
            planned_on=first,
            method=FollowUpMethod.HOME_VISIT
            if spec.organisation == WORLD_VISION
            else FollowUpMethod.PHONE,
            done_on=first,
            outcome="Ổn định, tiếp tục theo kế hoạch.",
            next_on=today + datetime.timedelta(days=14),
            actor=Actor.for_user(worker),
        )
    closes = spec.intake_days_ago >= 250 and worker is not None and supervisor is not None
    if not closes:  # a case closes only once its follow-ups are done
        follow_up_plan(
            case=case,
            planned_on=today + datetime.timedelta(days=14),
            method=FollowUpMethod.PHONE,
            actor=Actor.for_user(worker),
        )

    if spec.referral is not None:
        _refer(case, person, spec.referral, intake, organisations, users, worker)
        report.referrals += 1

    if closes:
        case_closure_request(
            case=case,
            reason=ClosureReason.GOALS_ACHIEVED,
            reintegration_outcome=ReintegrationOutcome.WITH_FAMILY,
            actor=as_worker,
        )
        case_closure_decide(case=Case.objects.get(pk=case.pk), approve=True, actor=as_supervisor)


def _refer(
    case: Case,
    person: Person,
    spec: ReferralSpec,
    intake: datetime.date,
    organisations: dict[str, Organisation],
    users: dict[str, User],
    worker: Any,
) -> None:
    receiver = organisations[spec.to]
    consent_record(
        person=person,
        purpose=Consent.Purpose.SHARING,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=intake + datetime.timedelta(days=3),
        recipient_organisation=receiver,
        actor=Actor.for_user(worker, organisation=case.organisation),
    )
    referral = referral_send(
        case=case,
        actor=Actor.for_user(worker),
        to_organisation=receiver,
        domain=spec.domain,
        shared_sections=[SharedSection.IDENTITY, SharedSection.CASE, SharedSection.NEEDS],
        message=spec.message,
    )
    answering = users.get(SUPERVISORS.get(spec.to, ""))
    if spec.outcome == "completed" and answering is not None:
        referral = referral_accept(referral=referral, actor=Actor.for_user(answering))
        referral_complete(
            referral=referral, feedback=spec.feedback, actor=Actor.for_user(answering)
        )
        # Demo only: put the exchange back in the case's timeline (sent soon after intake).
        sent = timezone.make_aware(
            datetime.datetime.combine(intake + datetime.timedelta(days=3), datetime.time(9))
        )
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=sent,
            snapshot_taken_at=sent,
            due_at=sent + (referral.due_at - referral.sent_at),
            answered_at=sent + datetime.timedelta(days=1),
            completed_at=sent + datetime.timedelta(days=50),
        )
    else:
        # Demo only: backdate the referral so that it shows as unanswered past its due date.
        now = timezone.now()
        sent = now - datetime.timedelta(days=12)
        Referral.objects.filter(pk=referral.pk).update(
            sent_at=sent, snapshot_taken_at=sent, due_at=now - datetime.timedelta(days=5)
        )


def _assign_if_nobody_is(person: Person, spec: DemoCaseSpec, users: dict[str, User]) -> int:
    """Give a case loaded before its organisation had demo users its demo worker (1 if done).

    CARE Việt Nam's cases were once loaded with nobody assigned, so nobody saw them; a later
    load assigns them as a fresh load would, and then finds nothing left to do.
    """
    supervisor = users.get(SUPERVISORS.get(spec.organisation, ""))
    worker = users[spec.worker] if spec.worker else supervisor
    if worker is None:
        return 0
    case = Case.objects.filter(person=person).order_by("pk").first()
    if case is None or CaseAssignment.objects.filter(case=case).exists():
        return 0
    case_assign(case=case, workers=[worker], actor=Actor.for_user(supervisor))
    return 1


@transaction.atomic
def demo_cases_load(*, actor: Actor | None = None) -> DemoCasesReport:
    """Load the fictional cases of case_data.py; a second run changes nothing.

    `actor` runs the load (the command); every row is written as the demo user who would do
    the work on the pages (the case worker, the supervisor), so the demo's audit log reads as
    a real one."""
    ensure_demo_allowed()
    users = _users()
    organisations = _organisations()
    peace_house = organisations[PEACE_HOUSE]
    if not ShelterCapacity.objects.filter(shelter=peace_house).exists():
        shelter_capacity_set(
            shelter=peace_house,
            beds=PEACE_HOUSE_BEDS,
            effective_from=timezone.localdate() - datetime.timedelta(days=365),
            actor=Actor.for_user(users[SUPERVISORS[PEACE_HOUSE]]),
        )
    report = DemoCasesReport()
    for spec in CASES:
        organisation = organisations[spec.organisation]
        existing = _existing_person(organisation, spec)
        if existing is not None:
            report.skipped += 1
            report.assigned += _assign_if_nobody_is(existing, spec, users)
            continue
        _load_one(spec, organisation, organisations, users, report)
    _sync_teams(organisations, report)
    return report


def _sync_teams(organisations: dict[str, Organisation], report: DemoCasesReport) -> None:
    """Create the demo teams that are missing and give each the cases of its first member
    that have no team yet; a second run finds nothing to do."""
    for slug, name, usernames in TEAMS:
        organisation = organisations[slug]
        team = Team.objects.filter(organisation=organisation, name=name).first()
        if team is None:
            members = Membership.objects.filter(
                organisation=organisation, user__username__in=usernames, is_active=True
            )
            team = team_create(
                organisation=organisation,
                name=name,
                members=list(members),
                actor=Actor.system("load_demo_cases"),
            )
            report.teams += 1
        supervisor = User.objects.get(username=SUPERVISORS[slug])
        untouched = Case.objects.filter(
            organisation=organisation, team__isnull=True, assignments__user__username=usernames[0]
        ).prefetch_related("workers")
        for case in untouched:
            case_assign(
                case=case,
                workers=list(case.workers.all()),
                team=team,
                actor=Actor.for_user(supervisor),
            )
            report.team_cases += 1
