"""Shelter beds, follow-ups and what is overdue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.audit.models import AuditEntry
from donghanh.cases.models import CaseStatus
from donghanh.casework import services
from donghanh.casework.models import FollowUp, ShelterStay
from donghanh.casework.selectors import overdue_counts_for, overdue_for
from donghanh.casework.tests.conftest import add_goal, make_case, make_person, opened_at, url
from donghanh.core.actor import Actor
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Role
from donghanh.testing.factories import MembershipFactory, OrganisationFactory

DAY = datetime.date(2026, 5, 4)


@pytest.fixture
def shelter(db):
    shelter: Organisation = OrganisationFactory(kind=Organisation.Kind.SHELTER, name="Nhà Bình Yên")  # type: ignore[assignment]
    services.shelter_capacity_set(
        shelter=shelter,
        beds=1,
        effective_from=datetime.date(2026, 1, 1),
        actor=Actor.system("tests"),
    )
    return shelter


def test_full_shelter_refuses_an_admission_until_a_bed_is_free(staff, case, person, shelter):
    worker = staff.users[Role.CASE_WORKER]
    first = services.shelter_admit(
        case=case, shelter=shelter, admitted_on=DAY, actor=Actor.for_user(worker)
    )
    second_case = make_case(make_person(staff.organisation, worker, full_name="Lê Thị Lan"), worker)
    response = staff.client(Role.CASE_WORKER).post(
        url("stay_add", second_case),
        {"shelter": shelter.pk, "admitted_on": (DAY + datetime.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    assert ShelterStay.objects.filter(case=second_case).count() == 0
    # Before the first admission a bed was free.
    services.shelter_admit(
        case=second_case,
        shelter=shelter,
        admitted_on=DAY - datetime.timedelta(days=10),
        actor=Actor.for_user(worker),
    ).delete()
    services.shelter_discharge(
        stay=first,
        discharged_on=DAY + datetime.timedelta(days=5),
        reason="reintegrated",
        actor=Actor.for_user(worker),
    )
    # The discharge day frees the bed.
    stay = services.shelter_admit(
        case=second_case,
        shelter=shelter,
        admitted_on=DAY + datetime.timedelta(days=5),
        actor=Actor.for_user(worker),
    )
    assert stay.pk
    assert AuditEntry.objects.filter(
        target_type="casework.shelterstay", summary=f"shelter admission on case {second_case.pk}"
    ).exists()


def test_capacity_follows_its_effective_date(staff, case, shelter):
    services.shelter_capacity_set(
        shelter=shelter,
        beds=0,
        effective_from=datetime.date(2026, 5, 1),
        actor=Actor.system("tests"),
    )
    with pytest.raises(ValidationError) as refused:
        services.shelter_admit(
            case=case, shelter=shelter, admitted_on=DAY, actor=Actor.system("tests")
        )
    assert refused.value.code == "shelter_full"
    services.shelter_admit(
        case=case,
        shelter=shelter,
        admitted_on=datetime.date(2026, 4, 1),
        actor=Actor.system("tests"),
    )


def test_only_a_shelter_admits(staff, case):
    with pytest.raises(ValidationError):
        services.shelter_admit(
            case=case, shelter=staff.organisation, admitted_on=DAY, actor=Actor.system("tests")
        )


def test_follow_up_done_plans_the_next_one(staff, case):
    follow_up = services.follow_up_plan(
        case=case, planned_on=DAY, method="home_visit", actor=Actor.system("tests")
    )
    client = staff.client(Role.CASE_WORKER)
    page = url("follow_up_edit", case, follow_up_id=follow_up.pk)
    response = client.post(
        page,
        {
            "planned_on": DAY.isoformat(),
            "method": "home_visit",
            "done_on": DAY.isoformat(),
            "outcome": "Gia đình đón nhận",
            "next_on": "2026-06-04",
            **opened_at(client, page),
        },
    )
    assert response.status_code == 302
    assert list(FollowUp.objects.order_by("planned_on").values_list("planned_on", "done_on")) == [
        (DAY, DAY),
        (datetime.date(2026, 6, 4), None),
    ]


def _membership(staff, role, user=None):
    return Membership.objects.get(organisation=staff.organisation, user=user or staff.users[role])


def test_overdue_selector_lists_only_visible_active_cases(staff, case, person):
    worker = staff.users[Role.CASE_WORKER]
    goal = add_goal(case, staff)
    late = services.action_add(
        goal=goal, description="Làm giấy tờ", owner=worker, due_on=DAY, actor=Actor.system("tests")
    )
    services.action_add(
        goal=goal,
        description="Sau này",
        owner=worker,
        due_on=DAY + datetime.timedelta(days=30),
        actor=Actor.system("tests"),
    )
    done = services.action_add(
        goal=goal, description="Xong", owner=worker, due_on=DAY, actor=Actor.system("tests")
    )
    done.status = "done"
    done.save()
    missed = services.follow_up_plan(
        case=case, planned_on=DAY, method="phone", actor=Actor.system("tests")
    )
    services.follow_up_plan(
        case=case, planned_on=DAY, method="phone", done_on=DAY, actor=Actor.system("tests")
    )
    # A case of the supervisor, not assigned to the worker.
    other = make_case(person, staff.users[Role.SUPERVISOR])
    services.follow_up_plan(case=other, planned_on=DAY, method="phone", actor=Actor.system("tests"))

    today = DAY + datetime.timedelta(days=1)
    mine = overdue_for(_membership(staff, Role.CASE_WORKER), today=today)
    assert [a.pk for a in mine.actions] == [late.pk]
    assert [f.pk for f in mine.follow_ups] == [missed.pk]
    assert overdue_counts_for(_membership(staff, Role.CASE_WORKER), today=today) == {
        "actions": 1,
        "follow_ups": 1,
    }
    assert overdue_for(_membership(staff, Role.SUPERVISOR), today=today).count == 3
    assert overdue_for(_membership(staff, Role.PROGRAMME_OFFICER), today=today).count == 0
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    assert overdue_for(_membership(staff, Role.CASE_WORKER), today=today).count == 0


def _overdue_rows(case, staff, count):
    goal = add_goal(case, staff)
    for n in range(count):
        services.action_add(
            goal=goal,
            description=f"Việc {n}",
            owner=staff.users[Role.CASE_WORKER],
            due_on=datetime.date(2026, 1, 1),
            actor=Actor.system("tests"),
        )
        services.follow_up_plan(
            case=case,
            planned_on=datetime.date(2026, 1, 1),
            method="phone",
            actor=Actor.system("tests"),
        )


def _queries(client, page):
    client.get(page)  # session and sign-in checks settle on the first request
    with CaptureQueriesContext(connection) as context:
        response = client.get(page)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_overdue_page_query_count_is_fixed(staff, case, person):
    client = staff.client(Role.CASE_WORKER)
    page = reverse("casework:overdue", kwargs={"org": staff.organisation.slug})
    _overdue_rows(case, staff, 1)
    few, response = _queries(client, page)
    assert "Việc 0" in response.content.decode()
    _overdue_rows(make_case(person, staff.users[Role.CASE_WORKER]), staff, 5)
    many, response = _queries(client, page)
    assert many == few
    assert response.content.decode().count("Việc ") == 6


def test_case_page_query_count_does_not_grow_with_case_work(staff, case):
    client = staff.client(Role.CASE_WORKER)
    page = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    _overdue_rows(case, staff, 1)
    few, _response = _queries(client, page)
    _overdue_rows(case, staff, 6)
    many, response = _queries(client, page)
    assert many == few
    assert "Việc 5" in response.content.decode()


def test_unassigned_worker_sees_nothing_overdue(staff, case):
    _overdue_rows(case, staff, 2)
    stranger = MembershipFactory(organisation=staff.organisation, role=Role.CASE_WORKER).user
    assert overdue_for(_membership(staff, None, stranger), today=DAY).count == 0


def test_a_follow_up_saved_by_two_people_keeps_both_changes(staff, case):
    """The second of two saves of a follow-up opened at the same time is refused with what the
    first changed; saving the merged form keeps both people's changes."""
    follow_up = services.follow_up_plan(
        case=case, planned_on=DAY, method="home_visit", actor=Actor.system("tests")
    )
    page = url("follow_up_edit", case, follow_up_id=follow_up.pk)
    worker, supervisor = staff.client(Role.CASE_WORKER), staff.client(Role.SUPERVISOR)
    mine, theirs = opened_at(worker, page), opened_at(supervisor, page)
    planned = {"planned_on": DAY.isoformat(), "method": "home_visit"}
    first = supervisor.post(page, {**planned, "method": "phone", **theirs})
    assert first.status_code == 302
    second = worker.post(
        page, {**planned, "done_on": DAY.isoformat(), "outcome": "Gia đình đón nhận", **mine}
    )
    assert second.status_code == 400
    follow_up.refresh_from_db()
    assert (follow_up.method, follow_up.done_on, follow_up.version) == ("phone", None, 2)
    assert "Giá trị do người khác đã lưu" in second.content.decode()
    merged = second.context["form"].data
    assert (merged["method"], merged["outcome"]) == ("phone", "Gia đình đón nhận")
    assert worker.post(page, merged).status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.method, follow_up.done_on, follow_up.outcome) == (
        "phone",
        DAY,
        "Gia đình đón nhận",
    )


