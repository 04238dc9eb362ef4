"""The permission matrix of the sync endpoints (every address × every role × own or another
organisation), what a package never holds, and the query counts of the package and the sync."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.cases.models import Case
from donghanh.fieldwork.sync.models import SyncConflict
from donghanh.fieldwork.tests import sync_support
from donghanh.fieldwork.tests.sync_support import (
    make_case,
    make_person,
    operation,
    post_sync,
    send,
    url,
    visit_fields,
)
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client

staff = sync_support.staff
person = sync_support.person
case = sync_support.case

pytestmark = pytest.mark.django_db

# Written out by hand, not read from roles.py: a mistake in GRANTS fails here.
OFFLINE = {Role.SUPERVISOR, Role.CASE_WORKER, Role.COLLABORATOR, Role.PROGRAMME_OFFICER}


def expected(role: str) -> int:
    if role == "outsider":
        return 404
    return 200 if role in OFFLINE else 403


def get(client: Any, address: str) -> int:
    return int(client.get(address).status_code)


ENDPOINTS = {
    "field": lambda client, org: get(client, url("field", org)),
    "cases": lambda client, org: get(client, url("cases", org)),
    "package": lambda client, org: get(client, url("package", org)),
    "conflicts": lambda client, org: get(client, url("conflicts", org)),
    "sync": lambda client, org: int(post_sync(client, org).status_code),
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", [*Role.values, "outsider"])
def test_permission_matrix(staff: Any, role: str, endpoint: str) -> None:
    client = staff.client(role)
    assert ENDPOINTS[endpoint](client, staff.organisation) == expected(role)
    # Every member of the other organisation is an outsider there.
    if role != "outsider":
        assert ENDPOINTS[endpoint](client, staff.other_organisation) == 404


def test_signed_out_clients_are_not_served(staff: Any) -> None:
    from django.test import Client

    anonymous = Client()
    for name in ("field", "conflicts"):  # pages: to the sign-in page
        assert anonymous.get(url(name, staff.organisation)).status_code == 302
    for name in ("cases", "package"):  # JSON: 401, which a script can act on
        assert anonymous.get(url(name, staff.organisation)).status_code == 401
    assert post_sync(anonymous, staff.organisation).status_code == 401


def test_wrong_methods_are_refused(staff: Any) -> None:
    client = staff.client(Role.CASE_WORKER)
    org = staff.organisation
    assert client.get(url("sync", org)).status_code == 405
    assert client.post(url("package", org)).status_code == 405
    assert client.post(url("cases", org)).status_code == 405


def test_a_conflict_is_only_its_owners(staff: Any, case: Case) -> None:
    from donghanh.fieldwork.tests.test_sync_kinds import changed_on_server, screening_fields

    worker = staff.client(Role.CASE_WORKER)
    fields = screening_fields(case)
    changed_on_server(case, journey_details="Qua Móng Cái")
    [result] = send(worker, staff.organisation, operation("screening", fields, base_version=1))
    conflict = SyncConflict.objects.get()
    address = url("conflict", staff.organisation, conflict_id=conflict.pk)
    assert result["conflict"]["url"] == address
    assert worker.get(address).status_code == 200
    listed = worker.get(url("conflicts", staff.organisation), HTTP_ACCEPT="application/json")
    assert [item["url"] for item in listed.json()["conflicts"]] == [address]
    assert staff.client(Role.SUPERVISOR).get(
        url("conflicts", staff.organisation), HTTP_ACCEPT="application/json"
    ).json() == {"conflicts": []}
    for role in Role.values:
        if role != Role.CASE_WORKER:
            assert staff.client(role).get(address).status_code == (404 if role in OFFLINE else 403)
    assert signed_in_client(staff.outsider).get(address).status_code == 404


def test_another_users_cases_are_never_in_the_package(staff: Any, case: Case) -> None:
    org = staff.organisation
    by_role = {
        role: make_case(make_person(org, full_name=f"Người {role}"), staff.users[role])
        for role in (Role.SUPERVISOR, Role.COLLABORATOR)
    }
    elsewhere = make_case(
        make_person(staff.other_organisation, full_name="Đinh Văn Khác"), staff.outsider
    )
    everything = [case.pk, elsewhere.pk, *(item.pk for item in by_role.values())]
    own = {Role.CASE_WORKER: case, **by_role}
    for role in OFFLINE:
        client = staff.client(role)
        packed = client.get(url("package", org), {"case": everything}).json()
        listed = client.get(url("cases", org)).json()["cases"]
        mine = [own[role].pk] if role in own else []
        assert [item["id"] for item in packed["cases"]] == mine, role
        assert [item["id"] for item in listed] == mine, role
        body = str(packed)
        for other_role, other in own.items():
            if other_role != role:
                assert other.person.full_name not in body
        assert elsewhere.person.full_name not in body


def test_the_package_reads_a_fixed_number_of_queries(staff: Any, case: Case) -> None:
    org = staff.organisation
    worker = staff.users[Role.CASE_WORKER]
    client = staff.client(Role.CASE_WORKER)

    client.get(url("field", org))  # the session's first reads, done once per sign-in

    def queries(case_ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("package", org), {"case": case_ids})
        assert response.status_code == 200
        assert len(response.json()["cases"]) == len(case_ids)
        return len(captured)

    one = queries([case.pk])
    more = [case.pk]
    for number in range(4):
        added = make_case(make_person(org, full_name=f"Người số {number}"), worker)
        send(client, org, operation("visit", visit_fields(), case=added.pk))
        more.append(added.pk)
    assert queries(more) == one
    assert one <= 10, one


def test_the_cases_list_and_a_sync_read_a_bounded_number_of_queries(staff: Any, case: Case) -> None:
    org = staff.organisation
    client = staff.client(Role.CASE_WORKER)
    client.get(url("field", org))  # the session's first reads, done once per sign-in
    with CaptureQueriesContext(connection) as listed:
        client.get(url("cases", org))
    assert len(listed) <= 8, len(listed)
    sent = operation("visit", visit_fields(), case=case.pk)
    with CaptureQueriesContext(connection) as synced:
        assert send(client, org, sent)[0]["status"] == "applied"
    assert len(synced) <= 20, len(synced)
    with CaptureQueriesContext(connection) as again:
        assert send(client, org, sent)[0]["status"] == "duplicate"
    assert len(again) <= 12, len(again)
