"""Every livelihood endpoint × every actor × own organisation and another organisation.

As in test_permission_matrix.py, the expected statuses are written out by hand. The endpoints
follow the pages' permissions (donghanh/livelihood/tests/test_permission_matrix.py): a case's
plan and assessments need the right to see cases to read and to edit cases to write; savings
groups the right to see them, and to record them for a meeting; the programme measures the
right to see aggregates.

Legend:
    200, 201  allowed (201: created)
    401       no valid token: anonymous, or an account that may not hold one
    403       a member whose role lacks the permission (for a record: anywhere)
    404       another organisation: it might not exist

"own": the records belong to the actor's organisation (the case assigned to the actor when a
case worker or collaborator). "other": the same records in an organisation the actor does not
belong to, and lists asked for it by slug. Every write checks its effect: done when allowed,
nothing changed when refused. No refused answer holds a member's name or the case number, and
no answer to a role that never sees cases holds the case number (a member's link with her case
is shown only to who may open the case).
"""

# ruff: noqa: E501

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from donghanh.api.tests.actors import ACTORS, actor_client
from donghanh.api.tests.conftest import make_person
from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case
from donghanh.core.actor import Actor
from donghanh.core.editing import sign_baseline
from donghanh.livelihood.plans import services as plan_services
from donghanh.livelihood.plans.models import LivelihoodPlan, ReintegrationAssessment
from donghanh.livelihood.savings import services
from donghanh.livelihood.savings.lines import MeetingLine
from donghanh.livelihood.savings.models import Cycle, GroupMember, Meeting, SavingsGroup
from donghanh.livelihood.tests.conftest import CONSTITUTION
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people import services as people_services
from donghanh.people.models import Consent
from donghanh.testing import factories

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

NEVER_SEE_CASES = {"programme_officer", "content_editor", "donor_viewer"}
MEMBER = "Lê Thị An"

COLUMNS = (
    "plan",  # GET    /api/v1/cases/{id}/livelihood-plan/
    "plan_start",  # POST   /api/v1/cases/{id}/livelihood-plan/
    "plan_edit",  # PATCH  /api/v1/cases/{id}/livelihood-plan/
    "support_add",  # POST   /api/v1/cases/{id}/livelihood-plan/support/
    "review_add",  # POST   /api/v1/cases/{id}/livelihood-plan/reviews/
    "assessments",  # GET    /api/v1/cases/{id}/reintegration-assessments/
    "assessment_add",  # POST   /api/v1/cases/{id}/reintegration-assessments/
    "assessment",  # GET    /api/v1/cases/{id}/reintegration-assessments/{id}/
    "groups",  # GET    /api/v1/savings-groups/?organisation=<org>
    "group",  # GET    /api/v1/savings-groups/{id}/
    "member",  # GET    /api/v1/savings-groups/{id}/members/{id}/
    "cycles",  # GET    /api/v1/savings-groups/{id}/cycles/
    "cycle",  # GET    /api/v1/savings-groups/{id}/cycles/{id}/
    "meetings",  # GET    …/cycles/{id}/meetings/
    "meeting_add",  # POST   …/cycles/{id}/meetings/
    "meeting",  # GET    …/cycles/{id}/meetings/{id}/
    "group_measures",  # GET    /api/v1/savings-groups/{id}/measures/
    "measures",  # GET    /api/v1/savings-measures/?organisation=<org>
)

