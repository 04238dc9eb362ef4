"""The OpenAPI schema is valid, lists every endpoint, and the real answers conform to it."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from jsonschema import Draft202012Validator

from donghanh.api.tests.conftest import api_client, issue_token, make_person
from donghanh.api.tests.test_imports import (
    MembershipFactory,
    OrganisationFactory,
    _committed_batch,
    _undo,
)
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people import services as person_services
from donghanh.places.models import Commune
from donghanh.programmes.projects.models import Project
from donghanh.testing.jobs import run_queued_jobs

LIST_PATH = "/api/v1/persons/"
DETAIL_PATH = "/api/v1/persons/{person_id}/"
CASES_PATH = "/api/v1/cases/"
CASE_PATH = "/api/v1/cases/{case_id}/"
SERVICES_PATH = "/api/v1/cases/{case_id}/services/"
RECEIVED_PATH = "/api/v1/referrals/received/"
SENT_PATH = "/api/v1/referrals/sent/"
REFERRAL_PATH = "/api/v1/referrals/{referral_id}/"
ENDPOINTS = {
    LIST_PATH: {"get", "post"},
    DETAIL_PATH: {"get", "patch"},
    CASES_PATH: {"get"},
    CASE_PATH: {"get"},
    SERVICES_PATH: {"get", "post"},
    f"{CASE_PATH}projects/": {"get"},
    RECEIVED_PATH: {"get"},
    SENT_PATH: {"get"},
    REFERRAL_PATH: {"get"},
    f"{REFERRAL_PATH}accept/": {"post"},
    f"{REFERRAL_PATH}decline/": {"post"},
    f"{REFERRAL_PATH}complete/": {"post"},
    "/api/v1/projects/": {"get"},
    "/api/v1/projects/{project_id}/indicators/": {"get"},
    "/api/v1/imports/": {"post"},
    "/api/v1/imports/{batch_id}/": {"get"},
    "/api/v1/imports/{batch_id}/commit/": {"post"},
    "/api/v1/imports/{batch_id}/undo/": {"post"},
    f"{CASE_PATH}livelihood-plan/": {"get", "post", "patch"},
    f"{CASE_PATH}livelihood-plan/support/": {"post"},
    f"{CASE_PATH}livelihood-plan/reviews/": {"post"},
    f"{CASE_PATH}reintegration-assessments/": {"get", "post"},
    f"{CASE_PATH}reintegration-assessments/{{assessment_id}}/": {"get"},
    "/api/v1/savings-groups/": {"get"},
    "/api/v1/savings-groups/{group_id}/": {"get"},
    "/api/v1/savings-groups/{group_id}/members/{member_id}/": {"get"},
    "/api/v1/savings-groups/{group_id}/cycles/": {"get"},
    "/api/v1/savings-groups/{group_id}/cycles/{cycle_id}/": {"get"},
    "/api/v1/savings-groups/{group_id}/cycles/{cycle_id}/meetings/": {"get", "post"},
    "/api/v1/savings-groups/{group_id}/cycles/{cycle_id}/meetings/{meeting_id}/": {"get"},
    "/api/v1/savings-groups/{group_id}/measures/": {"get"},
    "/api/v1/savings-measures/": {"get"},
    "/api/v1/duplicates/pairs/": {"get"},
    "/api/v1/duplicates/pairs/{pair_id}/": {"get"},
    "/api/v1/duplicates/pairs/{pair_id}/decision/": {"post"},
    "/api/v1/duplicates/pairs/{pair_id}/merge/": {"post"},
    "/api/v1/duplicates/scans/": {"post"},
    "/api/v1/duplicates/scans/{job_id}/": {"get"},
    "/api/v1/duplicates/merges/{merge_id}/": {"get"},
    "/api/v1/duplicates/merges/{merge_id}/undo/": {"post"},
}


@pytest.fixture
def schema(db):
    response = api_client().get(reverse("api:openapi"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 meta-schema


def test_the_schema_lists_every_endpoint(schema):
    listed = {
        path: {method for method in operations if method != "parameters"}
        for path, operations in schema["paths"].items()
    }
    assert listed == ENDPOINTS


def _request_body(schema, operation):
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    return name, schema["components"]["schemas"][name]


def test_every_versioned_update_requires_version_and_baseline(schema):
    """The API refuses an edit without `version` and `baseline` (the stale-edit check); the
    schema said they were optional, as it takes every PATCH body as partial. Every update
    whose body has a `version` derives from `EditSerializer` and requires both."""
    versioned = {}
    for path, operations in schema["paths"].items():
        for method in ("patch", "put"):
            if method not in operations:
                continue
            name, body = _request_body(schema, operations[method])
            if "version" in body["properties"] or "baseline" in body["properties"]:
                versioned[(method, path)] = (name, body)
    assert ("patch", DETAIL_PATH) in versioned
    for (method, path), (name, body) in versioned.items():
        assert {"version", "baseline"} <= set(body.get("required", [])), (method, path)
        assert not name.startswith("Patched"), (method, path)
        assert schema["paths"][path][method]["requestBody"].get("required"), (method, path)
        # The record's other fields stay optional: only the fields sent change.
        assert "full_name" not in body["required"]


def test_every_endpoint_asks_for_the_bearer_token(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert operation["security"] == [{"bearerAuth": []}]
            assert "401" in operation["responses"]


def test_the_schema_is_in_english_whatever_the_language(db):
    response = api_client().get(reverse("api:openapi"), HTTP_ACCEPT_LANGUAGE="vi")
    sexes = response.json()["components"]["schemas"]["SexEnum"]["description"]
    assert "Female" in sexes


# Conformance of real answers.


def _closed(node):
    """The schema with no room for undocumented fields: every object lists all of its keys."""
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


def assert_conforms(schema, path, method, response):
    code = str(response.status_code)
    operation = schema["paths"][path][method]
    assert code in operation["responses"], f"{method.upper()} {path} {code} is not documented"
    declared = operation["responses"][code]["content"]["application/json"]["schema"]
    document = _closed(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": copy.deepcopy(schema["components"]),
            **declared,
        }
    )
    validator = Draft202012Validator(document, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.fixture
def full_person(staff):
    worker = staff.users[Role.CASE_WORKER]
    person = make_person(
        staff.organisation,
        worker,
        full_name="Lò Thị Hằng",
        date_of_birth=datetime.date(2012, 5, 1),
        ethnicity="thai",
        phone="0912 000 111",
        current_commune=Commune.objects.order_by("code").first(),
        area_type="rural",
    )
    guardian = person_services.guardian_add(
        person=person, full_name="Lò Văn Páo", relation="father", actor=Actor.for_user(worker)
    )
    person_services.consent_record(
        person=person,
        purpose="case_management",
        method="written",
        given_by="guardian",
        guardian=guardian,
        given_on=datetime.date(2026, 1, 5),
        actor=Actor.for_user(worker),
    )
    consent = person_services.consent_record(
        person=person,
        purpose="sharing",
        recipient_organisation=staff.other_organisation,
        method="verbal_witnessed",
        given_by="guardian",
        guardian=guardian,
        given_on=datetime.date(2026, 1, 5),
        expires_on=datetime.date(2027, 1, 5),
        actor=Actor.for_user(worker),
    )
    person_services.consent_withdraw(consent=consent, actor=Actor.for_user(worker))
    make_person(staff.organisation, worker, full_name="Đinh Văn Nam", estimated_age=30)
    return person


def test_reads_conform(schema, staff, full_person):
    client = staff.client(Role.CASE_WORKER)
    listed = client.get(LIST_PATH, {"q": "lo thi hang"})
    assert listed.json()["count"] == 1
    assert_conforms(schema, LIST_PATH, "get", listed)
    assert_conforms(schema, LIST_PATH, "get", client.get(LIST_PATH, {"page_size": 1}))
    record = client.get(f"{LIST_PATH}{full_person.pk}/")
    assert len(record.json()["consents"]) == 2 and len(record.json()["guardians"]) == 1
    assert record.json()["current_commune"] is not None
    assert_conforms(schema, DETAIL_PATH, "get", record)


def test_writes_conform(schema, staff, full_person):
    client = staff.client(Role.CASE_WORKER)
    payload = {
        "organisation": staff.organisation.slug,
        "full_name": "Lò Thị Hằng",
        "sex": "female",
        "phone": "0912 000 111",
    }
    duplicates = client.post(LIST_PATH, payload, format="json")
    assert duplicates.status_code == 409
    assert_conforms(schema, LIST_PATH, "post", duplicates)
    created = client.post(LIST_PATH, {**payload, "confirm_different_person": True}, format="json")
    assert created.status_code == 201
    assert_conforms(schema, LIST_PATH, "post", created)

    url = f"{LIST_PATH}{full_person.pk}/"
    record = client.get(url).json()
    edit = {"version": record["version"], "baseline": record["baseline"], "phone": "0912 000 222"}
    changed = client.patch(url, edit, format="json")
    assert changed.status_code == 200
    assert_conforms(schema, DETAIL_PATH, "patch", changed)
    stale = client.patch(url, edit, format="json")
    assert stale.status_code == 409
    assert_conforms(schema, DETAIL_PATH, "patch", stale)


def test_refusals_conform(schema, staff, full_person):
    url = f"{LIST_PATH}{full_person.pk}/"
    assert_conforms(schema, DETAIL_PATH, "get", api_client().get(url))
    assert_conforms(schema, DETAIL_PATH, "get", staff.client(Role.DONOR_VIEWER).get(url))
    assert_conforms(schema, DETAIL_PATH, "get", staff.client("outsider").get(url))
    invalid = staff.client(Role.CASE_WORKER).post(LIST_PATH, {"organisation": "x y"}, format="json")
    assert invalid.status_code == 400
    assert_conforms(schema, LIST_PATH, "post", invalid)


# Cases, services and referrals.


def test_case_and_service_answers_conform(schema, staff, full_person):
    from donghanh.cases.tests.conftest import make_case

    worker = staff.users[Role.CASE_WORKER]
    case = make_case(full_person, worker)
    client = staff.client(Role.CASE_WORKER)
    assert_conforms(schema, CASES_PATH, "get", client.get(CASES_PATH, {"q": "lo thi hang"}))
    record = client.get(f"{CASES_PATH}{case.pk}/")
    assert record.status_code == 200
    assert_conforms(schema, CASE_PATH, "get", record)
    services = f"{CASES_PATH}{case.pk}/services/"
    created = client.post(
        services,
        {"domain": "health", "provider_name": "Trạm y tế xã", "delivered_on": "2026-03-05"},
        format="json",
    )
    assert created.status_code == 201
    assert_conforms(schema, SERVICES_PATH, "post", created)
    assert_conforms(schema, SERVICES_PATH, "get", client.get(services))
    invalid = client.post(services, {"domain": "health"}, format="json")
    assert invalid.status_code == 400
    assert_conforms(schema, SERVICES_PATH, "post", invalid)
    project = Project.objects.create(
        implementing_organisation=staff.organisation, code="P1", name="Dự án P1"
    )
    under_project = {
        "domain": "health",
        "provider_name": "Trạm y tế xã",
        "delivered_on": "2026-03-05",
        "project": project.pk,
    }
    counted = client.post(services, under_project, format="json")
    assert counted.status_code == 201 and counted.json()["project"] == project.pk
    assert_conforms(schema, SERVICES_PATH, "post", counted)
    assert_conforms(schema, SERVICES_PATH, "get", client.get(services))
    refused = client.post(services, {**under_project, "project": project.pk + 1}, format="json")
    assert refused.status_code == 400
    assert_conforms(schema, SERVICES_PATH, "post", refused)
    assert_conforms(
        schema, CASE_PATH, "get", staff.client("outsider").get(f"{CASES_PATH}{case.pk}/")
    )


def test_referral_answers_conform(schema, net):
    from donghanh.api.tests.conftest import issue_token
    from donghanh.referrals.tests.conftest import consent_to_share
    from donghanh.referrals.tests.test_referrals import send

    consent_to_share(net.person, net.b)
    referral = send(net)
    receiver = api_client(issue_token(net.b_supervisor))
    sender = api_client(issue_token(net.a_worker))
    assert_conforms(schema, RECEIVED_PATH, "get", receiver.get(RECEIVED_PATH))
    assert_conforms(schema, SENT_PATH, "get", sender.get(SENT_PATH, {"q": "nguyen"}))
    one = f"/api/v1/referrals/{referral.pk}/"
    assert_conforms(schema, REFERRAL_PATH, "get", receiver.get(one))
    assert_conforms(schema, REFERRAL_PATH, "get", sender.get(one))
    accept = f"{REFERRAL_PATH}accept/"
    assert_conforms(schema, accept, "post", receiver.post(f"{one}accept/"))
    refused = receiver.post(f"{one}accept/")
    assert refused.status_code == 400
    assert_conforms(schema, accept, "post", refused)
    assert_conforms(schema, accept, "post", sender.post(f"{one}accept/"))
    done = receiver.post(f"{one}complete/", {"feedback": "Đã xong."}, format="json")
    assert done.status_code == 200
    assert_conforms(schema, f"{REFERRAL_PATH}complete/", "post", done)
    declined = receiver.post(f"{one}decline/", {"reason": "x"}, format="json")
    assert declined.status_code == 400
    assert_conforms(schema, f"{REFERRAL_PATH}decline/", "post", declined)


def test_import_undo_answers_conform(schema, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    organisation = OrganisationFactory()
    batch = _committed_batch(organisation)
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR).user
    client = api_client(issue_token(supervisor))
    path = "/api/v1/imports/{batch_id}/undo/"

    refused = _undo(client, batch, {"confirm": False})
    assert refused.status_code == 400
    assert_conforms(schema, path, "post", refused)
    started = _undo(client, batch)
    assert started.status_code == 202
    assert_conforms(schema, path, "post", started)
    run_queued_jobs()
    again = _undo(client, batch)
    assert again.status_code == 200
    assert_conforms(schema, path, "post", again)
    assert_conforms(schema, "/api/v1/imports/{batch_id}/", "get", client.get(again.json()["url"]))


# The review of records of the same person.


def test_duplicates_answers_conform(schema, staff):
    from donghanh.api.tests.test_permission_matrix_duplicates import make_pair

    pair = make_pair(staff.organisation, staff.users[Role.CASE_WORKER])
    client = staff.client(Role.SUPERVISOR)
    pairs = "/api/v1/duplicates/pairs/"
    listed = client.get(pairs)
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert_conforms(schema, pairs, "get", listed)
    one = client.get(f"{pairs}{pair.pk}/")
    assert_conforms(schema, f"{pairs}{{pair_id}}/", "get", one)
    later = client.post(f"{pairs}{pair.pk}/decision/", {"decision": "later"}, format="json")
    assert later.status_code == 200
    assert_conforms(schema, f"{pairs}{{pair_id}}/decision/", "post", later)
    refused = client.post(f"{pairs}{pair.pk}/decision/", {"decision": "x"}, format="json")
    assert refused.status_code == 400
    assert_conforms(schema, f"{pairs}{{pair_id}}/decision/", "post", refused)
    scan = client.post("/api/v1/duplicates/scans/", {"organisation": staff.organisation.slug})
    assert scan.status_code == 202
    assert_conforms(schema, "/api/v1/duplicates/scans/", "post", scan)
    followed = client.get(scan.json()["url"])
    assert_conforms(schema, "/api/v1/duplicates/scans/{job_id}/", "get", followed)
    merged = client.post(f"{pairs}{pair.pk}/merge/", {"survivor": pair.person_b_id}, format="json")
    assert merged.status_code == 201
    assert_conforms(schema, f"{pairs}{{pair_id}}/merge/", "post", merged)
    merge = "/api/v1/duplicates/merges/{merge_id}/"
    read = client.get(merged.json()["url"])
    assert_conforms(schema, merge, "get", read)
    undone = client.post(f"{merged.json()['url']}undo/")
    assert undone.status_code == 200 and undone.json()["undone_at"] is not None
    assert_conforms(schema, f"{merge}undo/", "post", undone)
