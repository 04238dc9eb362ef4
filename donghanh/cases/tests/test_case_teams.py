"""Teams: case workers and collaborators see the cases given to an active team of theirs.

Restricted cases stay with the named users; another organisation's team never opens a case.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases import services as case_services
from donghanh.cases.selectors import caseload, cases_visible_to
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.core.actor import Actor
from donghanh.organisations import services as organisation_services
from donghanh.organisations.models import Membership, Team
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

OK, FORBIDDEN, MISSING = 200, 403, 404


def _membership(organisation, user):
    return Membership.objects.get(organisation=organisation, user=user)


# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory


@pytest.fixture
def team_world(staff):
    """A case given to the shelter team, opened by the supervisor (so assigned to nobody else).

    The team: a case worker and a collaborator. Outside it: another case worker of the same
    organisation, and a case worker of another organisation in a team of that organisation.
    """
    org = staff.organisation
    supervisor = staff.users[Role.SUPERVISOR]
    in_team = MembershipFactory(organisation=org, role=Role.CASE_WORKER)
    collaborator = MembershipFactory(organisation=org, role=Role.COLLABORATOR)
    not_in_team = MembershipFactory(organisation=org, role=Role.CASE_WORKER)
    elsewhere = MembershipFactory(organisation=staff.other_organisation, role=Role.CASE_WORKER)
    team = organisation_services.team_create(
        organisation=org,
        name="Nhóm tạm lánh",
        members=[in_team, collaborator],
        actor=Actor.system("test"),
    )
    organisation_services.team_create(
        organisation=staff.other_organisation,
        name="Nhóm tạm lánh",
        members=[elsewhere],
        actor=Actor.system("test"),
    )
    case = make_case(make_person(org, supervisor), supervisor, team=team)
    return {
        "team": team,
        "case": case,
        "in_team": in_team,
        "collaborator": collaborator,
        "not_in_team": not_in_team,
        "elsewhere": elsewhere,
    }


CASE_PAGES = ("case_detail", "case_edit_intake", "case_closure_request")
EXPECTED = {
    "in_team": {"case_detail": OK, "case_edit_intake": OK, "case_closure_request": OK},
    "collaborator": {"case_detail": OK, "case_edit_intake": OK, "case_closure_request": OK},
    "not_in_team": dict.fromkeys(CASE_PAGES, MISSING),
    "elsewhere": dict.fromkeys(CASE_PAGES, MISSING),
}


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("page", CASE_PAGES)
def test_team_members_open_the_team_case_and_nobody_else_does(staff, team_world, who, page):
    case = team_world["case"]
    client = signed_in_client(team_world[who].user)
    url = reverse(f"cases:{page}", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    response = client.get(url)
    assert response.status_code == EXPECTED[who][page]
    if response.status_code == MISSING:
        assert case.number not in response.content.decode()


def test_another_organisations_member_gets_404_under_their_own_address_too(staff, team_world):
    case = team_world["case"]
    client = signed_in_client(team_world["elsewhere"].user)
    url = reverse(
        "cases:case_detail",
        kwargs={"org": staff.other_organisation.slug, "case_id": case.pk},
    )
    assert client.get(url).status_code == MISSING


def test_the_caseload_lists_team_cases_to_members_only(staff, team_world):
    number = team_world["case"].number
    for who, sees in (("in_team", True), ("collaborator", True), ("not_in_team", False)):
        membership = team_world[who]
        assert cases_visible_to(membership).filter(number=number).exists() is sees
    other = team_world["elsewhere"]
    assert not cases_visible_to(other).filter(pk=team_world["case"].pk).exists()


def test_a_restricted_team_case_stays_hidden_from_team_mates(staff, team_world):
    case, supervisor = team_world["case"], staff.users[Role.SUPERVISOR]
    in_team, collaborator = team_world["in_team"], team_world["collaborator"]
    case_services.case_restrict(
        case=case, named_users=[supervisor, in_team.user], actor=Actor.for_user(supervisor)
    )
    assert cases_visible_to(in_team).filter(pk=case.pk).exists()
    assert not cases_visible_to(collaborator).filter(pk=case.pk).exists()
    url = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    assert signed_in_client(collaborator.user).get(url).status_code == MISSING


def test_leaving_the_team_or_deactivating_it_takes_the_case_away(staff, team_world):
    case, team = team_world["case"], team_world["team"]
    in_team, collaborator = team_world["in_team"], team_world["collaborator"]
    organisation_services.team_update(
        team=team, name=team.name, members=[in_team], actor=Actor.system("test")
    )
    assert not cases_visible_to(collaborator).filter(pk=case.pk).exists()
    assert cases_visible_to(in_team).filter(pk=case.pk).exists()
    organisation_services.team_deactivate(team=team, actor=Actor.system("test"))
    assert not cases_visible_to(in_team).filter(pk=case.pk).exists()
    organisation_services.team_reactivate(team=team, actor=Actor.system("test"))
    assert cases_visible_to(in_team).filter(pk=case.pk).exists()


def test_the_caseload_filters_by_team(staff, team_world):
    supervisor = _membership(staff.organisation, staff.users[Role.SUPERVISOR])
    loose = make_case(make_person(staff.organisation), staff.users[Role.SUPERVISOR])
    team = team_world["team"]
    assert [c.pk for c in caseload(supervisor, team_id=team.pk)] == [team_world["case"].pk]
    assert loose.pk in {c.pk for c in caseload(supervisor)}
    client = staff.client(Role.SUPERVISOR)
    url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    body = client.get(url, {"team": team.pk}).content.decode()
    assert team_world["case"].number in body and loose.number not in body
    assert "Nhóm tạm lánh" in body


def test_the_supervisor_gives_a_case_to_a_team_on_the_workers_page(staff, team_world):
    supervisor = staff.users[Role.SUPERVISOR]
    case = make_case(make_person(staff.organisation), supervisor)
    client = staff.client(Role.SUPERVISOR)
    url = reverse("cases:case_workers", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    response = client.post(url, {"workers": [supervisor.pk], "team": team_world["team"].pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.team_id == team_world["team"].pk
    entry = AuditEntry.objects.get(
        target_type="cases.case", target_id=str(case.pk), action=AuditAction.UPDATE
    )
    assert entry.changed_fields == ["team"]
    assert cases_visible_to(team_world["in_team"]).filter(pk=case.pk).exists()


def test_a_case_cannot_go_to_another_organisations_team_or_an_inactive_one(staff, team_world):
    supervisor = staff.users[Role.SUPERVISOR]
    case = make_case(make_person(staff.organisation), supervisor)
    foreign = Team.objects.get(organisation=staff.other_organisation)
    with pytest.raises(ValidationError):
        case_services.case_assign(
            case=case, workers=[supervisor], team=foreign, actor=Actor.for_user(supervisor)
        )
    team = team_world["team"]
    organisation_services.team_deactivate(team=team, actor=Actor.system("test"))
    team.refresh_from_db()
    with pytest.raises(ValidationError):
        case_services.case_assign(
            case=case, workers=[supervisor], team=team, actor=Actor.for_user(supervisor)
        )
    case.refresh_from_db()
    assert case.team_id is None
    # Posting another organisation's team on the page is refused as an unknown choice.
    client = staff.client(Role.SUPERVISOR)
    url = reverse("cases:case_workers", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    response = client.post(url, {"workers": [supervisor.pk], "team": foreign.pk})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.team_id is None


def test_only_those_who_assign_choose_the_team_at_intake(staff, team_world):
    person = make_person(staff.organisation, staff.users[Role.SUPERVISOR])
    url = reverse(
        "cases:case_open", kwargs={"org": staff.organisation.slug, "person_id": person.pk}
    )
    data = {
        "case_type": "trafficking_victim",
        "intake_channel": "hotline_111",
        "intake_date": "02/03/2026",
        "team": team_world["team"].pk,
    }
    assert 'name="team"' in staff.client(Role.SUPERVISOR).get(url).content.decode()
    worker = team_world["not_in_team"].user
    own_person = make_person(staff.organisation, worker, full_name="Lò Thị Xuân")
    own_url = reverse(
        "cases:case_open", kwargs={"org": staff.organisation.slug, "person_id": own_person.pk}
    )
    worker_client = signed_in_client(worker)
    page = worker_client.get(own_url)
    assert page.status_code == 200 and 'name="team"' not in page.content.decode()
    worker_client.post(own_url, data)  # a team posted anyway is not a field of this form
    assert cases_visible_to(team_world["not_in_team"]).get(person=own_person).team_id is None
    response = staff.client(Role.SUPERVISOR).post(url, data)
    assert response.status_code == 302
    case = cases_visible_to(team_world["in_team"]).get(person=person)
    assert case.team_id == team_world["team"].pk