# fmt: off
OWN_ORGANISATION: dict[str, tuple[int, ...]] = {
    #                      plan start edit  supp  rev  asmts add  asmt groups group member cycles cycle mtgs m_add mtg  g_meas meas
    "org_admin":            (200, 403,  403,  403, 403,  200,  403, 200,  200,   200,  200,   200,   200,  200, 403,  200, 200,   200),
    "supervisor":           (200, 201,  200,  201, 201,  200,  201, 200,  200,   200,  200,   200,   200,  200, 201,  200, 200,   200),
    "case_worker":          (200, 201,  200,  201, 201,  200,  201, 200,  200,   200,  200,   200,   200,  200, 201,  200, 200,   200),
    "collaborator":         (200, 201,  200,  201, 201,  200,  201, 200,  200,   200,  200,   200,   200,  200, 201,  200, 200,   403),
    "programme_officer":    (403, 403,  403,  403, 403,  403,  403, 403,  200,   200,  200,   200,   200,  200, 201,  200, 200,   200),
    "content_editor":       (403, 403,  403,  403, 403,  403,  403, 403,  403,   403,  403,   403,   403,  403, 403,  403, 403,   403),
    "donor_viewer":         (403, 403,  403,  403, 403,  403,  403, 403,  403,   403,  403,   403,   403,  403, 403,  403, 403,   200),
    "system_administrator": (401, 401,  401,  401, 401,  401,  401, 401,  401,   401,  401,   401,   401,  401, 401,  401, 401,   401),
    "no_membership":        (401, 401,  401,  401, 401,  401,  401, 401,  401,   401,  401,   401,   401,  401, 401,  401, 401,   401),
    "anonymous":            (401, 401,  401,  401, 401,  401,  401, 401,  401,   401,  401,   401,   401,  401, 401,  401, 401,   401),
}

OTHER_ORGANISATION: dict[str, tuple[int, ...]] = {
    #                      plan start edit  supp  rev  asmts add  asmt groups group member cycles cycle mtgs m_add mtg  g_meas meas
    "org_admin":            (404, 403,  403,  403, 403,  404,  403, 404,  404,   404,  404,   404,   404,  404, 403,  404, 404,   404),
    "supervisor":           (404, 404,  404,  404, 404,  404,  404, 404,  404,   404,  404,   404,   404,  404, 404,  404, 404,   404),
    "case_worker":          (404, 404,  404,  404, 404,  404,  404, 404,  404,   404,  404,   404,   404,  404, 404,  404, 404,   404),
    "collaborator":         (404, 404,  404,  404, 404,  404,  404, 404,  404,   404,  404,   404,   404,  404, 404,  404, 404,   404),
    "programme_officer":    (403, 403,  403,  403, 403,  403,  403, 403,  404,   404,  404,   404,   404,  404, 404,  404, 404,   404),
    "content_editor":       (403, 403,  403,  403, 403,  403,  403, 403,  404,   403,  403,   403,   403,  403, 403,  403, 403,   404),
    "donor_viewer":         (403, 403,  403,  403, 403,  403,  403, 403,  404,   403,  403,   403,   403,  403, 403,  403, 403,   404),
    "system_administrator": (401, 401,  401,  401, 401,  401,  401, 401,  401,   401,  401,   401,   401,  401, 401,  401, 401,   401),
    "no_membership":        (401, 401,  401,  401, 401,  401,  401, 401,  401,   401,  401,   401,   401,  401, 401,  401, 401,   401),
    "anonymous":            (401, 401,  401,  401, 401,  401,  401, 401,  401,   401,  401,   401,   401,  401, 401,  401, 401,   401),
}
# fmt: on


# The records each call is aimed at --------------------------------------------------------


@dataclass
class Place:
    organisation: Organisation
    case: Case
    assessment: ReintegrationAssessment
    group: SavingsGroup
    members: list[GroupMember]
    cycle: Cycle
    meeting: Meeting


def _place(organisation: Organisation, worker: Any) -> Place:
    system = Actor.system("test")
    person = make_person(organisation, worker)
    case = make_case(person, worker)
    assessment = plan_services.assessment_record(
        actor=system,
        case=case,
        point="intake",
        assessed_on=datetime.date(2026, 3, 5),
        answers={"econ_food": 4},
    )
    group = services.group_create(
        actor=system,
        organisation=organisation,
        name="Tổ Bảo Ninh",
        formed_on=datetime.date(2025, 12, 1),
    )
    members = [
        services.member_add(
            actor=system, group=group, full_name=name, joined_on=datetime.date(2025, 12, 1)
        )
        for name in (MEMBER, "Phạm Thị Bình")
    ]
    cycle = services.cycle_open(actor=system, group=group, **CONSTITUTION)
    meeting = services.meeting_record(
        actor=system,
        cycle=cycle,
        held_on=datetime.date(2026, 2, 2),
        lines=[MeetingLine(member_id=m.pk, attendance="present", shares=2) for m in members],
    )
    people_services.consent_record(
        person=person,
        purpose=Consent.Purpose.SAVINGS_GROUP,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=datetime.date(2026, 1, 10),
        actor=Actor.for_user(worker),
    )
    services.member_link_case(actor=system, member=members[0], case=case)
    return Place(organisation, case, assessment, group, members, cycle, meeting)


