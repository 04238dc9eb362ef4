"""`manage.py load_demo_cases`: fictional cases through the real services, loaded once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case, CaseAssignment
from donghanh.cases.selectors import cases_visible_to
from donghanh.casework.models import FollowUp, ServiceDelivery, ShelterStay
from donghanh.demo.case_data import CARE_VIET_NAM, CASES, PEACE_HOUSE, TEAMS, WORLD_VISION
from donghanh.demo.data import USERS
from donghanh.organisations.models import Membership, Team
from donghanh.people.models import Consent, Person
from donghanh.people.selectors import consent_is_active
from donghanh.referrals.models import Referral, ReferralStatus
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.usefixtures("loaded")


def run() -> str:
    out = StringIO()
    call_command("load_demo_cases", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "persons": Person.objects.count(),
        "cases": Case.objects.count(),
        "services": ServiceDelivery.objects.count(),
        "referrals": Referral.objects.count(),
        "consents": Consent.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "stays": ShelterStay.objects.count(),
        "audit": AuditEntry.objects.count(),
        "teams": Team.objects.count(),
        "team_cases": Case.objects.filter(team__isnull=False).count(),
    }


@pytest.fixture
def directory(loaded: object) -> None:
    call_command("load_directory_demo", stdout=StringIO())


@pytest.mark.usefixtures("directory")
def test_loads_once_and_a_second_run_changes_nothing() -> None:
    assert f"{len(CASES)} people, {len(CASES)} cases" in run()
    first = counts()
    assert first["persons"] == first["cases"] == len(CASES)
    assert 20 <= len(CASES) <= 30
    assert first["services"] > first["cases"]
    assert first["referrals"] == 2
    assert first["teams"] == len(TEAMS) and first["team_cases"] > 0
    assert "already loaded" in run()
    assert counts() == first


@pytest.mark.usefixtures("directory")
def test_peace_house_case_worker_sees_the_assigned_cases() -> None:
    run()
    membership = Membership.objects.get(
        user__username="caseworker.binhyen", organisation__slug=PEACE_HOUSE
    )
    visible = cases_visible_to(membership)
    expected = [spec for spec in CASES if spec.worker == "caseworker.binhyen"]
    assert expected
    assert visible.count() == len(expected)
    assert all(case.workers.filter(pk=membership.user_id).exists() for case in visible)
    # Cases of the shelter not assigned to them stay out of their list.
    assert Case.objects.filter(organisation__slug=PEACE_HOUSE).count() > visible.count()


@pytest.mark.usefixtures("directory")
def test_the_demo_teams_share_their_cases_with_their_members() -> None:
    run()
    team = Team.objects.get(organisation__slug=WORLD_VISION)
    assert {m.user.username for m in team.members.all()} == {
        "caseworker.worldvision",
        "collaborator.worldvision",
    }
    collaborator = Membership.objects.get(
        user__username="collaborator.worldvision", organisation__slug=WORLD_VISION
    )
    team_cases = Case.objects.filter(team=team)
    assert team_cases.exists()
    assert set(cases_visible_to(collaborator)) >= set(team_cases)
    shelter_team = Team.objects.get(organisation__slug=PEACE_HOUSE)
    assert shelter_team.name == "Nhóm nhà tạm lánh"
    assert Case.objects.filter(team=shelter_team).exists()


@pytest.mark.usefixtures("directory")
def test_every_referral_has_the_sharing_consent_and_one_is_overdue() -> None:
    run()
    referrals = list(Referral.objects.select_related("case__person", "to_organisation"))
    assert referrals
    for referral in referrals:
        assert consent_is_active(
            referral.case.person, Consent.Purpose.SHARING, referral.to_organisation
        )
    statuses = {referral.status for referral in referrals}
    assert statuses == {ReferralStatus.COMPLETED, ReferralStatus.SENT}
    completed = next(r for r in referrals if r.status == ReferralStatus.COMPLETED)
    assert completed.feedback
    pending = next(r for r in referrals if r.status == ReferralStatus.SENT)
    assert pending.due_at < timezone.now()


@pytest.mark.usefixtures("directory")
def test_no_two_demo_persons_share_a_name_and_every_case_has_consent() -> None:
    run()
    names = [person.full_name for person in Person.objects.all()]
    assert len(names) == len(set(names)) == len(CASES)
    assert len({spec.full_name for spec in CASES}) == len(CASES)
    # Nor the name of a demo user or of a guardian: each name points at one fictional person.
    others = {user.full_name for user in USERS} | {spec.guardian for spec in CASES}
    assert not set(names) & others
    for person in Person.objects.all():
        assert consent_is_active(person, Consent.Purpose.CASE_MANAGEMENT)


def test_needs_the_directory_first() -> None:
    with pytest.raises(CommandError, match="load_directory_demo"):
        run()
    assert Person.objects.count() == 0


@pytest.mark.usefixtures("directory")
def test_refuses_in_production(settings) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run()
    assert Case.objects.count() == 0


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    ("username", "slug"),
    [
        ("caseworker.binhyen", PEACE_HOUSE),
        ("caseworker.worldvision", "world-vision-viet-nam"),
        ("caseworker.care", CARE_VIET_NAM),
    ],
)
def test_case_worker_signs_in_and_opens_their_cases(username: str, slug: str) -> None:
    run()
    user = User.objects.get(username=username)
    client = signed_in_client(user)
    listing = client.get(reverse("cases:case_list", args=[slug]))
    assert listing.status_code == 200
    mine = Case.objects.filter(organisation__slug=slug, workers=user)
    others = Case.objects.filter(organisation__slug=slug).exclude(workers=user)
    assert mine.exists() and others.exists()
    page = listing.content.decode()
    assert all(case.number in page for case in mine)
    assert not any(case.number in page for case in others)
    for case in mine:
        detail = client.get(reverse("cases:case_detail", args=[slug, case.pk]))
        assert detail.status_code == 200


@pytest.mark.usefixtures("directory")
def test_every_demo_case_is_seen_by_a_demo_user() -> None:
    run()
    seen: set[int] = set()
    for membership in Membership.objects.filter(user__demo_account__isnull=False):
        seen |= set(cases_visible_to(membership).values_list("pk", flat=True))
    assert seen == set(Case.objects.values_list("pk", flat=True))


@pytest.mark.usefixtures("directory")
def test_care_supervisor_sees_every_care_case_and_the_worker_theirs() -> None:
    run()
    care = Case.objects.filter(organisation__slug=CARE_VIET_NAM)
    assert care.count() == sum(1 for spec in CASES if spec.organisation == CARE_VIET_NAM)
    supervisor = Membership.objects.get(user__username="supervisor.care")
    worker = Membership.objects.get(user__username="caseworker.care")
    assert set(cases_visible_to(supervisor)) == set(care)
    expected = {spec.full_name for spec in CASES if spec.worker == "caseworker.care"}
    assert {case.person.full_name for case in cases_visible_to(worker)} == expected
    assert 0 < len(expected) < care.count()


@pytest.mark.usefixtures("directory")
def test_a_later_load_assigns_care_cases_loaded_without_workers_once() -> None:
    run()
    # As loaded before CARE Việt Nam had demo users: nobody assigned to its cases.
    CaseAssignment.objects.filter(case__organisation__slug=CARE_VIET_NAM).delete()
    before = counts()
    assert "now have their demo worker" in run()
    assert CaseAssignment.objects.filter(case__organisation__slug=CARE_VIET_NAM).count() == (
        before["cases"] - Case.objects.exclude(organisation__slug=CARE_VIET_NAM).count()
    )
    assert counts()["persons"] == before["persons"]
    assert "already loaded" in run()
