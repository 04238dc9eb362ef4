"""Who may open the case-work pages: the case's access rules, for every role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donghanh.casework.tests.conftest import add_goal, url
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory

PAGES = [
    "needs_add",
    "goal_add",
    "plan_submit",
    "service_add",
    "follow_up_add",
    "stay_add",
]

# Role → status on an edit page of a case assigned to the organisation's case worker.
EXPECTED = {
    Role.ORG_ADMIN: 403,  # sees every case but does not edit
    Role.SUPERVISOR: 200,
    Role.CASE_WORKER: 200,  # assigned
    Role.COLLABORATOR: 404,  # not assigned: the case does not exist for them
    Role.PROGRAMME_OFFICER: 403,
    Role.CONTENT_EDITOR: 403,
    Role.DONOR_VIEWER: 403,
    "outsider": 404,
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("role", "status"), list(EXPECTED.items()))
def test_role_matrix_on_edit_pages(staff, case, page, role, status):
    assert staff.client(role).get(url(page, case)).status_code == status


def test_unassigned_case_worker_gets_404(staff, case):
    other_worker = MembershipFactory(organisation=staff.organisation, role=Role.CASE_WORKER).user
    client = signed_in_client(other_worker)
    assert client.get(url("needs_add", case)).status_code == 404
    assert client.post(url("service_add", case), {}).status_code == 404


def test_child_record_of_another_case_is_404(staff, case, person):
    from donghanh.casework.tests.conftest import make_case

    goal = add_goal(case, staff)
    other_case = make_case(person, staff.users[Role.CASE_WORKER])
    response = staff.client(Role.CASE_WORKER).get(url("goal_edit", other_case, goal_id=goal.pk))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SUPERVISOR, 200),
        (Role.CASE_WORKER, 403),
        (Role.PROGRAMME_OFFICER, 403),
        ("outsider", 404),
    ],
)
def test_plan_decision_needs_approve_permission(staff, case, role, status):
    add_goal(case, staff)
    assert staff.client(role).get(url("plan_decide", case)).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.SUPERVISOR, 200),
        (Role.CASE_WORKER, 200),
        (Role.ORG_ADMIN, 200),
        (Role.PROGRAMME_OFFICER, 403),
        (Role.DONOR_VIEWER, 403),
        ("outsider", 404),
    ],
)
def test_overdue_page_roles(staff, role, status):
    page = reverse("casework:overdue", kwargs={"org": staff.organisation.slug})
    assert staff.client(role).get(page).status_code == status


def test_wrong_method_is_405(staff, case):
    page = reverse("casework:overdue", kwargs={"org": staff.organisation.slug})
    assert staff.client(Role.CASE_WORKER).post(page).status_code == 405
    assert staff.client(Role.CASE_WORKER).put(url("needs_add", case)).status_code == 405


def test_case_page_shows_section_and_links_for_the_worker(staff, case):
    response = staff.client(Role.CASE_WORKER).get(
        reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    )
    assert response.status_code == 200
    assert url("needs_add", case).encode() in response.content
    assert url("service_add", case).encode() in response.content


def test_case_page_has_no_edit_links_for_the_admin(staff, case):
    response = staff.client(Role.ORG_ADMIN).get(
        reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    )
    assert response.status_code == 200
    assert url("needs_add", case).encode() not in response.content


@pytest.fixture
def shelter_staff(db):
    from donghanh.organisations.models import Organisation
    from donghanh.testing.factories import OrganisationFactory

    shelter = OrganisationFactory(kind=Organisation.Kind.SHELTER)
    return shelter, {
        role: MembershipFactory(organisation=shelter, role=role).user
        for role in (Role.ORG_ADMIN, Role.CASE_WORKER, Role.PROGRAMME_OFFICER)
    }


def test_shelter_capacity_page(shelter_staff, staff):
    from donghanh.audit.models import AuditEntry
    from donghanh.casework.models import ShelterCapacity

    shelter, users = shelter_staff
    page = reverse("casework:shelter_capacity", kwargs={"org": shelter.slug})
    admin = signed_in_client(users[Role.ORG_ADMIN])
    assert admin.get(page).status_code == 200
    # Case staff see how many beds are taken (counts, no one named), but do not set them.
    worker = signed_in_client(users[Role.CASE_WORKER])
    assert worker.get(page).status_code == 200
    assert worker.get(page).context["form"] is None
    assert worker.post(page, {"beds": "3", "effective_from": "2026-01-01"}).status_code == 403
    assert signed_in_client(users[Role.PROGRAMME_OFFICER]).get(page).status_code == 403
    assert staff.client("outsider").get(page).status_code == 404
    # Not a shelter: no beds page.
    not_shelter = reverse("casework:shelter_capacity", kwargs={"org": staff.organisation.slug})
    assert staff.client(Role.ORG_ADMIN).get(not_shelter).status_code == 404
    response = admin.post(page, {"beds": "12", "effective_from": "2026-01-01"})
    assert response.status_code == 302
    assert ShelterCapacity.objects.get(shelter=shelter).beds == 12
    assert AuditEntry.objects.filter(target_type="casework.sheltercapacity").count() == 1


@pytest.fixture
def records(staff, case):
    import datetime

    from donghanh.casework import services
    from donghanh.organisations.models import Organisation
    from donghanh.testing.factories import OrganisationFactory

    worker = staff.users[Role.CASE_WORKER]
    goal = add_goal(case, staff)
    action = services.action_add(
        goal=goal, description="x", owner=None, due_on=None, actor=Actor.for_user(worker)
    )
    day = datetime.date(2026, 5, 4)
    service = services.service_record(
        case=case,
        domain="health",
        provider=None,
        provider_name="Trạm y tế",
        delivered_on=day,
        cost_vnd=0,
        regime="",
        note="",
        actor=Actor.for_user(worker),
    )
    follow_up = services.follow_up_plan(
        case=case, planned_on=day, method="phone", actor=Actor.system("tests")
    )
    stay = services.shelter_admit(
        case=case,
        shelter=OrganisationFactory(kind=Organisation.Kind.SHELTER),  # type: ignore[arg-type]
        admitted_on=day,
        actor=Actor.system("tests"),
    )
    return [
        url("goal_edit", case, goal_id=goal.pk),
        url("action_add", case, goal_id=goal.pk),
        url("action_edit", case, action_id=action.pk),
        url("service_edit", case, service_id=service.pk),
        url("follow_up_edit", case, follow_up_id=follow_up.pk),
        url("stay_discharge", case, stay_id=stay.pk),
    ]


@pytest.mark.parametrize(("role", "status"), list(EXPECTED.items()))
def test_role_matrix_on_record_pages(staff, records, role, status):
    client = staff.client(role)
    assert [client.get(page).status_code for page in records] == [status] * len(records)
