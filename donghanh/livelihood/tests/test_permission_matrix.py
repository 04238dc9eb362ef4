"""Every role × every livelihood page and action × own organisation and another one: the
savings groups, and the livelihood plan and assessments on a case.

The expected statuses are written out by hand, as in
donghanh/organisations/tests/test_permission_matrix.py, so that a mistake in GRANTS or in a
view's choice of permission fails here. Every action also checks its effect: done when
allowed, nothing changed when refused.

    200, 302  allowed (302: an action that redirects after success)
    403       a member whose role lacks the permission (or, to link or unlink a case, who
              may not edit that case)
    404       another organisation, or someone with no membership there
    LOGIN     anonymous: sent to the sign-in page
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case
from donghanh.core.actor import Actor
from donghanh.livelihood import urls as livelihood_urls
from donghanh.livelihood.plans import services as plan_services
from donghanh.livelihood.plans.models import (
    LivelihoodPlan,
    LivelihoodReview,
    LivelihoodSupport,
    ReintegrationAssessment,
)
from donghanh.livelihood.plans.services import PLAN_EDITS
from donghanh.livelihood.safe_addresses.models import SafeAddress, SafePlacement
from donghanh.livelihood.safe_addresses.services import SAFE_ADDRESS_EDITS, safe_address_add
from donghanh.livelihood.savings import services
from donghanh.livelihood.savings.lines import MeetingLine, member_field
from donghanh.livelihood.savings.models import (
    CommitteeSeat,
    Cycle,
    CycleStatus,
    GroupMember,
    Meeting,
    SavingsGroup,
)
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people import services as people_services
from donghanh.people.models import Consent
from donghanh.people.tests.conftest import make_person
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

from .conftest import CONSTITUTION

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

LOGIN = "LOGIN"
ACTORS = (
    "org_admin",
    "supervisor",
    "case_worker",
    "collaborator",
    "programme_officer",
    "content_editor",
    "donor_viewer",
    "system_administrator",
    "no_membership",
    "anonymous",
)
PAGES = (
    "groups", "group_create_page", "group", "group_edit_page", "member_add_page", "member",
    "cycle_open_page", "cycle", "constitution_page", "committee_page", "meeting_new_page",
    "meeting", "ledger", "share_out_page", "measures", "group_measures", "plan", "support_page",
    "review_page", "assessment_page", "reviews_due", "safe_addresses", "safe_address_add_page",
    "safe_address", "placement_page", "group_measures_xlsx",
)  # fmt: skip
ACTIONS = (
    "group_create", "group_edit", "member_add", "member_edit", "member_link", "member_unlink",
    "member_leave", "cycle_open", "constitution", "committee", "meeting_new", "share_out",
    "plan_start", "plan_edit", "support_add", "review_add", "assessment_add",
    "safe_address_add", "safe_address_edit", "safe_address_checked", "placement_add",
)  # fmt: skip

V, W, F, N = 200, 302, 403, 404
# fmt: off
# Pages: groups create group edit add member open cycle const committee meeting_new meeting
# ledger share_out, then the measures: of every group (totals that identify nobody) and of one;
# then on a case: her plan, the support, review and assessment forms, and the reviews due; then
# the safe addresses: the list, the new one's form, one; the emergency placement's form; last,
# the download of one group's measures (as its measures page).
_READER = (V, F, V, F, F, V, F, V, F, F, F, V, V, V, V, V)
_RECORDER = (V,) * 16
_CASE_EDITOR = (V,) * 9
OWN_PAGES = {
    "org_admin": (*_READER, V, F, F, F, V, V, F, V, F, V),
    "supervisor": (*_RECORDER, *_CASE_EDITOR, V),
    "case_worker": (*_RECORDER, *_CASE_EDITOR, V),
    "collaborator": (V,) * 14 + (F, V) + _CASE_EDITOR + (V,),
    "programme_officer": (*_RECORDER, *(F,) * 9, V),
    "content_editor": (F,) * 26,
    "donor_viewer": (F,) * 14 + (V, F) + (F,) * 10,
    "system_administrator": (N,) * 26,
    "no_membership": (N,) * 26,
    "anonymous": (LOGIN,) * 26,
}
# Actions: create edit add member_edit link unlink leave open constitution committee meeting
# share_out; then on a case: start the plan, save it, support, review, assessment; then a safe
# address: add, change, checked; an emergency placement there. Linking and unlinking a case,
# everything on a case and the safe addresses need the right to edit cases (and that case).
_NO_CASES = (W, W, W, W, F, F, W, W, W, W, W, W) + (F,) * 9
OWN_ACTIONS = {
    "org_admin": (F,) * 21, "supervisor": (W,) * 21, "case_worker": (W,) * 21,
    "collaborator": (W,) * 21, "programme_officer": _NO_CASES, "content_editor": (F,) * 21,
    "donor_viewer": (F,) * 21, "system_administrator": (N,) * 21, "no_membership": (N,) * 21,
    "anonymous": (LOGIN,) * 21,
}
OTHER_PAGES = dict.fromkeys(ACTORS, (N,) * 26) | {"anonymous": (LOGIN,) * 26}
OTHER_ACTIONS = dict.fromkeys(ACTORS, (N,) * 21) | {"anonymous": (LOGIN,) * 21}
# fmt: on


@dataclass
class Place:
    """The records of one organisation the pages and actions are aimed at."""

    organisation: Organisation
    group: SavingsGroup
    fresh: SavingsGroup  # a group with no cycle yet
    cycle: Cycle
    meeting: Meeting
    members: list[GroupMember]
    case: Case
    consent: Consent
    safe_address: SafeAddress


@dataclass
class World:
    client: Client
    user: Any
    places: dict[str, Place] = field(default_factory=dict)


def _place(organisation: Organisation, worker: Any) -> Place:
    actor = Actor.system("test")
    group = services.group_create(
        actor=actor,
        organisation=organisation,
        name="Tổ Bảo Ninh",
        formed_on=datetime.date(2025, 12, 1),
    )
    fresh = services.group_create(
        actor=actor,
        organisation=organisation,
        name="Tổ Hà Thôn",
        formed_on=datetime.date(2025, 12, 1),
    )
    members = [
        services.member_add(
            actor=actor, group=group, full_name=name, joined_on=datetime.date(2025, 12, 1)
        )
        for name in ("Lê Thị An", "Phạm Thị Bình")
    ]
    cycle = services.cycle_open(actor=actor, group=group, **CONSTITUTION)
    meeting = services.meeting_record(
        actor=actor,
        cycle=cycle,
        held_on=datetime.date(2026, 2, 2),
        lines=[MeetingLine(member_id=m.pk, attendance="present", shares=2) for m in members],
    )
    person = make_person(organisation, worker)
    case = make_case(person, worker)
    consent = people_services.consent_record(
        person=person,
        purpose=Consent.Purpose.SAVINGS_GROUP,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=datetime.date(2026, 1, 10),
        actor=Actor.for_user(worker),
    )
    safe_address = safe_address_add(
        actor=actor,
        organisation=organisation,
        name="Nhà bà Tư",
        kind="household",
        address="Xóm 2, thôn Hà Thôn",
        capacity=2,
        vouched_by="Chủ tịch Hội Phụ nữ xã",
        last_checked_on=datetime.date(2026, 1, 5),
    )
    return Place(organisation, group, fresh, cycle, meeting, members, case, consent, safe_address)


def _world(actor: str) -> World:
    own, other = OrganisationFactory(), OrganisationFactory()
    if actor == "anonymous":
        client, user = Client(), None
    elif actor == "system_administrator":
        user = UserFactory(is_superuser=True, is_staff=True)
        client = signed_in_client(user)
    elif actor == "no_membership":
        user = UserFactory()
        client = signed_in_client(user)
    else:
        user = MembershipFactory(organisation=own, role=Role(actor)).user
        client = signed_in_client(user)
    # The case is assigned to the actor when the actor works on cases, so that a case worker
    # or a collaborator may edit it; otherwise to a case worker of the organisation.
    own_worker = (
        user
        if actor in ("case_worker", "collaborator")
        else MembershipFactory(organisation=own, role=Role.CASE_WORKER).user
    )
    other_worker = MembershipFactory(organisation=other, role=Role.CASE_WORKER).user
    world = World(client=client, user=user)
    world.places = {"own": _place(own, own_worker), "other": _place(other, other_worker)}
    return world


def _link(place: Place) -> None:
    services.member_link_case(actor=Actor.system("test"), member=place.members[0], case=place.case)


def _open_fresh_cycle(place: Place) -> None:
    services.cycle_open(actor=Actor.system("test"), group=place.fresh, **CONSTITUTION)


def _member(place: Place, index: int = 0) -> GroupMember:
    return GroupMember.objects.get(pk=place.members[index].pk)


def _meeting_data(place: Place) -> dict[str, str]:
    data = {
        "held_on": "2026-03-02",
        "ledger_version": str(SavingsGroup.objects.get(pk=place.group.pk).ledger_version),
    }
    for member in place.members:
        data[member_field(member.pk, "attendance")] = "present"
        data[member_field(member.pk, "shares")] = "1"
    return data


def _constitution_data(**changes: Any) -> dict[str, str]:
    values = CONSTITUTION | changes
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else str(value)
        for name, value in values.items()
    }


def _fresh_cycle(place: Place) -> Cycle:
    return Cycle.objects.get(group=place.fresh)


@dataclass(frozen=True)
class Action:
    url_name: str
    target: Callable[[Place], dict[str, int]] = lambda place: {}
    method: str = "get"
    data: Callable[[Place], dict[str, str]] = lambda place: {}
    prepare: Callable[[Place], None] = lambda place: None
    took_effect: Callable[[Place], bool] | None = None


def _g(place: Place) -> dict[str, int]:
    return {"group_id": place.group.pk}


def _m(place: Place) -> dict[str, int]:
    return {"group_id": place.group.pk, "member_id": place.members[0].pk}


def _c(place: Place) -> dict[str, int]:
    return {"group_id": place.group.pk, "cycle_id": place.cycle.pk}


def _place_id(place: Place) -> dict[str, int]:
    return {"place_id": place.safe_address.pk}


def _safe_data(name: str) -> dict[str, str]:
    return {
        "name": name,
        "kind": "household",
        "address": "Thôn Đông, xã Bảo Ninh",
        "capacity": "3",
        "vouched_by": "Chi hội trưởng phụ nữ thôn",
        "last_checked_on": "2026-03-01",
        "is_active": "on",
    }


def _case(place: Place) -> dict[str, int]:
    return {"case_id": place.case.pk}


def _start_plan(place: Place) -> None:
    plan_services.plan_start(actor=Actor.system("test"), case=place.case)


def _fc(place: Place) -> dict[str, int]:
    return {"group_id": place.fresh.pk, "cycle_id": _fresh_cycle(place).pk}


HOW: dict[str, Action] = {
    "groups": Action("livelihood:groups"),
    "group_create_page": Action("livelihood:group_create"),
    "group": Action("livelihood:group", _g),
    "group_edit_page": Action("livelihood:group_edit", _g),
    "member_add_page": Action("livelihood:member_add", _g),
    "member": Action("livelihood:member", _m),
    "cycle_open_page": Action("livelihood:cycle_open", _g),
    "cycle": Action("livelihood:cycle", _c),
    "constitution_page": Action("livelihood:constitution", _c),
    "committee_page": Action("livelihood:committee", _c),
    "meeting_new_page": Action("livelihood:meeting_new", _c),
    "meeting": Action("livelihood:meeting", lambda p: _c(p) | {"meeting_id": p.meeting.pk}),
    "ledger": Action("livelihood:ledger", _c),
    "share_out_page": Action("livelihood:share_out", _c),
    "measures": Action("livelihood:measures"),
    "group_measures": Action("livelihood:group_measures", _g),
    "group_measures_xlsx": Action("livelihood:group_measures_xlsx", _g),
    "plan": Action("livelihood:plan", _case, prepare=_start_plan),
    "support_page": Action("livelihood:support_add", _case, prepare=_start_plan),
    "review_page": Action("livelihood:review_add", _case, prepare=_start_plan),
    "assessment_page": Action("livelihood:assessment_add", _case),
    "reviews_due": Action("livelihood:reviews_due"),
    "safe_addresses": Action("livelihood:safe_addresses"),
    "safe_address_add_page": Action("livelihood:safe_address_add"),
    "safe_address": Action("livelihood:safe_address", _place_id),
    "safe_address_add": Action(
        "livelihood:safe_address_add",
        method="post",
        data=lambda place: _safe_data("Nhà chị Hạnh"),
        took_effect=lambda place: (
            SafeAddress.objects.filter(organisation=place.organisation).count() == 2
        ),
    ),
    "safe_address_edit": Action(
        "livelihood:safe_address",
        _place_id,
        method="post",
        data=lambda place: (
            _safe_data("Nhà chị Hạnh") | SAFE_ADDRESS_EDITS.baseline_initial(place.safe_address)
        ),
        took_effect=lambda place: SafeAddress.objects.get(pk=place.safe_address.pk).capacity == 3,
    ),
    "safe_address_checked": Action(
        "livelihood:safe_address_checked",
        _place_id,
        method="post",
        took_effect=lambda place: SafeAddress.objects.get(pk=place.safe_address.pk).version == 2,
    ),
    "plan_start": Action(
        "livelihood:plan_start",
        _case,
        method="post",
        took_effect=lambda place: LivelihoodPlan.objects.filter(case=place.case).exists(),
    ),
    "plan_edit": Action(
        "livelihood:plan",
        _case,
        method="post",
        prepare=_start_plan,
        data=lambda place: {
            "goals": "Nuôi bò sinh sản",
            **PLAN_EDITS.baseline_initial(LivelihoodPlan.objects.get(case=place.case)),
        },
        took_effect=lambda place: (
            LivelihoodPlan.objects.get(case=place.case).goals == "Nuôi bò sinh sản"
        ),
    ),
    "support_add": Action(
        "livelihood:support_add",
        _case,
        method="post",
        prepare=_start_plan,
        data=lambda place: {
            "kind": "cash_grant",
            "amount": "3000000",
            "given_on": "2026-03-01",
            "given_by_other": "UBND xã",
        },
        took_effect=lambda place: LivelihoodSupport.objects.filter(plan__case=place.case).exists(),
    ),
    "review_add": Action(
        "livelihood:review_add",
        _case,
        method="post",
        prepare=_start_plan,
        data=lambda place: {"reviewed_on": "2026-03-01", "income": "2500000"},
        took_effect=lambda place: LivelihoodReview.objects.filter(plan__case=place.case).exists(),
    ),
    "placement_page": Action("livelihood:placement_add", _case),
    "placement_add": Action(
        "livelihood:placement_add",
        _case,
        method="post",
        data=lambda place: {
            "place": str(place.safe_address.pk),
            "arrived_on": "2026-03-01",
            "nights": "1",
        },
        took_effect=lambda place: SafePlacement.objects.filter(case=place.case).exists(),
    ),
    "assessment_add": Action(
        "livelihood:assessment_add",
        _case,
        method="post",
        data=lambda place: {"point": "intake", "assessed_on": "2026-03-01", "econ_work": "2"},
        took_effect=lambda place: ReintegrationAssessment.objects.filter(case=place.case).exists(),
    ),
    "group_create": Action(
        "livelihood:group_create",
        method="post",
        data=lambda place: {"name": "Tổ Nhân Trạch", "formed_on": "2026-01-05"},
        took_effect=lambda place: SavingsGroup.objects.filter(
            organisation=place.organisation, name="Tổ Nhân Trạch"
        ).exists(),
    ),
    "group_edit": Action(
        "livelihood:group_edit",
        _g,
        method="post",
        data=lambda place: {
            "name": "Tổ Bảo Ninh 2",
            "formed_on": "2025-12-01",
            "is_active": "on",
            **services.GROUP_EDITS.baseline_initial(place.group),
        },
        took_effect=lambda place: (
            SavingsGroup.objects.get(pk=place.group.pk).name == "Tổ Bảo Ninh 2"
        ),
    ),
    "member_add": Action(
        "livelihood:member_add",
        _g,
        method="post",
        data=lambda place: {"full_name": "Võ Thị Dung", "joined_on": "2026-01-05"},
        took_effect=lambda place: GroupMember.objects.filter(group=place.group).count() == 3,
    ),
    "member_edit": Action(
        "livelihood:member",
        _m,
        method="post",
        data=lambda place: {
            "full_name": "Lê Thị Ân",
            "joined_on": "2025-12-01",
            **services.MEMBER_EDITS.baseline_initial(place.members[0]),
        },
        took_effect=lambda place: _member(place).full_name == "Lê Thị Ân",
    ),
    "member_link": Action(
        "livelihood:member_link",
        _m,
        method="post",
        data=lambda place: {"case": str(place.case.pk)},
        took_effect=lambda place: _member(place).case_id == place.case.pk,
    ),
    "member_unlink": Action(
        "livelihood:member_unlink",
        _m,
        method="post",
        prepare=_link,
        took_effect=lambda place: _member(place).case_id is None,
    ),
    "member_leave": Action(
        "livelihood:member_leave",
        _m,
        method="post",
        data=lambda place: {"left_on": "2026-03-01", "reason": "moved"},
        took_effect=lambda place: _member(place).left_on is not None,
    ),
    "cycle_open": Action(
        "livelihood:cycle_open",
        lambda place: {"group_id": place.fresh.pk},
        method="post",
        data=lambda place: _constitution_data(),
        took_effect=lambda place: Cycle.objects.filter(group=place.fresh).exists(),
    ),
    "constitution": Action(
        "livelihood:constitution",
        _fc,
        method="post",
        prepare=_open_fresh_cycle,
        data=lambda place: (
            _constitution_data(share_price=20_000)
            | services.CONSTITUTION_EDITS.baseline_initial(_fresh_cycle(place))
        ),
        took_effect=lambda place: _fresh_cycle(place).share_price == 20_000,
    ),
    "committee": Action(
        "livelihood:committee",
        _c,
        method="post",
        data=lambda place: {"chair": str(place.members[0].pk)},
        took_effect=lambda place: CommitteeSeat.objects.filter(cycle=place.cycle).exists(),
    ),
    "meeting_new": Action(
        "livelihood:meeting_new",
        _c,
        method="post",
        data=_meeting_data,
        took_effect=lambda place: Meeting.objects.filter(cycle=place.cycle).count() == 2,
    ),
    "share_out": Action(
        "livelihood:share_out",
        _c,
        method="post",
        data=lambda place: {
            "held_on": "2026-03-02",
            "ledger_version": str(SavingsGroup.objects.get(pk=place.group.pk).ledger_version),
        },
        took_effect=lambda place: (
            Cycle.objects.get(pk=place.cycle.pk).status == CycleStatus.SHARED_OUT
        ),
    ),
}

TABLES = (
    ("own", PAGES, OWN_PAGES),
    ("own", ACTIONS, OWN_ACTIONS),
    ("other", PAGES, OTHER_PAGES),
    ("other", ACTIONS, OTHER_ACTIONS),
)


def _cases() -> list[Any]:
    return [
        pytest.param(actor, column, scope, expected, id=f"{actor}-{column}-{scope}")
        for scope, columns, table in TABLES
        for actor in ACTORS
        for column, expected in zip(columns, table[actor], strict=True)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("actor", "column", "scope", "expected"), _cases())
def test_savings_group_pages_and_actions(actor, column, scope, expected):
    world = _world(actor)
    place = world.places[scope]
    action = HOW[column]
    action.prepare(place)
    url = reverse(action.url_name, kwargs={"org": place.organisation.slug, **action.target(place)})

    response = getattr(world.client, action.method)(url, action.data(place))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    else:
        assert response.status_code == expected, getattr(response, "context", None) and (
            response.context.get("form") and response.context["form"].errors
        )
    if action.took_effect is not None:
        assert action.took_effect(place) is (expected in (200, 302))


def test_the_matrix_covers_every_page_of_the_app():
    assert {action.url_name.split(":")[1] for action in HOW.values()} == {
        pattern.name for pattern in livelihood_urls.urlpatterns
    }
    for _scope, columns, table in TABLES:
        assert tuple(table) == ACTORS
        assert all(len(row) == len(columns) for row in table.values())
    assert set(HOW) == set(PAGES) | set(ACTIONS)
    assert all(HOW[name].method == "get" and HOW[name].took_effect is None for name in PAGES)
    assert all(HOW[name].method == "post" and HOW[name].took_effect for name in ACTIONS)
