"""The case plan: goals and actions, submission, approval by someone else, stale edits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.casework import services
from donghanh.casework.edits import GOAL_EDITS
from donghanh.casework.models import CasePlan, PlanStatus
from donghanh.casework.tests.conftest import DAY, add_goal, close, url
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory


def test_worker_submits_and_another_supervisor_approves(staff, case, worker):
    goal = add_goal(case, staff)
    client = staff.client(Role.CASE_WORKER)
    response = client.post(
        url("action_add", case, goal_id=goal.pk),
        {"description": "Đưa đi tư vấn tâm lý", "owner": worker.pk, "due_on": "2026-06-01"},
    )
    assert response.status_code == 302
    plan = CasePlan.objects.get(case=case)
    response = client.post(url("plan_submit", case), {"version": plan.version})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.submitted_by == worker

    response = staff.client(Role.SUPERVISOR).post(
        url("plan_decide", case), {"decision": "approve", "version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.decided_by == staff.users[Role.SUPERVISOR]
    summaries = list(
        AuditEntry.objects.filter(target_type="casework.caseplan").values_list("summary", flat=True)
    )
    assert f"plan of case {case.pk} submitted for approval" in summaries
    assert f"plan of case {case.pk} approved" in summaries


def test_supervisor_cannot_approve_a_plan_they_submitted(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    add_goal(case, staff)
    plan = services.plan_submit(case=case, expected_version=2, actor=Actor.for_user(supervisor))
    response = staff.client(Role.SUPERVISOR).post(
        url("plan_decide", case), {"decision": "approve", "version": plan.version}
    )
    assert response.status_code == 400
    assert "another supervisor" in response.content.decode() or "giám sát khác" in (
        response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    other = MembershipFactory(organisation=staff.organisation, role=Role.SUPERVISOR).user
    response = signed_in_client(other).post(
        url("plan_decide", case), {"decision": "approve", "version": plan.version}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_return_needs_a_note_and_keeps_it_encrypted(staff, case, worker):
    add_goal(case, staff)
    plan = services.plan_submit(case=case, expected_version=2, actor=Actor.for_user(worker))
    supervisor = staff.users[Role.SUPERVISOR]
    with pytest.raises(ValidationError):
        services.plan_decide(
            case=case,
            expected_version=plan.version,
            approve=False,
            note="",
            actor=Actor.for_user(supervisor),
        )
    plan = services.plan_decide(
        case=case,
        expected_version=plan.version,
        approve=False,
        note="Thêm mục tiêu về giấy tờ",
        actor=Actor.for_user(supervisor),
    )
    assert plan.status == PlanStatus.RETURNED


def test_submitted_plan_cannot_change_and_goal_change_reopens_an_approved_plan(staff, case, worker):
    goal = add_goal(case, staff)
    plan = services.plan_submit(case=case, expected_version=2, actor=Actor.for_user(worker))
    with pytest.raises(ValidationError):
        add_goal(case, staff, "Học nghề")
    services.plan_decide(
        case=case,
        expected_version=plan.version,
        approve=True,
        note="",
        actor=Actor.for_user(staff.users[Role.SUPERVISOR]),
    )
    goal.refresh_from_db()
    services.goal_update(
        goal=goal,
        expected_version=goal.version,
        baseline=GOAL_EDITS.fingerprints(goal),
        domain="psychological",
        text="Ổn định tâm lý trong 3 tháng",
        actor=Actor.for_user(worker),
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_second_save_of_a_goal_is_refused_with_what_changed(staff, case, worker):
    goal = add_goal(case, staff)
    seen = GOAL_EDITS.fingerprints(goal)
    client = staff.client(Role.CASE_WORKER)
    page = url("goal_edit", case, goal_id=goal.pk)
    form = client.get(page)
    baseline = form.context["form"].initial["baseline"]
    first = client.post(
        page,
        {
            "domain": "legal",
            "text": "Trợ giúp pháp lý",
            "version": goal.version,
            "baseline": baseline,
        },
    )
    assert first.status_code == 302
    second = client.post(
        page,
        {"domain": "psychological", "text": "Khác", "version": goal.version, "baseline": baseline},
    )
    assert second.status_code == 400
    goal.refresh_from_db()
    assert goal.text == "Trợ giúp pháp lý"
    with pytest.raises(StaleEditError) as refused:
        services.goal_update(
            goal=goal,
            expected_version=1,
            baseline=seen,
            domain="health",
            text="x",
            actor=Actor.for_user(worker),
        )
    assert refused.value.changed_fields == ["domain", "text"]


def test_action_owner_must_work_on_cases(staff, case):
    goal = add_goal(case, staff)
    with pytest.raises(ValidationError):
        services.action_add(
            goal=goal,
            description="x",
            owner=staff.users[Role.DONOR_VIEWER],
            due_on=DAY,
            actor=Actor.system("tests"),
        )


def test_closed_case_refuses_plan_changes(staff, case):
    goal = add_goal(case, staff)
    close(case)
    goal.refresh_from_db()
    with pytest.raises(ValidationError):
        add_goal(case, staff)
    response = staff.client(Role.CASE_WORKER).post(
        url("goal_add", case), {"domain": "health", "text": "Khám sức khoẻ"}
    )
    assert response.status_code == 400
    assert goal.plan.goals.count() == 1
    assert (
        not AuditEntry.objects.filter(action=AuditAction.CREATE, target_type="casework.plangoal")
        .exclude(target_id=str(goal.pk))
        .exists()
    )
