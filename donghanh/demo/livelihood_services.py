"""Writes for the 003 livelihood demo, through the real services (every row has its audit entry).

`demo_livelihood_load()` registers the returned women of donghanh/demo/livelihood_data.py with
their cases, consents, livelihood plans, support, reviews and reintegration assessments; sets up
the savings groups and runs their meetings month by month (shares, the social fund, loans and
their repayments, a fine, a grant, a member who leaves, a loan repaid late) up to the share-out;
adds the safe addresses; and enrols the officers of 51 provinces in the three training rounds.

What is there already is left alone: a woman found by name and date of birth, a group of the
same name, a safe address of the same name, a training round with participants. A second load
changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.accounts.models import User
from donghanh.cases.services import case_open
from donghanh.core.actor import Actor
from donghanh.demo import livelihood_data as data
from donghanh.demo.guard import DemoDataError, ensure_demo_allowed
from donghanh.livelihood.plans import services as plans
from donghanh.livelihood.plans.items import ITEMS
from donghanh.livelihood.plans.models import LivelihoodPlan
from donghanh.livelihood.safe_addresses.models import SafeAddress
from donghanh.livelihood.safe_addresses.services import safe_address_add
from donghanh.livelihood.savings import services as savings
from donghanh.livelihood.savings.lines import FinePaid, GrantGiven, LoanRequest, MeetingLine
from donghanh.livelihood.savings.models import (
    Cycle,
    GroupMember,
    Loan,
    LoanStatus,
    SavingsGroup,
)
from donghanh.livelihood.savings.rules import add_months, loan_limit
from donghanh.livelihood.savings.selectors import due_by, meeting_members, shares_in_cycle
from donghanh.organisations.models import Organisation
from donghanh.people import indexes
from donghanh.people.models import Consent, Person
from donghanh.people.services import consent_record, person_register
from donghanh.places.models import Commune, LegacyProvince
from donghanh.programmes.projects.models import Project
from donghanh.programmes.trainings.models import OfficerRole, Sector, Training
from donghanh.programmes.trainings.services import participant_enrol

# Months in a cycle; the groups meet once a month, on the day of the month their cycle began,
# so every instalment falls due on a meeting day.
CYCLE_MONTHS = 12


@dataclass
class DemoLivelihoodReport:
    women: int = 0
    groups: int = 0
    meetings: int = 0
    safe_addresses: int = 0
    trainees: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.women or self.groups or self.safe_addresses or self.trainees)


def _needed() -> tuple[Organisation, Project, dict[str, User]]:
    organisation = Organisation.objects.filter(slug=data.CWD).first()
    project = Project.objects.filter(
        implementing_organisation__slug=data.CWD, code=data.PROGRAMME
    ).first()
    wanted = {data.CASE_WORKER, data.OFFICER, data.SUPERVISOR}
    users = {user.username: user for user in User.objects.filter(username__in=wanted)}
    if organisation is None or project is None or set(users) != wanted:
        raise DemoDataError(
            _(
                "The demo organisations, users or programmes are missing. Run `manage.py "
                "load_demo` and `manage.py load_demo_programmes` first, then this command."
            )
        )
    return organisation, project, users


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


# --- The returned women ----------------------------------------------------------------------


def _existing_woman(organisation: Organisation, spec: data.ReturnedWomanSpec) -> Person | None:
    born = datetime.date.fromisoformat(spec.born)
    candidates = indexes.name_and_birth_date_candidates(spec.full_name, born)
    return Person.objects.filter(organisation=organisation, name_dob_index__in=candidates).first()


def _answers(score: int, rng: random.Random) -> dict[str, int | None]:
    """Answers around `score` (1–5): each item one point either side, now and then."""
    answers: dict[str, int | None] = {}
    for item in ITEMS:
        answers[item.code] = max(1, min(5, score + rng.choice((-1, 0, 0, 0, 1))))
    answers["soc_school"] = None if score % 2 else answers["soc_school"]
    return answers


def _woman(
    spec: data.ReturnedWomanSpec,
    organisation: Organisation,
    project: Project,
    users: dict[str, User],
) -> Any:
    worker = Actor.for_user(users[data.CASE_WORKER], organisation=organisation)
    intake = _days_ago(spec.intake_days_ago)
    person = person_register(
        actor=worker,
        organisation=organisation,
        full_name=spec.full_name,
        sex="female",
        date_of_birth=datetime.date.fromisoformat(spec.born),
        ethnicity=spec.ethnicity,
        current_address=spec.address,
        current_commune=Commune.objects.get(pk=spec.commune),
    )
    method = Consent.Method.THUMBPRINT if spec.ethnicity == "hmong" else Consent.Method.WRITTEN
    purposes = [Consent.Purpose.CASE_MANAGEMENT, Consent.Purpose.STATISTICS]
    if spec.group:
        purposes.append(Consent.Purpose.SAVINGS_GROUP)
    for purpose in purposes:
        consent_record(
            person=person,
            purpose=purpose,
            method=method,
            given_by=Consent.GivenBy.PERSON,
            given_on=intake,
            actor=worker,
        )
    case = case_open(
        person=person,
        case_type="trafficking_victim",
        intake_channel="commune_committee",
        intake_date=intake,
        actor=worker,
    )
    plan = plans.plan_start(actor=worker, case=case)
    plans.plan_update(
        actor=worker,
        plan=plan,
        expected_version=plan.version,
        baseline=plans.PLAN_EDITS.fingerprints(plan),
        goals=spec.goals,
        skills=spec.skills,
        assets=spec.assets,
        livelihood=spec.livelihood,
        livelihood_detail=spec.livelihood_detail,
        income_at_start=spec.income_at_start,
        household_at_start=spec.household_at_start,
        project=project,
    )
    plan = LivelihoodPlan.objects.select_related("case").get(pk=plan.pk)
    givers = {org.slug: org for org in Organisation.objects.filter(slug=data.CWD)}
    for kind, amount, after, giver in spec.support:
        plans.support_add(
            actor=worker,
            plan=plan,
            kind=kind,
            amount=amount,
            given_on=intake + datetime.timedelta(days=after),
            given_by=givers.get(giver),
            given_by_other="" if giver in givers else giver,
        )
    for after, income, household, progress in spec.reviews:
        plans.review_add(
            actor=worker,
            plan=plan,
            reviewed_on=intake + datetime.timedelta(days=after),
            income=income,
            household=household,
            progress=progress,
        )
    rng = random.Random(spec.full_name)  # noqa: S311 (invented answers, not security)
    for (point, months), score in zip(
        (("intake", 0), ("month_6", 6), ("month_12", 12)), spec.scores, strict=False
    ):
        day = add_months(intake, months) + datetime.timedelta(days=3 if months else 2)
        if day <= timezone.localdate():
            plans.assessment_record(
                actor=worker, case=case, point=point, assessed_on=day, answers=_answers(score, rng)
            )
    return case


# --- The savings groups ----------------------------------------------------------------------


def _group(
    name: str,
    commune: str,
    village: str,
    names: tuple[str, ...],
    *,
    organisation: Organisation,
    project: Project,
    users: dict[str, User],
    women: dict[str, Any],
    report: DemoLivelihoodReport,
) -> None:
    officer = Actor.for_user(users[data.OFFICER], organisation=organisation)
    worker = Actor.for_user(users[data.CASE_WORKER], organisation=organisation)
    started_days, shared_out = data.CYCLES[name]
    formed = _days_ago(started_days + 20)
    group = savings.group_create(
        actor=officer,
        organisation=organisation,
        name=name,
        formed_on=formed,
        village=village,
        commune=Commune.objects.get(pk=commune),
        project=project,
        facilitator=users[data.OFFICER],
    )
    members = [
        savings.member_add(actor=officer, group=group, full_name=full_name, joined_on=formed)
        for full_name in names
    ]
    for spec in data.WOMEN:
        if spec.group == name and spec.full_name in women:
            member = savings.member_add(
                actor=officer, group=group, full_name=spec.full_name, joined_on=formed
            )
            savings.member_link_case(actor=worker, member=member, case=women[spec.full_name])
            members.append(member)
    rng = random.Random(name)  # noqa: S311 (invented meetings, not security)
    start = _days_ago(started_days)
    cycle = savings.cycle_open(
        actor=officer,
        group=group,
        started_on=start,
        planned_end_on=add_months(start, CYCLE_MONTHS),
        **data.CONSTITUTION,
    )
    savings.committee_elect(
        actor=officer,
        cycle=cycle,
        seats={
            "chair": members[:1],
            "secretary": members[1:2],
            "treasurer": members[2:3],
            "money_counter": members[3:5],
            "key_holder": members[5:8],
        },
    )
    # One member moves away half-way through the first cycle; in the group still in its first
    # cycle, another is three months behind on her loan.
    leaver = members[-2] if shared_out else None
    late = members[4] if not shared_out else None
    months = CYCLE_MONTHS if shared_out else started_days // 31
    for month in range(1, months + 1):
        day = add_months(start, month)
        if day > timezone.localdate():
            break
        last = shared_out and month == months
        _meeting(cycle, day, rng, officer=officer, last=last, late=late, saver=leaver)
        report.meetings += 1
        if leaver is not None and month == 6:
            savings.member_leave(
                actor=officer,
                member=GroupMember.objects.get(pk=leaver.pk),
                left_on=day + datetime.timedelta(days=3),
                reason="moved",
            )
    if not shared_out:
        return
    share_out_day = add_months(start, months) + datetime.timedelta(days=7)
    savings.cycle_share_out(actor=officer, cycle=cycle, held_on=share_out_day)
    report.meetings += 1
    second_start = share_out_day + datetime.timedelta(days=14)
    second = savings.cycle_open(
        actor=officer,
        group=group,
        started_on=second_start,
        planned_end_on=add_months(second_start, CYCLE_MONTHS),
        **data.CONSTITUTION,
    )
    for month in range(1, 4):
        day = add_months(second_start, month)
        if day > timezone.localdate():
            break
        _meeting(second, day, rng, officer=officer, last=False, late=None, saver=None)
        report.meetings += 1


def _meeting(
    cycle: Cycle,
    day: datetime.date,
    rng: random.Random,
    *,
    officer: Actor,
    last: bool,
    late: GroupMember | None,
    saver: GroupMember | None,
) -> None:
    """One month's meeting, as a group would hold it: most come and buy shares and pay the
        social fund; borrowers repay what falls due (all of it at the last meeting before the
        share-out); a few borrow what the box and their limit allow, for no longer than the cycle
        has left; a latecomer is fined; now and then the social fund helps someone. `late` pays
    nothing before the last meeting; `saver` (who will leave) never borrows."""
    cycle = Cycle.objects.select_related("group").get(pk=cycle.pk)
    group = cycle.group
    members = meeting_members(cycle, day)
    loans = {
        loan.member_id: loan
        for loan in Loan.objects.filter(cycle=cycle, status=LoanStatus.ACTIVE).prefetch_related(
            "instalments"
        )
    }
    saved = shares_in_cycle(cycle)
    cash = group.loan_fund_cash
    social = group.social_fund_cash
    plan: list[dict[str, Any]] = []
    for member in members:
        roll = rng.random()
        attendance = "absent" if roll < 0.05 else "late" if roll < 0.12 else "present"
        if last and member.pk in loans:
            attendance = "present"  # every borrower comes to repay before the share-out
        line: dict[str, Any] = {"member_id": member.pk, "attendance": attendance}
        if attendance != "absent":
            shares = rng.randint(1, 5)
            line.update(shares=shares, social=True)
            cash += shares * cycle.share_price
            social += cycle.social_contribution
            loan = loans.get(member.pk)
            if loan is not None:
                owed = loan.outstanding if last else due_by(loan, day)
                if late is not None and member.pk == late.pk and not last:
                    owed = 0  # she pays nothing for now: her loan falls behind
                if owed:
                    line["repayment"] = owed
                    cash += owed
            if attendance == "late":
                line["fines"] = (FinePaid(reason="late", amount=cycle.fine_late),)
                cash += cycle.fine_late
        plan.append(line)
    if rng.random() < 0.15 and social >= 200_000:
        helped = rng.choice([line for line in plan if line["attendance"] != "absent"])
        helped["grant"] = GrantGiven(amount=200_000, reason=rng.choice(("illness", "childbirth")))
    months_left = (cycle.planned_end_on - day).days // 30
    if not last and months_left >= 1:
        for line in rng.sample(plan, k=min(3, len(plan))):
            member_id = line["member_id"]
            loan = loans.get(member_id)
            clears = loan is None or line.get("repayment", 0) >= loan.outstanding
            keeps_out = saver is not None and member_id == saver.pk
            if line["attendance"] == "absent" or not clears or keeps_out:
                continue
            limit = loan_limit(
                savings=(saved.get(member_id, 0) + line.get("shares", 0)) * cycle.share_price,
                multiple=cycle.loan_multiple,
                cap=cycle.max_loan,
            )
            amount = min(limit, cash, rng.choice((500_000, 1_000_000, 1_500_000, 2_000_000)))
            amount -= amount % 100_000
            if amount >= 300_000:
                months = min(cycle.max_loan_months, months_left, rng.randint(1, 3))
                purpose = rng.choice(("livestock", "farming", "small_trade", "schooling"))
                line["loan"] = LoanRequest(amount=amount, months=months, purpose=purpose)
                cash -= amount
    savings.meeting_record(
        actor=officer,
        cycle=cycle,
        held_on=day,
        lines=[MeetingLine(**line) for line in plan],
    )


# --- Safe addresses and the training rounds ---------------------------------------------------


def _safe_addresses(
    organisation: Organisation, users: dict[str, User], report: DemoLivelihoodReport
) -> None:
    known = {place.name for place in SafeAddress.objects.filter(organisation=organisation)}
    actor = Actor.for_user(users[data.SUPERVISOR], organisation=organisation)
    for (
        name,
        kind,
        commune,
        address,
        contact,
        phone,
        capacity,
        vouched,
        checked,
    ) in data.SAFE_ADDRESSES:
        if name in known:
            continue
        safe_address_add(
            actor=actor,
            organisation=organisation,
            name=name,
            kind=kind,
            commune=Commune.objects.get(pk=commune),
            address=address,
            contact_name=contact,
            contact_phone=phone,
            capacity=capacity,
            vouched_by=vouched,
            last_checked_on=_days_ago(checked),
        )
        report.safe_addresses += 1


def _region(legacy_code: str) -> int:
    """0: the north (Hà Nội round), 1: the centre and highlands (Huế), 2: the south (Cần Thơ)."""
    code = int(legacy_code)
    return 0 if code < 38 else 1 if code < 70 else 2


def _trainees(project: Project, report: DemoLivelihoodReport, *, actor: Actor) -> None:
    rounds = {
        place: project.trainings.filter(title__endswith=place).first()
        for place in data.TRAINING_PLACES
    }
    if any(training is None for training in rounds.values()):
        raise DemoDataError(
            _("The 003 training rounds are missing. Run `manage.py load_demo_programmes` first.")
        )
    if any(training.participations.exists() for training in rounds.values() if training):
        return
    actor = actor.within(project.implementing_organisation)
    provinces = list(LegacyProvince.objects.select_related("current_province").order_by("code"))
    for index, legacy in enumerate(provinces[:51]):
        training: Training | None = rounds[data.TRAINING_PLACES[_region(legacy.code)]]
        assert training is not None  # noqa: S101 (checked above)
        family = data.OFFICER_FAMILY[index % len(data.OFFICER_FAMILY)]
        middle = data.OFFICER_MIDDLE[index % len(data.OFFICER_MIDDLE)]
        given = data.OFFICER_GIVEN[index % len(data.OFFICER_GIVEN)]
        participant_enrol(
            training=training,
            full_name=f"{family} {middle} {given}",
            sex="female",
            role=OfficerRole.WOMENS_UNION_MEMBER,
            sector=Sector.WOMEN,
            birth_year=1975 + index % 20,
            organisation_name=f"Hội LHPN {legacy.name}",
            province=legacy.current_province,
            actor=actor,
        )
        report.trainees += 1


def demo_livelihood_load(*, actor: Actor | None = None) -> DemoLivelihoodReport:
    """Load the 003 livelihood demo (see the module's docstring). Every write is made by the
    demo user whose work it is (the case worker, the Women's Union officer, the supervisor);
    the trainees are enrolled by `actor`, by default the loader's system actor."""
    ensure_demo_allowed()
    organisation, project, users = _needed()
    report = DemoLivelihoodReport()
    women: dict[str, Any] = {}
    for spec in data.WOMEN:
        person = _existing_woman(organisation, spec)
        if person is not None:
            women[spec.full_name] = person.cases.order_by("pk").first()
            continue
        with transaction.atomic():
            women[spec.full_name] = _woman(spec, organisation, project, users)
        report.women += 1
    existing = set(
        SavingsGroup.objects.filter(organisation=organisation).values_list("name", flat=True)
    )
    for name, commune, village, names in data.GROUPS:
        if name in existing:
            continue
        with transaction.atomic():
            _group(
                name,
                commune,
                village,
                names,
                organisation=organisation,
                project=project,
                users=users,
                women=women,
                report=report,
            )
        report.groups += 1
    with transaction.atomic():
        _safe_addresses(organisation, users, report)
        _trainees(project, report, actor=actor or Actor.system("load_demo_livelihood"))
    return report