def _world(actor: str, scope: str) -> tuple[Any, Place]:
    own, other = OrganisationFactory(), OrganisationFactory()
    user, client = actor_client(actor, own)
    organisation = own if scope == "own" else other
    MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
    assigned = scope == "own" and actor in ("case_worker", "collaborator")
    worker = (
        user
        if assigned
        else MembershipFactory(organisation=organisation, role=Role.CASE_WORKER).user
    )
    return client, _place(organisation, worker)


# How to call each endpoint, and how to tell that a write took effect ----------------------


@dataclass(frozen=True)
class Call:
    method: str
    url: Callable[[Place], str]
    data: Callable[[Place], dict[str, Any]] = lambda place: {}
    prepare: Callable[[Place], None] = lambda place: None
    took_effect: Callable[[Place], bool] | None = None


def _case(name: str) -> Callable[[Place], str]:
    return lambda place: reverse(name, kwargs={"case_id": place.case.pk})


def _group(name: str, **more: Callable[[Place], int]) -> Callable[[Place], str]:
    def url(place: Place) -> str:
        kwargs = {"group_id": place.group.pk} | {key: get(place) for key, get in more.items()}
        return reverse(name, kwargs=kwargs)

    return url


def _cycle_id(place: Place) -> int:
    return place.cycle.pk


def _listed(name: str) -> Callable[[Place], str]:
    return lambda place: f"{reverse(name)}?organisation={place.organisation.slug}"


def _start_plan(place: Place) -> None:
    plan_services.plan_start(actor=Actor.system("test"), case=place.case)


def _plan_edit(place: Place) -> dict[str, Any]:
    plan = LivelihoodPlan.objects.get(case=place.case)
    return {
        "version": plan.version,
        "baseline": sign_baseline(plan_services.PLAN_EDITS.fingerprints(plan)),
        "goals": "Nuôi gà",
    }


def _meeting_body(place: Place) -> dict[str, Any]:
    return {
        "held_on": "2026-03-02",
        "ledger_version": SavingsGroup.objects.get(pk=place.group.pk).ledger_version,
        "lines": [{"member": m.pk, "attendance": "present", "shares": 1} for m in place.members],
    }


HOW: dict[str, Call] = {
    "plan": Call("get", _case("api:case_livelihood_plan"), prepare=_start_plan),
    "plan_start": Call(
        "post",
        _case("api:case_livelihood_plan"),
        took_effect=lambda place: LivelihoodPlan.objects.filter(case=place.case).exists(),
    ),
    "plan_edit": Call(
        "patch",
        _case("api:case_livelihood_plan"),
        data=_plan_edit,
        prepare=_start_plan,
        took_effect=lambda place: LivelihoodPlan.objects.get(case=place.case).version == 2,
    ),
    "support_add": Call(
        "post",
        _case("api:case_livelihood_support"),
        data=lambda place: {
            "kind": "cash_grant",
            "amount": 500_000,
            "given_on": "2026-04-01",
            "given_by_other": "UBND xã",
        },
        prepare=_start_plan,
        took_effect=lambda place: LivelihoodPlan.objects.get(case=place.case).support.exists(),
    ),
    "review_add": Call(
        "post",
        _case("api:case_livelihood_review"),
        data=lambda place: {"reviewed_on": "2026-06-01", "income": 1_000_000},
        prepare=_start_plan,
        took_effect=lambda place: LivelihoodPlan.objects.get(case=place.case).reviews.exists(),
    ),
    "assessments": Call("get", _case("api:case_assessment_list")),
    "assessment_add": Call(
        "post",
        _case("api:case_assessment_list"),
        data=lambda place: {
            "point": "month_6",
            "assessed_on": "2026-09-05",
            "answers": {"econ_food": 5},
        },
        took_effect=lambda place: (
            ReintegrationAssessment.objects.filter(case=place.case).count() == 2
        ),
    ),
    "assessment": Call(
        "get",
        lambda place: reverse(
            "api:case_assessment_detail",
            kwargs={"case_id": place.case.pk, "assessment_id": place.assessment.pk},
        ),
    ),
    "groups": Call("get", _listed("api:savings_group_list")),
    "group": Call("get", _group("api:savings_group_detail")),
    "member": Call(
        "get", _group("api:savings_member_detail", member_id=lambda place: place.members[0].pk)
    ),
    "cycles": Call("get", _group("api:savings_cycle_list")),
    "cycle": Call("get", _group("api:savings_cycle_detail", cycle_id=_cycle_id)),
    "meetings": Call("get", _group("api:savings_meeting_list", cycle_id=_cycle_id)),
    "meeting_add": Call(
        "post",
        _group("api:savings_meeting_list", cycle_id=_cycle_id),
        data=_meeting_body,
        took_effect=lambda place: Meeting.objects.filter(cycle=place.cycle).count() == 2,
    ),
    "meeting": Call(
        "get",
        _group(
            "api:savings_meeting_detail",
            cycle_id=_cycle_id,
            meeting_id=lambda place: place.meeting.pk,
        ),
    ),
    "group_measures": Call("get", _group("api:savings_group_measures")),
    "measures": Call("get", _listed("api:savings_measures")),
}

