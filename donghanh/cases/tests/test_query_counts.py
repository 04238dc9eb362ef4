"""The caseload, the search and the case page make the same number of queries however many
rows they show: one row or a full page, one record in each section of a case or many.

The figures are the ones pinned in test_caseload.py; these tests add the filters, the case
worker's search and every section of the case page.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.cases import services as case_services
from donghanh.cases.tests.conftest import identify, make_case, make_person
from donghanh.cases.tests.test_caseload import (
    EXPECTED_CASE_PAGE_QUERIES,
    EXPECTED_CASELOAD_QUERIES,
)
from donghanh.cases.views import PAGE_SIZE
from donghanh.casework import services as casework
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.models import Consent
from donghanh.places.models import Commune
from donghanh.referrals.models import SharedSection
from donghanh.referrals.services import referral_send
from donghanh.testing.factories import MembershipFactory

# A case with a plan, goals, actions and an assessment reads them in the page's one statement.
SECTIONS_WITH_ROWS_QUERIES = 0


def _count_queries(client, url, **params):
    if params.get("q"):
        # As the page does: the search is posted, its terms kept in the session, and the list
        # read at the address it redirects to (their key and the other filters only).
        posted = client.post(url, params)
        assert posted.status_code == 302
        assert "q=" not in posted["Location"]
        url, params = posted["Location"], {}
    client.get(url, params)  # the first request settles the session bookkeeping
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries), response


def _open_cases(staff, count, *, start=0):
    worker = staff.users[Role.CASE_WORKER]
    helper = MembershipFactory(organisation=staff.organisation, role=Role.COLLABORATOR).user
    commune = Commune.objects.filter(province_id="01").order_by("code").first()
    cases = []
    for number in range(start, start + count):
        person = make_person(
            staff.organisation, worker, full_name=f"Lê Thị Mai {number}", current_commune=commune
        )
        case = make_case(person, worker)
        case_services.case_assign(case=case, workers=[worker, helper], actor=Actor.for_user(None))
        casework.follow_up_plan(
            case=case,
            planned_on=datetime.date(2026, 1, 5),
            method="phone",
            actor=Actor.system("tests"),
        )
        cases.append(case)
    return cases


FILTERS = {
    "q": "le thi mai",
    "case_type": "trafficking_victim",
    "status": "open",
    "province": "01",
    "overdue": "on",
}


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASE_WORKER])
@pytest.mark.parametrize("params", [{}, {"q": "le mai"}, FILTERS], ids=["all", "name", "filters"])
def test_caseload_and_search_queries_do_not_grow_from_one_row_to_a_full_page(staff, role, params):
    url = reverse("cases:case_list", kwargs={"org": staff.organisation.slug})
    client = staff.client(role)
    _open_cases(staff, 1)
    one, response = _count_queries(client, url, **params)
    assert response.context["page"].paginator.count == 1
    _open_cases(staff, PAGE_SIZE + 4, start=1)
    many, response = _count_queries(client, url, **params, worker=staff.users[Role.CASE_WORKER].pk)
    assert len(response.context["page"].object_list) == PAGE_SIZE
    assert response.context["page"].paginator.count == PAGE_SIZE + 5
    # A read is audited once: as a search when there is a name to search for, else as a list.
    # A supervisor's name search with a province asks PostgreSQL first how many cases the
    # filters keep (one EXPLAIN), to try the pairs of the name's words before reading the
    # newest cases among many (`caseload_name_search_newest`).
    asks = connection.vendor == "postgresql" and role == Role.SUPERVISOR and "province" in params
    assert one == many == EXPECTED_CASELOAD_QUERIES + asks


def _fill_every_section(case, staff, count):
    supervisor = staff.users[Role.SUPERVISOR]
    worker = staff.users[Role.CASE_WORKER]
    day = case.intake_date
    for number in range(count):
        casework.needs_assess(
            case=case,
            assessed_on=day,
            levels={"health": "some"},
            notes={},
            actor=Actor.for_user(worker),
        )
        goal = casework.goal_add(case=case, domain="health", text=f"Mục tiêu {number}",
                                 actor=Actor.for_user(worker))  # fmt: skip
        casework.action_add(
            goal=goal, description="Đi khám", owner=worker, due_on=day, actor=Actor.for_user(worker)
        )
        casework.service_record(
            case=case, domain="health", provider=None, provider_name="Trạm y tế xã",
            delivered_on=day, cost_vnd=100_000, regime="", note="", actor=Actor.for_user(worker),
        )  # fmt: skip
        casework.follow_up_plan(
            case=case, planned_on=day, method="phone", actor=Actor.for_user(worker)
        )
        services.consent_record(
            person=case.person, purpose=Consent.Purpose.SHARING, method="written",
            given_by="person", given_on=day, recipient_organisation=staff.other_organisation,
            actor=Actor.for_user(worker),
        )  # fmt: skip
        referral_send(
            case=case, actor=Actor.for_user(worker), to_organisation=staff.other_organisation,
            domain="health", shared_sections=[SharedSection.CASE],
        )  # fmt: skip
    case_services.case_assign(
        case=case, workers=[worker, supervisor], actor=Actor.for_user(supervisor)
    )


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASE_WORKER])
def test_case_page_queries_do_not_grow_with_any_section(staff, case, role):
    case = identify(case, case.intake_date)
    url = reverse("cases:case_detail", kwargs={"org": staff.organisation.slug, "case_id": case.pk})
    client = staff.client(role)
    _fill_every_section(case, staff, 1)
    one, _response = _count_queries(client, url)
    _fill_every_section(case, staff, 6)
    many, response = _count_queries(client, url)
    assert response.content.decode().count("Trạm y tế xã") >= 7
    assert one == many == EXPECTED_CASE_PAGE_QUERIES + SECTIONS_WITH_ROWS_QUERIES
