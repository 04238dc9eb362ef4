"""Input no form could send is refused with a 400 and a message, never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donghanh.api.tests.conftest import api_client, issue_token, make_person
from donghanh.api.tests.test_cases import _new_service, services_url
from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case
from donghanh.casework.models import ServiceDelivery
from donghanh.core.money import MONEY_MAX_VND
from donghanh.organisations.roles import Role


@pytest.fixture
def case(staff) -> Case:
    worker = staff.users[Role.CASE_WORKER]
    return make_case(make_person(staff.organisation, worker), worker)


def _vietnamese_client(user):
    client = api_client(issue_token(user))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return client


def test_a_cost_beyond_the_databases_range_is_refused(staff, case):
    client = _vietnamese_client(staff.users[Role.CASE_WORKER])
    response = client.post(
        services_url(case), _new_service(cost_vnd=MONEY_MAX_VND + 1), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"cost_vnd": ["Số tiền không được lớn hơn 9223372036854775807 đồng."]}
    assert not ServiceDelivery.objects.exists()


def test_a_body_nested_too_deeply_is_refused(staff, case):
    client = _vietnamese_client(staff.users[Role.CASE_WORKER])
    body = "[" * 100_000 + "]" * 100_000
    for url in (
        services_url(case),
        reverse("api:person_list"),
        reverse("api:person_detail", kwargs={"person_id": case.person_id}),
    ):
        method = client.patch if url.endswith(f"/{case.person_id}/") else client.post
        response = method(url, data=body, content_type="application/json")
        assert response.status_code == 400, url
        assert response.json() == {
            "detail": "Nội dung JSON lồng nhau quá sâu nên không đọc được. Hãy gửi một đối tượng "
            "phẳng hơn."
        }
    assert not ServiceDelivery.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/persons/abc/",
        "/api/v1/persons/null,null/",
        "/api/v1/cases/1.5/services/",
        "/api/v1/referrals/%20/accept/",
        "/api/v1/nothing-here/",
        "/api/v2/persons/",
    ],
)
def test_an_address_the_api_does_not_have_answers_404_in_json(staff, address):
    client = staff.client(Role.SUPERVISOR)
    for answer in (client.get(address), client.post(address, {}, format="json")):
        assert answer.status_code == 404
        assert answer["Content-Type"] == "application/json"
        assert answer.json() == {"detail": "Not found."}


def test_a_parameter_the_address_does_not_take_is_refused(staff):
    client = staff.client(Role.SUPERVISOR)
    answer = client.get("/api/v1/cases/", {"stauts": "open"})
    assert answer.status_code == 400 and list(answer.json()) == ["stauts"]
    assert client.get("/api/v1/cases/", {"status": "open", "page_size": 5}).status_code == 200


@pytest.mark.parametrize("name", ["status", "organisation", "case_type", "province"])
def test_an_empty_filter_is_refused_as_the_schema_says(staff, name):
    answer = staff.client(Role.SUPERVISOR).get("/api/v1/cases/", {name: ""})
    assert answer.status_code == 400 and list(answer.json()) == [name]
