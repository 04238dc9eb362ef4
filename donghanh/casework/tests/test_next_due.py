"""Each service that writes a plan action or a follow-up refreshes the case's next due date
(`Case.next_due_on`, read by the caseload's overdue filter) itself, in its own transaction."""

from __future__ import annotations

import datetime

from donghanh.casework import services
from donghanh.casework.edits import ACTION_EDITS, FOLLOW_UP_EDITS
from donghanh.casework.models import ActionStatus
from donghanh.casework.tests.conftest import add_goal
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role

MAY_4 = datetime.date(2026, 5, 4)
MAY_20 = datetime.date(2026, 5, 20)
JUNE_1 = datetime.date(2026, 6, 1)


def _next_due(case):
    case.refresh_from_db(fields=["next_due_on"])
    return case.next_due_on


def _action_set(action, worker, **changes):
    values = {
        "description": action.description,
        "owner": action.owner,
        "due_on": action.due_on,
        "status": action.status,
        **changes,
    }
    return services.action_update(
        action=action,
        expected_version=action.version,
        baseline=ACTION_EDITS.fingerprints(action),
        actor=Actor.for_user(worker),
        **values,
    )


def test_plan_actions_set_the_next_due_date_when_added_moved_done_or_cancelled(staff, case):
    worker = staff.users[Role.CASE_WORKER]
    goal = add_goal(case, staff)
    assert _next_due(case) is None

    first = services.action_add(
        goal=goal, description="Đi khám", owner=worker, due_on=MAY_20, actor=Actor.for_user(worker)
    )
    assert _next_due(case) == MAY_20
    second = services.action_add(
        goal=goal, description="Học nghề", owner=worker, due_on=JUNE_1, actor=Actor.for_user(worker)
    )
    assert _next_due(case) == MAY_20

    first = _action_set(first, worker, due_on=MAY_4)
    assert _next_due(case) == MAY_4
    _action_set(first, worker, status=ActionStatus.DONE)
    assert _next_due(case) == JUNE_1
    _action_set(second, worker, status=ActionStatus.CANCELLED)
    assert _next_due(case) is None


def test_follow_ups_set_the_next_due_date_when_planned_and_when_done(staff, case):
    worker = staff.users[Role.CASE_WORKER]
    follow_up = services.follow_up_plan(
        case=case, planned_on=MAY_20, method="phone", actor=Actor.for_user(worker)
    )
    assert _next_due(case) == MAY_20

    follow_up = services.follow_up_update(
        follow_up=follow_up,
        expected_version=follow_up.version,
        baseline=FOLLOW_UP_EDITS.fingerprints(follow_up),
        planned_on=MAY_4,
        method="phone",
        done_on=None,
        outcome="",
        next_on=None,
        actor=Actor.for_user(worker),
    )
    assert _next_due(case) == MAY_4
    # Done, with the next visit planned: that visit is what is due now.
    services.follow_up_update(
        follow_up=follow_up,
        expected_version=follow_up.version,
        baseline=FOLLOW_UP_EDITS.fingerprints(follow_up),
        planned_on=MAY_4,
        method="phone",
        done_on=MAY_4,
        outcome="Gia đình đón nhận",
        next_on=JUNE_1,
        actor=Actor.for_user(worker),
    )
    assert _next_due(case) == JUNE_1


def test_the_earlier_of_an_action_and_a_follow_up_is_due_first(staff, case):
    worker = staff.users[Role.CASE_WORKER]
    follow_up = services.follow_up_plan(
        case=case, planned_on=JUNE_1, method="phone", actor=Actor.for_user(worker)
    )
    action = services.action_add(
        goal=add_goal(case, staff), description="Đi khám", owner=worker, due_on=MAY_20,
        actor=Actor.for_user(worker),
    )  # fmt: skip
    assert _next_due(case) == MAY_20
    _action_set(action, worker, status=ActionStatus.DONE)
    assert _next_due(case) == JUNE_1
    services.follow_up_update(
        follow_up=follow_up, expected_version=1, baseline=FOLLOW_UP_EDITS.fingerprints(follow_up),
        planned_on=JUNE_1, method="phone", done_on=MAY_4, outcome="", next_on=None,
        actor=Actor.for_user(worker),
    )  # fmt: skip
    assert _next_due(case) is None
