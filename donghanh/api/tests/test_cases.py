"""/api/v1/cases/ and its services: the case pages' access rules, search, filters and audit."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.api.tests.conftest import api_client, issue_token, make_person
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases import services as case_services
from donghanh.cases.models import Case, CaseStatus, CaseType
from donghanh.cases.selectors import cases_visible_to
from donghanh.cases.tests.conftest import identify, make_case
from donghanh.casework.models import FollowUp, ServiceDelivery
from donghanh.casework.services import follow_up_plan
from donghanh.core.actor import Actor
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.places.models import Commune
from donghanh.testing.factories import MembershipFactory

LIST = reverse("api:case_list")


def detail(case):
    return reverse("api:case_detail", kwargs={"case_id": case.pk})


def services_url(case):
    return reverse("api:case_service_list", kwargs={"case_id": case.pk})


def _views(case):
    return AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type="cases.case", target_id=str(case.pk)
    )


@pytest.fixture
def case(staff):
    worker = staff.users[Role.CASE_WORKER]
    return make_case(make_person(staff.organisation, worker), worker)


CAN_VIEW = [Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASE_WORKER]
NEVER = [Role.PROGRAMME_OFFICER, Role.CONTENT_EDITOR, Role.DONOR_VIEWER]


@pytest.mark.parametrize("role", CAN_VIEW)
def test_those_who_see_the_case_read_it_and_each_read_is_audited(staff, case, role):
    client = staff.client(role)
    for times in (1, 2):
        response = client.get(detail(case))
        assert response.status_code == 200
        body = response.json()
        assert body["number"] == case.number
        assert body["person"]["full_name"] == "Nguyễn Thị Hoa"
        assert [w["id"] for w in body["workers"]] == [staff.users[Role.CASE_WORKER].pk]
        assert _views(case).filter(actor=staff.users[role]).count() == times
    entry = _views(case).first()
    assert "Nguyễn" not in entry.summary


@pytest.mark.parametrize("role", NEVER)
def test_roles_that_never_see_identities_get_403_and_nothing_of_the_case(staff, case, role):
    client = staff.client(role)
    for url in (LIST, detail(case), services_url(case)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Nguyễn" not in response.content.decode()
        assert case.number not in response.content.decode()
    assert not _views(case).exists()


def test_an_unassigned_collaborator_and_outsider_get_404(staff, case):
    for who in (Role.COLLABORATOR, "outsider"):
        client = staff.client(who)
        assert client.get(detail(case)).status_code == 404
        assert client.get(services_url(case)).status_code == 404
    assert staff.client(Role.COLLABORATOR).get(LIST).json()["count"] == 0
    assert (
        staff.client("outsider").get(LIST, {"organisation": staff.organisation.slug}).status_code
        == 404
    )
    assert not _views(case).exists()


def test_unauthenticated_gets_401(staff, case):
    for url in (LIST, detail(case), services_url(case)):
        response = api_client().get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_restricted_case_is_seen_only_by_the_named(staff, case):
    worker = staff.users[Role.CASE_WORKER]
    case_services.case_restrict(case=case, named_users=[worker], actor=Actor.for_user(worker))
    assert staff.client(Role.SUPERVISOR).get(detail(case)).status_code == 404
    assert staff.client(Role.CASE_WORKER).get(detail(case)).status_code == 200


def test_the_api_lists_exactly_the_cases_the_pages_show(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    make_case(make_person(staff.organisation, supervisor, full_name="Lê Văn Nam"), supervisor)
    for role in (Role.ORG_ADMIN, Role.SUPERVISOR, Role.CASE_WORKER, Role.COLLABORATOR):
        membership = Membership.objects.get(user=staff.users[role])
        expected = set(cases_visible_to(membership).values_list("pk", flat=True))
        listed = staff.client(role).get(LIST).json()["results"]
        assert {row["id"] for row in listed} == expected, role


# Search and filters, as on the caseload.


@pytest.fixture
def caseload(staff):
    by = staff.users[Role.SUPERVISOR]
    communes = list(Commune.objects.select_related("province").order_by("code")[:2])
    hoa = make_case(
        make_person(
            staff.organisation, by, full_name="Nguyễn Thị Hoa", current_commune=communes[0]
        ),
        by,
    )
    nam = make_case(
        make_person(staff.organisation, by, full_name="Trần Văn Nam", current_commune=communes[1]),
        by,
        case_type=CaseType.SEX_WORKER,
    )
    follow_up_plan(
        case=nam,
        planned_on=timezone.localdate() - datetime.timedelta(days=3),
        method="phone",
        actor=Actor.for_user(by),
    )
    return {"hoa": hoa, "nam": nam, "communes": communes}


def _numbers(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_search_and_filters(staff, caseload):
    client = staff.client(Role.SUPERVISOR)
    hoa, nam = caseload["hoa"].number, caseload["nam"].number
    assert _numbers(client, q="nguyen thi hoa") == {hoa}
    assert _numbers(client, q="hoa nguyen") == {hoa}
    assert _numbers(client, q=nam.lower()) == {nam}
    assert _numbers(client, case_type=CaseType.SEX_WORKER) == {nam}
    assert _numbers(client, status=CaseStatus.OPEN) == {hoa, nam}
    assert _numbers(client, status=CaseStatus.CLOSED) == set()
    assert _numbers(client, overdue="true") == {nam}
    province = caseload["communes"][0].province_id
    expected = {
        c.number
        for c in (caseload["hoa"], caseload["nam"])
        if c.person.current_commune.province_id == province
    }
    assert _numbers(client, province=province) == expected
    assert _numbers(client, worker=staff.users[Role.SUPERVISOR].pk) == {hoa, nam}
    assert _numbers(client, worker=staff.users[Role.CASE_WORKER].pk) == set()
    assert client.get(LIST, {"province": "XX"}).status_code == 400
    assert client.get(LIST, {"case_type": "nothing"}).status_code == 400


def test_search_is_audited_without_the_query(staff, caseload):
    staff.client(Role.SUPERVISOR).get(LIST, {"q": "nguyen thi hoa"})
    row = AuditEntry.objects.get(
        actor=staff.users[Role.SUPERVISOR], summary__startswith="case search"
    )
    assert row.summary == "case search: 1 found"
    assert "nguyen" not in row.summary


def test_pagination(staff):
    by = staff.users[Role.SUPERVISOR]
    for number in range(27):
        make_case(make_person(staff.organisation, by, full_name=f"Lê Thị Mai {number}"), by)
    client = staff.client(Role.SUPERVISOR)
    first = client.get(LIST, {"q": "le mai"}).json()
    assert first["count"] == 27 and len(first["results"]) == 25
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert len({r["id"] for r in first["results"] + second["results"]}) == 27
    assert len(client.get(LIST, {"page_size": 100}).json()["results"]) == 27


def _queries(client, url, **params):
    client.get(url, params)  # warm up: last_used_at is written once a minute at most
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


# Token with its user, memberships, 2FA device, count, page, the workers of the page, and the
# audit row of the list read, search or not (an insert, inside the savepoint of its service's
# transaction).
LIST_QUERIES = 9
SEARCH_QUERIES = LIST_QUERIES
# Token, memberships, 2FA device, the case's organisation, the case, its audit row (an insert
# in a savepoint: 3), count, page.
SERVICES_QUERIES = 10


def test_the_lists_make_a_fixed_number_of_queries_whatever_the_page_size(staff, case):
    client = staff.client(Role.SUPERVISOR)
    by = staff.users[Role.SUPERVISOR]
    counts = {
        (_queries(client, LIST, page_size=size), _queries(client, LIST, q="nguyen", page_size=size))
        for size in (1, 100)
    }
    for number in range(12):
        other = make_case(make_person(staff.organisation, by, full_name=f"Nguyễn Văn {number}"), by)
        case_services.case_assign(
            case=other, workers=[by, staff.users[Role.CASE_WORKER]], actor=Actor.for_user(by)
        )
        _record_service(other, by)
    for size in (1, 5, 100):
        counts.add(
            (
                _queries(client, LIST, page_size=size),
                _queries(client, LIST, q="nguyen", page_size=size),
            )
        )
    assert counts == {(LIST_QUERIES, SEARCH_QUERIES)}
    for _ in range(12):
        _record_service(case, by)
    assert {_queries(client, services_url(case), page_size=s) for s in (1, 100)} == {
        SERVICES_QUERIES
    }


# Services.


def _record_service(case, by, **values):
    from donghanh.casework.services import service_record

    defaults = {
        "domain": "health",
        "provider": None,
        "provider_name": "Trạm y tế xã",
        "delivered_on": datetime.date(2026, 3, 5),
        "cost_vnd": 150_000,
        "regime": "",
        "note": "",
    }
    return service_record(case=case, actor=Actor.for_user(by), **{**defaults, **values})


def _new_service(**extra):
    return {
        "domain": "health",
        "provider_name": "Trạm y tế phường Đồng Hới",
        "delivered_on": "2026-03-05",
        "cost_vnd": 250000,
        **extra,
    }


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASE_WORKER])
def test_record_and_list_a_service(staff, case, role):
    client = staff.client(role)
    created = client.post(services_url(case), _new_service(note="Khám tổng quát"), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["provider_name"] == "Trạm y tế phường Đồng Hới"
    assert body["cost_vnd"] == 250000 and body["regime"] == ""
    service = ServiceDelivery.objects.get(pk=body["id"])
    assert service.case_id == case.pk and service.created_by == staff.users[role]
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, target_type="casework.servicedelivery", target_id=str(service.pk)
    ).exists()
    listed = client.get(services_url(case)).json()
    assert [row["id"] for row in listed["results"]] == [service.pk]


def test_a_service_request_repeated_with_its_idempotency_key_records_one(staff, case):
    client = staff.client(Role.CASE_WORKER)
    key = {"HTTP_IDEMPOTENCY_KEY": "lost-answer-retry-0001"}
    first = client.post(services_url(case), _new_service(), format="json", **key)
    again = client.post(services_url(case), _new_service(), format="json", **key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert ServiceDelivery.objects.count() == 1
    # Without a key, or with another one, each request records a service.
    client.post(services_url(case), _new_service(), format="json")
    other = {"HTTP_IDEMPOTENCY_KEY": "another-request-0002"}
    client.post(services_url(case), _new_service(), format="json", **other)
    assert ServiceDelivery.objects.count() == 3


@pytest.mark.parametrize("role", [Role.ORG_ADMIN, *NEVER])
def test_recording_a_service_refused_by_role(staff, case, role):
    response = staff.client(role).post(services_url(case), _new_service(), format="json")
    assert response.status_code == 403
    assert not ServiceDelivery.objects.exists()


def test_recording_follows_the_pages_rules(staff, case):
    client = staff.client(Role.CASE_WORKER)
    no_provider = client.post(services_url(case), _new_service(provider_name=""), format="json")
    assert no_provider.status_code == 400
    assert "provider" in no_provider.content.decode().lower()
    # Not entitled: the case's person is not identified as a victim.
    regime = client.post(services_url(case), _new_service(regime="a"), format="json")
    assert regime.status_code == 400
    assert "not entitled" in regime.json()["non_field_errors"][0]
    negative = client.post(services_url(case), _new_service(cost_vnd=-1), format="json")
    assert negative.status_code == 400
    assert not ServiceDelivery.objects.exists()


@pytest.mark.parametrize(
    "written", [250000, "250000", "250.000", "250,000", "250.000 đ", "250.000 ₫", "250.000₫"]
)
def test_a_cost_is_a_number_or_a_string_as_people_write_money(staff, case, written):
    response = staff.client(Role.CASE_WORKER).post(
        services_url(case), _new_service(cost_vnd=written), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["cost_vnd"] == 250000


@pytest.mark.parametrize("written", ["25.00.00", "hai trăm", "250.000 USD", 2.5, True])
def test_anything_else_is_refused_with_an_example(staff, case, written):
    response = staff.client(Role.CASE_WORKER).post(
        services_url(case),
        _new_service(cost_vnd=written),
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert response.json() == {"cost_vnd": ["Hãy viết số tiền bằng đồng, ví dụ 1.500.000."]}
    assert not ServiceDelivery.objects.exists()


def test_the_schema_documents_money_as_a_number_or_a_string(db):
    schema = api_client().get(reverse("api:openapi")).json()
    cost = schema["components"]["schemas"]["ServiceCreateRequest"]["properties"]["cost_vnd"]
    assert [choice["type"] for choice in cost["oneOf"]] == ["integer", "string"]


def test_an_entitled_regime_is_accepted(staff, case):
    identify(case, datetime.date(2026, 3, 4))
    response = staff.client(Role.CASE_WORKER).post(
        services_url(case), _new_service(regime="a"), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["regime"] == "a"


def test_a_closed_case_takes_no_service(staff, case):
    worker, supervisor = staff.users[Role.CASE_WORKER], staff.users[Role.SUPERVISOR]
    case_services.case_closure_request(
        case=case,
        reason="goals_achieved",
        reintegration_outcome="with_family",
        actor=Actor.for_user(worker),
    )
    case_services.case_closure_decide(
        case=Case.objects.get(pk=case.pk), approve=True, actor=Actor.for_user(supervisor)
    )
    response = staff.client(Role.CASE_WORKER).post(
        services_url(case), _new_service(), format="json"
    )
    assert response.status_code == 400
    assert "closed" in response.json()["non_field_errors"][0]
    assert not ServiceDelivery.objects.exists()


def test_a_member_of_two_organisations_sees_the_cases_of_both(staff, case):
    user = MembershipFactory(organisation=staff.other_organisation, role=Role.SUPERVISOR).user
    MembershipFactory(organisation=staff.organisation, role=Role.SUPERVISOR, user=user)
    other = make_case(make_person(staff.other_organisation, user, full_name="Lê Văn Nam"), user)
    client = api_client(issue_token(user))
    listed = client.get(LIST).json()["results"]
    assert {(row["id"], row["organisation"]) for row in listed} == {
        (case.pk, staff.organisation.slug),
        (other.pk, staff.other_organisation.slug),
    }
    only = client.get(LIST, {"organisation": staff.other_organisation.slug}).json()["results"]
    assert [row["id"] for row in only] == [other.pk]
    assert not FollowUp.objects.exists()


# The project a service is counted under.


def _project(organisation, code="P1", **values):
    from donghanh.programmes.projects.models import Project

    return Project.objects.create(
        implementing_organisation=organisation, code=code, name=f"Dự án {code}", **values
    )


def test_a_service_is_recorded_and_listed_with_its_project(staff, case):
    project = _project(staff.organisation)
    client = staff.client(Role.CASE_WORKER)
    created = client.post(services_url(case), _new_service(project=project.pk), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["project"] == project.pk
    assert ServiceDelivery.objects.get(pk=created.json()["id"]).project == project
    without = client.post(services_url(case), _new_service(project=None), format="json")
    assert without.status_code == 201 and without.json()["project"] is None
    listed = client.get(services_url(case)).json()["results"]
    assert {row["id"]: row["project"] for row in listed} == {
        created.json()["id"]: project.pk,
        without.json()["id"]: None,
    }


def test_a_project_the_service_may_not_be_counted_under_is_refused_with_the_reason(staff, case):
    client = staff.client(Role.CASE_WORKER)
    theirs = _project(staff.other_organisation, "P9")
    ended = _project(staff.organisation, "P2", end_on=datetime.date(2026, 1, 31))
    not_linked = (
        "Choose a project that the organisation of this case implements or is a partner of, "
        "or none."
    )
    for project_id in (theirs.pk, 987654, 2**70, -1):
        refused = client.post(services_url(case), _new_service(project=project_id), format="json")
        assert refused.status_code == 400, (project_id, refused.content)
        assert refused.json() == {"project": [not_linked]}
    late = client.post(services_url(case), _new_service(project=ended.pk), format="json")
    assert late.status_code == 400
    assert late.json()["project"] == [
        "Project P2 runs until 31/01/2026: 05/03/2026 is outside it. Choose another project, "
        "or none."
    ]
    vietnamese = client.post(
        services_url(case),
        _new_service(project=theirs.pk),
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert vietnamese.status_code == 400
    assert "Hãy chọn một dự án" in vietnamese.json()["project"][0]
    not_a_number = client.post(services_url(case), _new_service(project="P1"), format="json")
    assert not_a_number.status_code == 400 and "project" in not_a_number.json()
    assert not ServiceDelivery.objects.exists()


# Every list read is audited; bulk reads are limited per token (issue 17, finding 8).


def test_every_list_read_is_audited_with_filter_codes_and_counts_never_the_words(staff, caseload):
    supervisor = staff.users[Role.SUPERVISOR]
    client = staff.client(Role.SUPERVISOR)
    client.get(LIST, {"status": CaseStatus.OPEN, "page_size": 1})
    client.get(LIST, {"q": "nguyen thi hoa", "worker": supervisor.pk, "overdue": "true"})
    listed, searched = AuditEntry.objects.filter(
        actor=supervisor, action=AuditAction.VIEW
    ).order_by("pk")
    assert listed.event == "case.listed"
    assert listed.summary == "case list read: 1 of 2 shown"
    assert listed.details == {"count": 2, "shown": 1, "page": 1, "filters": {"status": "open"}}
    assert searched.event == "case.searched"
    assert searched.details["filters"] == {"overdue": True, "q": True, "worker": supervisor.pk}
    assert "nguyen" not in str(searched.details).lower() + searched.summary.lower()


def test_a_list_across_two_organisations_is_audited_in_each_with_its_own_counts(staff, case):
    user: Any = MembershipFactory(organisation=staff.other_organisation, role=Role.SUPERVISOR).user
    MembershipFactory(organisation=staff.organisation, role=Role.SUPERVISOR, user=user)
    make_case(make_person(staff.other_organisation, user, full_name="Lê Văn Nam"), user)
    make_case(make_person(staff.other_organisation, user, full_name="Lê Văn Minh"), user)
    api_client(issue_token(user)).get(LIST)
    rows = AuditEntry.objects.filter(actor=user, event="case.listed")
    assert {(r.organisation_id, r.details["shown"], r.details["count"]) for r in rows} == {
        (staff.organisation.pk, 1, 1),
        (staff.other_organisation.pk, 2, 2),
    }


def test_list_pages_are_limited_per_token_with_a_vietnamese_429(staff, case, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_LIST_PAGES_PER_MINUTE = 3
    user = staff.users[Role.SUPERVISOR]
    client = api_client(issue_token(user))
    for _ in range(3):
        assert client.get(LIST).status_code == 200
    refused = client.get(LIST, HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Quá nhiều" in refused.json()["detail"]
    # The person list counts against the same token; another token of the same user does not.
    assert client.get(reverse("api:person_list")).status_code == 429
    assert api_client(issue_token(user)).get(LIST).status_code == 200
    # Refused reads are not audited as reads.
    assert AuditEntry.objects.filter(actor=user, event="case.listed").count() == 4
    cache.clear()


def test_the_limit_is_a_sliding_window_of_one_minute(staff, case, settings, monkeypatch):
    from django.core.cache import cache

    from donghanh.api.throttling import IdentityListThrottle

    cache.clear()
    settings.API_LIST_PAGES_PER_MINUTE = 2
    now = [1_000_000.0]
    monkeypatch.setattr(IdentityListThrottle, "timer", lambda self: now[0])
    client = staff.client(Role.SUPERVISOR)
    assert client.get(LIST).status_code == 200
    now[0] += 30
    assert client.get(LIST).status_code == 200
    now[0] += 20
    refused = client.get(LIST)
    assert refused.status_code == 429 and refused["Retry-After"] == "10"
    now[0] += 11  # the first read left the window; the second is still in it
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 429
    cache.clear()


def test_the_projects_a_record_of_the_case_can_be_counted_under(staff, case):
    # Issue 11, item 6: what the forms offer, for the day asked (today by default).
    import datetime

    from django.utils import timezone

    from donghanh.programmes.projects.models import Project

    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=400), today - datetime.timedelta(days=30)
    ended = Project.objects.create(
        implementing_organisation=staff.organisation,
        code="OLD",
        name="Dự án cũ",
        start_on=start,
        end_on=end,
    )
    Project.objects.create(implementing_organisation=staff.organisation, code="NOW", name="Mới")
    Project.objects.create(
        implementing_organisation=staff.other_organisation, code="THEIRS", name="Của tổ chức khác"
    )
    client = staff.client(Role.CASE_WORKER)
    url = reverse("api:case_project_list", kwargs={"case_id": case.pk})
    assert [row["code"] for row in client.get(url).json()] == ["NOW"]
    back_then = client.get(url, {"on": (today - datetime.timedelta(days=40)).isoformat()})
    assert [row["code"] for row in back_then.json()] == ["NOW", "OLD"]
    assert back_then.json()[1] == {
        "id": ended.pk,
        "code": "OLD",
        "name": "Dự án cũ",
        "start_on": start.isoformat(),
        "end_on": end.isoformat(),
    }
    assert client.get(url, {"on": "31/12/2026"}).status_code == 400
    assert _views(case).count() == 3