def test_a_follow_up_form_sent_twice_makes_one_follow_up(staff, case):
    client = staff.client(Role.CASE_WORKER)
    page = url("follow_up_add", case)
    key = client.get(page).context["form"]["idempotency_key"].value()
    form = {"planned_on": DAY.isoformat(), "method": "phone", "idempotency_key": key}
    assert client.post(page, form).status_code == client.post(page, form).status_code == 302
    assert FollowUp.objects.filter(case=case).count() == 1


# --- Closing a case, and beds ---------------------------------------------------------------


def _request_closure(case, actor):
    from donghanh.cases import services as case_services
    from donghanh.cases.models import ClosureReason, ReintegrationOutcome

    return case_services.case_closure_request(
        case=case,
        reason=ClosureReason.GOALS_ACHIEVED,
        reintegration_outcome=ReintegrationOutcome.WITH_FAMILY,
        actor=actor,
    )


def test_a_case_does_not_close_with_the_person_in_a_shelter(staff, case, shelter):
    from django.utils import translation

    from donghanh.cases import services as case_services

    worker = Actor.for_user(staff.users[Role.CASE_WORKER])
    stay = services.shelter_admit(case=case, shelter=shelter, admitted_on=DAY, actor=worker)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        _request_closure(case, worker)
    assert refused.value.messages == [
        "Chưa thể đóng hồ sơ. Cần hoàn tất trước các việc còn dở:",
        "Người được hỗ trợ vẫn đang ở Nhà Bình Yên (từ 04/05/2026): hãy ghi nhận việc rời cơ "
        "sở bảo trợ.",
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    # On the page: the refusal above the form, the case still open.
    response = staff.client(Role.CASE_WORKER).post(
        reverse(
            "cases:case_closure_request",
            kwargs={"org": staff.organisation.slug, "case_id": case.pk},
        ),
        {"reason": "goals_achieved", "reintegration_outcome": "with_family"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "hãy ghi nhận việc rời cơ sở bảo trợ" in response.content.decode()
    services.shelter_discharge(stay=stay, discharged_on=DAY, reason="reintegrated", actor=worker)
    case = _request_closure(case, worker)
    # Admitted again while the closure waited: the approval is refused too.
    services.shelter_admit(
        case=case, shelter=shelter, admitted_on=DAY + datetime.timedelta(days=2), actor=worker
    )
    with pytest.raises(ValidationError, match="Nhà Bình Yên"):
        case_services.case_closure_decide(
            case=case, approve=True, actor=Actor.for_user(staff.users[Role.SUPERVISOR])
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_REQUESTED


def test_a_case_does_not_close_with_a_follow_up_pending(staff, case):
    from django.utils import translation

    worker = Actor.for_user(staff.users[Role.CASE_WORKER])
    follow_up = services.follow_up_plan(case=case, planned_on=DAY, method="phone", actor=worker)
    services.follow_up_plan(
        case=case, planned_on=DAY + datetime.timedelta(days=30), method="phone", actor=worker
    )
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        _request_closure(case, worker)
    assert refused.value.messages[1] == (
        "Còn 2 lần theo dõi chưa thực hiện (lần đầu dự kiến ngày 04/05/2026): hãy ghi nhận kết quả."
    )
    FollowUp.objects.filter(case=case).update(done_on=DAY)
    assert _request_closure(case, worker).status == CaseStatus.CLOSURE_REQUESTED
    assert follow_up.pk


def test_beds_cannot_drop_below_those_taken(staff, case, person, shelter):
    from django.utils import translation

    from donghanh.casework.models import ShelterCapacity

    worker = Actor.for_user(staff.users[Role.CASE_WORKER])
    services.shelter_capacity_set(
        shelter=shelter, beds=3, effective_from=datetime.date(2026, 1, 1), actor=worker
    )
    services.shelter_admit(case=case, shelter=shelter, admitted_on=DAY, actor=worker)
    other = make_case(make_person(staff.organisation, None, full_name="Lê Thị Lan"), None)
    services.shelter_admit(
        case=other, shelter=shelter, admitted_on=DAY + datetime.timedelta(days=7), actor=worker
    )
    # From the first of the month, both stays are in the beds at once a week after DAY.
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.shelter_capacity_set(
            shelter=shelter, beds=1, effective_from=datetime.date(2026, 5, 1), actor=worker
        )
    assert refused.value.message_dict["beds"] == [
        "Ngày 11/05/2026 đang có 2 giường có người: cơ sở bảo trợ không thể có ít giường hơn. "
        "Hãy ghi nhận việc rời cơ sở trước, hoặc nhập ít nhất 2 giường."
    ]
    assert ShelterCapacity.objects.filter(shelter=shelter).count() == 1
    # Before both were admitted one bed was enough, until a later row (four beds) applies.
    services.shelter_capacity_set(
        shelter=shelter, beds=4, effective_from=DAY + datetime.timedelta(days=7), actor=worker
    )
    services.shelter_capacity_set(shelter=shelter, beds=1, effective_from=DAY, actor=worker)
    # Two beds on the page: taken ones counted, nobody named.
    admin = MembershipFactory(organisation=shelter, role=Role.ORG_ADMIN).user
    from donghanh.testing.clients import signed_in_client

    client = signed_in_client(admin)
    page = reverse("casework:shelter_capacity", kwargs={"org": shelter.slug})
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(page, {"beds": "0", "effective_from": "2026-05-20"})
    assert response.status_code == 400
    assert "2 beds are taken on 20/05/2026" in response.content.decode()


def test_the_beds_page_shows_occupancy_and_is_on_the_home_page(staff, case, shelter):
    from django.utils import timezone

    from donghanh.testing.clients import signed_in_client

    worker = Actor.for_user(staff.users[Role.CASE_WORKER])
    services.shelter_admit(
        case=case, shelter=shelter, admitted_on=timezone.localdate(), actor=worker
    )
    beds = reverse("casework:shelter_capacity", kwargs={"org": shelter.slug})
    for role, sees in (
        (Role.ORG_ADMIN, True),
        (Role.SUPERVISOR, True),
        (Role.CASE_WORKER, True),
        (Role.PROGRAMME_OFFICER, False),
        (Role.DONOR_VIEWER, False),
    ):
        client = signed_in_client(MembershipFactory(organisation=shelter, role=role).user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        home = client.get(reverse("workspace:home")).content.decode()
        assert (f'href="{beds}"' in home) is sees, role
        if sees:
            assert "1 of 1 beds taken, 0 free." in client.get(beds).content.decode()
    # Not a shelter: no beds link.
    home = staff.client(Role.SUPERVISOR).get(reverse("workspace:home")).content.decode()
    assert "/beds/" not in home
