"""A supervisor's queue: the plans submitted and the closures requested, each leading to its
decision, only to those who decide, only on cases they may see."""

from __future__ import annotations

from django.urls import reverse

from donghanh.cases import services as case_services
from donghanh.cases.models import ClosureReason, ReintegrationOutcome
from donghanh.cases.tests.conftest import make_case
from donghanh.casework import services
from donghanh.casework.tests.conftest import add_goal
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role


def _queue(staff):
    return reverse("casework:approvals", kwargs={"org": staff.organisation.slug})


def test_the_queue_lists_submitted_plans_and_requested_closures(
    staff, case, person, django_assert_max_num_queries
):
    worker = staff.users[Role.CASE_WORKER]
    add_goal(case, staff)
    services.plan_submit(case=case, expected_version=2, actor=Actor.for_user(worker))
    closing = make_case(person, worker)
    case_services.case_closure_request(
        case=closing,
        reason=ClosureReason.GOALS_ACHIEVED,
        reintegration_outcome=ReintegrationOutcome.WITH_FAMILY,
        actor=Actor.for_user(worker),
    )
    client = staff.client(Role.SUPERVISOR)
    client.get(_queue(staff))
    with django_assert_max_num_queries(12):
        response = client.get(_queue(staff), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    page = response.content.decode()
    slug = staff.organisation.slug
    decide_plan = reverse("casework:plan_decide", kwargs={"org": slug, "case_id": case.pk})
    decide_closure = reverse(
        "cases:case_closure_decide", kwargs={"org": slug, "case_id": closing.pk}
    )
    assert f'href="{decide_plan}"' in page and f'href="{decide_closure}"' in page
    assert case.number in page and closing.number in page


def test_only_those_who_decide_open_the_queue(staff):
    for role in Role:
        expected = 200 if role == Role.SUPERVISOR else 403
        assert staff.client(role).get(_queue(staff)).status_code == expected, role
    # A supervisor of another organisation: not found.
    assert staff.client("outsider").get(_queue(staff)).status_code == 404