TABLES = (("own", OWN_ORGANISATION), ("other", OTHER_ORGANISATION))
# The routes and methods this matrix covers (test_permission_matrix.py checks that the
# matrices together cover every route once).
ROUTES = {
    ("case_livelihood_plan", "get"),
    ("case_livelihood_plan", "post"),
    ("case_livelihood_plan", "patch"),
    ("case_livelihood_support", "post"),
    ("case_livelihood_review", "post"),
    ("case_assessment_list", "get"),
    ("case_assessment_list", "post"),
    ("case_assessment_detail", "get"),
    ("savings_group_list", "get"),
    ("savings_group_detail", "get"),
    ("savings_member_detail", "get"),
    ("savings_cycle_list", "get"),
    ("savings_cycle_detail", "get"),
    ("savings_meeting_list", "get"),
    ("savings_meeting_list", "post"),
    ("savings_meeting_detail", "get"),
    ("savings_group_measures", "get"),
    ("savings_measures", "get"),
}


def _cases() -> list[Any]:
    return [
        pytest.param(actor, column, scope, expected, id=f"{actor}-{column}-{scope}")
        for scope, table in TABLES
        for actor in ACTORS
        for column, expected in zip(COLUMNS, table[actor], strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "column", "scope", "expected"), _cases())
def test_every_livelihood_endpoint_for_every_actor(actor, column, scope, expected):
    client, place = _world(actor, scope)
    call = HOW[column]
    call.prepare(place)

    response = getattr(client, call.method)(call.url(place), call.data(place), format="json")

    assert response.status_code == expected, response.content
    body = response.content.decode()
    if expected not in (200, 201):
        assert MEMBER not in body
    if expected not in (200, 201) or actor in NEVER_SEE_CASES:
        assert place.case.number not in body
    if call.took_effect is not None:
        assert call.took_effect(place) is (expected in (200, 201))


def test_every_table_has_a_row_per_actor_and_a_cell_per_column():
    for _scope, table in TABLES:
        assert tuple(table) == ACTORS
        assert all(len(row) == len(COLUMNS) for row in table.values())
    assert set(HOW) == set(COLUMNS)
    writes = {name for name, call in HOW.items() if call.method != "get"}
    assert all(HOW[name].took_effect is not None for name in writes)
    assert {(n, m) for n, m in ROUTES} == {
        (str(_route(HOW[column])), HOW[column].method) for column in COLUMNS
    }


def _route(call: Call) -> str:
    from django.urls import resolve

    class Stub:
        pk = 1
        slug = "x"

    stub: Any = type(
        "P",
        (),
        {
            "organisation": Stub,
            "case": Stub,
            "assessment": Stub,
            "group": Stub,
            "members": [Stub],
            "cycle": Stub,
            "meeting": Stub,
        },
    )
    return str(resolve(call.url(stub).split("?")[0]).url_name)
