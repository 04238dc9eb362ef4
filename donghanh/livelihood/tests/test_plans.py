"""Livelihood plans and reintegration assessments on a case."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditEntry
from donghanh.cases.models import Case, CaseStatus
from donghanh.cases.selectors import caseload
from donghanh.cases.tests.conftest import make_case
from donghanh.casework.models import FollowUpMethod
from donghanh.casework.services import follow_up_plan
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.livelihood.plans import selectors, services
from donghanh.livelihood.plans.items import ITEMS, dimension_scores
from donghanh.livelihood.plans.models import LivelihoodPlan, ReintegrationAssessment
from donghanh.livelihood.savings.rules import add_months
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people.tests.conftest import make_person

from .conftest import refused

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def case(staff, worker) -> Case:
    return make_case(make_person(staff.organisation, worker), worker)


def everything(value: int | None) -> dict[str, int | None]:
    return {item.code: value for item in ITEMS}


def url(name: str, case: Case) -> str:
    return reverse(f"livelihood:{name}", kwargs={"org": case.organisation.slug, "case_id": case.pk})


def test_scores_by_hand():
    # Economic: 1, 2, 3, 4, 5 → 0, 25, 50, 75, 100 → 50. Social: all 5 but one "does not
    # apply" → 100. Psychosocial: all 1 → 0. Overall: (50 + 100 + 0) / 3 = 50.
    answers = everything(1)
    for value, code in enumerate(
        ["econ_satisfied", "econ_food", "econ_borrow", "econ_debt", "econ_work"], start=1
    ):
        answers[code] = value
    for item in ITEMS:
        if item.dimension == "social":
            answers[item.code] = 5
    answers["soc_school"] = None
    assert dimension_scores(answers) == {
        "economic": 50,
        "social": 100,
        "psychosocial": 0,
        "overall": 50,
    }
    assert dimension_scores(everything(None))["overall"] is None


def test_assessments_make_a_trend_and_fall_due(case, worker):
    actor = Actor.for_user(worker)
    services.assessment_record(
        actor=actor, case=case, point="intake", assessed_on=D(2026, 3, 2), answers=everything(2)
    )
    services.assessment_record(
        actor=actor, case=case, point="month_6", assessed_on=D(2026, 9, 1), answers=everything(4)
    )
    with refused("point_done"):  # the 6-month assessment is recorded once
        services.assessment_record(
            actor=actor,
            case=case,
            point="month_6",
            assessed_on=D(2026, 9, 2),
            answers=everything(5),
        )
    assessments = selectors.assessments_of(case)
    trend = selectors.Trend(assessments)
    assert [a.overall for a in assessments] == [25, 75]
    assert trend.change == 50
    (due,) = selectors.reviews_due(assessments)
    assert (due.point, due.due_on) == ("month_12", D(2027, 3, 2))
    recorded = AuditEntry.objects.filter(event="reintegration_assessment.recorded")
    assert sorted(entry.details["point"] for entry in recorded) == ["intake", "month_6"]


def test_the_plan_page_draws_her_overall_score_at_each_assessment(staff, case, worker):
    actor = Actor.for_user(worker)
    page = url("plan", case)
    assert staff.client(Role.CASE_WORKER).get(page).context["chart"] is None
    for point, day, answer in (("intake", D(2026, 3, 2), 2), ("month_6", D(2026, 9, 1), 4)):
        services.assessment_record(
            actor=actor, case=case, point=point, assessed_on=day, answers=everything(answer)
        )
    response = staff.client(Role.CASE_WORKER).get(page)
    chart = response.context["chart"]
    assert [(p.score, p.label) for p in chart.points] == [(25, "02/03/2026"), (75, "01/09/2026")]
    first, second = chart.points
    assert second.x > first.x and second.y < first.y  # higher score, higher on the chart
    assert {y for y, _score in chart.gridlines} == {
        chart.bottom,
        chart.bottom - 50,
        chart.bottom - 100,
    }
    text = response.content.decode()
    assert f'points="{first.x},{first.y} {second.x},{second.y}"' in text
    assert "<title>01/09/2026: 75</title>" in text


def test_a_plan_is_edited_with_the_stale_edit_check(case, worker):
    actor = Actor.for_user(worker)
    plan = services.plan_start(actor=actor, case=case)
    assert services.plan_start(actor=actor, case=case).pk == plan.pk
    baseline = services.PLAN_EDITS.fingerprints(plan)
    services.plan_update(
        actor=actor, plan=plan, expected_version=1, baseline=baseline, goals="Nuôi lợn"
    )
    with pytest.raises(StaleEditError) as conflict:
        services.plan_update(
            actor=actor, plan=plan, expected_version=1, baseline=baseline, livelihood="livestock"
        )
    assert conflict.value.changed_fields == ["goals"]


def test_support_names_who_gave_it_and_a_closed_case_takes_none(case, worker):
    actor = Actor.for_user(worker)
    plan = services.plan_start(actor=actor, case=case)
    with pytest.raises(ValidationError):
        services.support_add(
            actor=actor, plan=plan, kind="cash_grant", amount=1_000_000, given_on=D(2026, 3, 2)
        )
    services.support_add(
        actor=actor,
        plan=plan,
        kind="equipment",
        amount=4_500_000,
        given_on=D(2026, 3, 2),
        given_by=case.organisation,
    )
    assert AuditEntry.objects.get(event="livelihood_plan.support_added").details == {
        "kind": "equipment",
        "amount": 4_500_000,
    }
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    case.refresh_from_db()
    plan.case = case
    with refused("case_closed"):
        services.review_add(actor=actor, plan=plan, reviewed_on=D(2026, 4, 1), income=2_000_000)


def test_the_case_page_shows_her_plan_and_scores_to_who_may_open_the_case(staff, case, worker):
    actor = Actor.for_user(worker)
    services.plan_start(actor=actor, case=case)
    services.assessment_record(
        actor=actor, case=case, point="intake", assessed_on=D(2026, 3, 2), answers=everything(3)
    )
    page = reverse("cases:case_detail", kwargs={"org": case.organisation.slug, "case_id": case.pk})
    text = staff.client(Role.CASE_WORKER).get(page).content.decode()
    assert "Sinh kế và tái hòa nhập" in text
    assert url("plan", case) in text
    assert staff.client(Role.CASE_WORKER).get(url("plan", case)).status_code == 200
    assert staff.client(Role.PROGRAMME_OFFICER).get(url("plan", case)).status_code == 403
    assert staff.client(Role.COLLABORATOR).get(url("plan", case)).status_code == 404  # not hers
    assert staff.client("outsider").get(url("plan", case)).status_code == 404


def test_an_assessment_through_its_page(staff, case):
    client = staff.client(Role.CASE_WORKER)
    form = client.get(url("assessment_add", case)).context["form"]
    assert form.initial["point"] == "intake"
    data = {
        "point": "intake",
        "assessed_on": "2026-03-02",
        "idempotency_key": form["idempotency_key"].value(),
        **{item.code: "3" for item in ITEMS},
        "soc_school": "",
    }
    assert client.post(url("assessment_add", case), data).status_code == 302
    assert client.post(url("assessment_add", case), data).status_code == 302  # sent twice
    (assessment,) = ReintegrationAssessment.objects.all()
    assert (assessment.overall, assessment.answers["soc_school"]) == (50, None)


def test_reviews_due_list_the_members_cases_only(staff, case, worker):
    services.assessment_record(
        actor=Actor.for_user(worker),
        case=case,
        point="intake",
        assessed_on=D(2026, 3, 2),
        answers=everything(3),
    )
    page = reverse("livelihood:reviews_due", kwargs={"org": case.organisation.slug})
    rows = staff.client(Role.CASE_WORKER).get(page).context["rows"]
    assert [(row.case, row.due.point) for row in rows] == [(case, "month_6"), (case, "month_12")]
    assert staff.client(Role.COLLABORATOR).get(page).context["rows"] == []


def test_her_support_and_reviews_are_in_her_data_export(case, worker):
    from donghanh.core.person_export import registered_exporters

    actor = Actor.for_user(worker)
    plan = services.plan_start(actor=actor, case=case)
    services.support_add(
        actor=actor,
        plan=plan,
        kind="training",
        amount=2_000_000,
        given_on=D(2026, 3, 2),
        given_by_other="Trung tâm dạy nghề",
    )
    (exporter,) = [item for item in registered_exporters() if item.key == "livelihood"]
    records = exporter.export(case.person)
    assert [record.title for record in records] == [f"Hỗ trợ sinh kế #{plan.support.get().pk}"]
    amount = next(item for item in records[0].fields if item.name == "amount")
    assert (amount.value, amount.display) == (2_000_000, "2.000.000\u00a0₫")
    assert LivelihoodPlan.objects.count() == 1


def test_her_reviews_fall_due_on_the_caseload_with_the_other_work(staff, case, worker):
    """The 6- and 12-month reviews make the case's next due date, with its follow-ups: the
    caseload's "overdue" filter shows the case while a review is past its date."""
    actor = Actor.for_user(worker)
    membership = Membership.objects.get(user=worker, organisation=staff.organisation)
    today = timezone.localdate()
    intake = today - datetime.timedelta(days=200)

    def overdue() -> bool:
        return caseload(membership, overdue=True).filter(pk=case.pk).exists()

    assert not overdue()
    services.assessment_record(
        actor=actor, case=case, point="intake", assessed_on=intake, answers=everything(2)
    )
    case.refresh_from_db()
    assert case.next_due_on == add_months(intake, 6) < today
    assert overdue()
    # A follow-up planned for later leaves the review first.
    later = today + datetime.timedelta(days=30)
    follow_up_plan(case=case, planned_on=later, method=FollowUpMethod.HOME_VISIT, actor=actor)
    case.refresh_from_db()
    assert case.next_due_on == add_months(intake, 6) and overdue()
    services.assessment_record(
        actor=actor, case=case, point="month_6", assessed_on=today, answers=everything(3)
    )
    case.refresh_from_db()
    assert case.next_due_on == later  # the follow-up, before the 12-month review
    assert not overdue()
    intake_row = ReintegrationAssessment.objects.get(case=case, point="intake")
    assert intake_row.next_review_on == add_months(intake, 12)
