"""The request pages: who may open them, what they do, how many queries the list makes."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.privacy import services
from donghanh.privacy.models import DataSubjectRequest, RequestStatus
from donghanh.privacy.tests.conftest import FRIDAY, HOA, full_person, new_person, new_request
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

REQUEST_PAGES = [
    ("request_detail", "get"),
    ("request_extend", "get"),
    ("request_complete", "get"),
    ("request_refuse", "get"),
    ("request_export_json", "get"),
    ("request_export_pdf", "get"),
    ("request_acknowledge", "post"),
    ("request_start", "post"),
]


# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory


def _shows(response, msgid: str) -> bool:
    """Whether the page shows the string, in the language it was served in."""
    with translation.override(response["Content-Language"]):
        return translation.gettext(msgid) in response.content.decode()


def _url(name, organisation, *, data_request=None, person=None, query=""):
    kwargs = {"org": organisation.slug}
    if data_request is not None:
        kwargs["request_id"] = data_request.pk
    if person is not None:
        kwargs["person_id"] = person.pk
    return reverse(f"privacy:{name}", kwargs=kwargs) + query


def _all_urls(organisation, person, data_request):
    urls = [
        _url("request_list", organisation),
        _url("request_register", organisation, person=person),
    ]
    urls += [_url(name, organisation, data_request=data_request) for name, _ in REQUEST_PAGES]
    return urls


@pytest.fixture
def data_request(trio, person):
    return new_request(person, trio.owner, kind="erasure")


# --- The trio, and every role ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "method"), REQUEST_PAGES)
def test_owner_can_use_every_request_page(trio, person, data_request, name, method):
    url = _url(name, trio.organisation, data_request=data_request)
    response = getattr(trio.owner_client, method)(url)
    assert response.status_code == (302 if method == "post" else 200)


def test_owner_can_open_the_list_and_register_pages(trio, person, data_request):
    assert trio.owner_client.get(_url("request_list", trio.organisation)).status_code == 200
    page = trio.owner_client.get(_url("request_register", trio.organisation, person=person))
    assert page.status_code == 200
    assert HOA["full_name"] in page.content.decode()


def test_read_only_colleague_gets_403_everywhere(trio, person, data_request):
    for url in _all_urls(trio.organisation, person, data_request):
        assert trio.colleague_client.get(url).status_code in (403, 405), url
        assert trio.colleague_client.post(url, {}).status_code in (403, 405), url
    assert DataSubjectRequest.objects.get().status == RequestStatus.RECEIVED


def test_outsider_gets_404_everywhere(trio, person, data_request):
    for url in _all_urls(trio.organisation, person, data_request):
        assert trio.outsider_client.get(url).status_code in (404, 405), url
        assert trio.outsider_client.post(url, {}).status_code in (404, 405), url
    # Nor can the outsider reach the request through their own organisation's address.
    url = _url("request_detail", trio.other_organisation, data_request=data_request)
    assert trio.outsider_client.get(url).status_code == 404


def test_programme_officer_gets_403(trio, person, data_request):
    officer = MembershipFactory(organisation=trio.organisation, role=Role.PROGRAMME_OFFICER).user
    client = signed_in_client(officer)
    for url in _all_urls(trio.organisation, person, data_request):
        assert client.get(url).status_code in (403, 405), url


def test_wrong_methods_get_405(trio, data_request):
    url = _url("request_acknowledge", trio.organisation, data_request=data_request)
    assert trio.owner_client.get(url).status_code == 405
    url = _url("request_export_json", trio.organisation, data_request=data_request)
    assert trio.owner_client.post(url).status_code == 405


def test_a_case_worker_sees_only_the_requests_they_are_responsible_for(trio, person):
    worker = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    mine = new_request(person, trio.owner, responsible=worker, kind="rectification")
    theirs = new_request(person, trio.owner, responsible=trio.owner)
    client = signed_in_client(worker)
    listed = client.get(_url("request_list", trio.organisation)).context["page"]
    assert [item.pk for item in listed] == [mine.pk]
    assert (
        client.get(_url("request_detail", trio.organisation, data_request=mine)).status_code == 200
    )
    detail = _url("request_detail", trio.organisation, data_request=theirs)
    assert client.get(detail).status_code == 404


def test_a_case_worker_cannot_export_erase_or_deidentify(trio):
    worker = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    person = full_person(trio.organisation, worker)  # registered by the worker: theirs to see
    data_request = services.request_acknowledge(
        data_request=new_request(person, trio.owner, responsible=worker, kind="erasure"),
        actor=Actor.for_user(trio.owner),
    )
    client = signed_in_client(worker)
    for name in ("request_export_json", "request_export_pdf"):
        assert (
            client.get(_url(name, trio.organisation, data_request=data_request)).status_code == 403
        )
    complete = _url("request_complete", trio.organisation, data_request=data_request)
    assert client.get(complete + "?carry_out=erase").status_code == 403
    response = client.post(complete, {"carry_out": "erase", "confirm": "on"})
    assert response.status_code == 403
    # Asking for no fulfilment still lands on the kind's own: erasure needs the right.
    assert client.post(complete, {"carry_out": "", "confirm": "on"}).status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()
    page = client.get(_url("request_detail", trio.organisation, data_request=data_request))
    assert _shows(page, "Only a supervisor or an administrator can erase or de-identify a record.")


def _export_urls(organisation, data_request):
    return [
        _url(name, organisation, data_request=data_request)
        for name in ("request_export_pdf", "request_export_json")
    ]


def test_the_worker_responsible_for_an_access_request_downloads_the_copy(trio):
    worker = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    person = full_person(trio.organisation, worker)  # registered by the worker: theirs to see
    data_request = new_request(person, trio.owner, responsible=worker, kind="access")
    client = signed_in_client(worker)
    page = client.get(_url("request_detail", trio.organisation, data_request=data_request))
    for url in _export_urls(trio.organisation, data_request):
        assert url in page.content.decode()
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, target_id=str(person.pk))
    assert exports.count() == 2 and all(entry.actor == worker for entry in exports)
    # A colleague who does not handle the request does not find it; an outsider neither.
    other = signed_in_client(
        MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    )
    for url in _export_urls(trio.organisation, data_request):
        assert other.get(url).status_code == 404
        assert trio.outsider_client.get(url).status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_the_responsible_worker_downloads_only_while_the_access_request_is_open(trio):
    worker = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    person = full_person(trio.organisation, worker)
    data_request = new_request(person, trio.owner, responsible=worker, kind="access")
    services.request_acknowledge(data_request=data_request, actor=Actor.for_user(worker))
    services.request_complete(data_request=data_request, actor=Actor.for_user(worker))
    client = signed_in_client(worker)
    for url in _export_urls(trio.organisation, data_request):
        assert client.get(url).status_code == 403
    # A supervisor still may, as for any person they see.
    supervisor = MembershipFactory(organisation=trio.organisation, role=Role.SUPERVISOR).user
    for url in _export_urls(trio.organisation, data_request):
        assert signed_in_client(supervisor).get(url).status_code == 200


def test_the_responsible_worker_who_may_not_see_the_person_gets_404(trio, person):
    worker = MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER).user
    data_request = new_request(person, trio.owner, responsible=worker, kind="access")
    client = signed_in_client(worker)
    for url in _export_urls(trio.organisation, data_request):
        assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


# --- What the pages do ----------------------------------------------------------------------


def test_registering_from_the_person_page(trio, person):
    detail = reverse(
        "people:person_detail", kwargs={"org": trio.organisation.slug, "person_id": person.pk}
    )
    register = _url("request_register", trio.organisation, person=person)
    assert register in trio.owner_client.get(detail).content.decode()
    response = trio.owner_client.post(
        register,
        {
            "kind": "access",
            "received_on": "06/03/2026",
            "received_via": "phone",
            "requester": "person",
            "responsible": trio.owner.pk,
        },
    )
    data_request = DataSubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(
        "request_detail", trio.organisation, data_request=data_request
    )
    assert (data_request.person, data_request.received_on) == (person, FRIDAY)
    assert data_request.responsible == trio.owner
    page = trio.owner_client.get(response["Location"]).content.decode()
    assert "10/03/2026" in page and "21/03/2026" in page
    assert 'class="badge warn">' in page


def test_registering_shows_clear_errors(trio, person):
    response = trio.owner_client.post(
        _url("request_register", trio.organisation, person=person),
        {
            "kind": "erasure",
            "received_on": "31/02/2026",
            "received_via": "letter",
            "requester": "guardian",
            "responsible": trio.colleague.pk,
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"received_on", "requester_details", "responsible"}
    assert not DataSubjectRequest.objects.exists()


def test_acknowledging_extending_and_completing_through_the_pages(trio, person):
    data_request = new_request(person, trio.owner, kind="restriction")
    org = trio.organisation
    client = trio.owner_client
    client.post(_url("request_acknowledge", org, data_request=data_request))
    client.post(_url("request_start", org, data_request=data_request))
    response = client.post(
        _url("request_extend", org, data_request=data_request), {"days": "20", "reason": "x"}
    )
    assert response.status_code == 200 and "days" in response.context["form"].errors
    client.post(
        _url("request_extend", org, data_request=data_request),
        {"days": "7", "reason": "Chờ đối tác xử lý"},
    )
    response = client.post(
        _url("request_complete", org, data_request=data_request),
        {"outcome": "Đã ngừng gửi tin nhắn"},
    )
    assert response.status_code == 302
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.COMPLETED
    assert data_request.extension_days == 7
    assert data_request.outcome == "Đã ngừng gửi tin nhắn"


def test_erasure_asks_for_confirmation_first(trio, person):
    data_request = services.request_acknowledge(
        data_request=new_request(person, trio.owner, kind="erasure"),
        actor=Actor.for_user(trio.owner),
    )
    url = _url("request_complete", trio.organisation, data_request=data_request)
    page = trio.owner_client.get(url + "?carry_out=erase")
    assert page.status_code == 200 and page.context["carry_out"] == "erase"
    response = trio.owner_client.post(url, {"carry_out": "erase", "outcome": "Đã xoá"})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert Person.objects.filter(pk=person.pk).exists()
    response = trio.owner_client.post(url, {"carry_out": "erase", "confirm": "on"})
    assert response.status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()
    data_request.refresh_from_db()
    assert data_request.status == RequestStatus.COMPLETED
    after = trio.owner_client.get(response["Location"])
    assert after.status_code == 200
    assert HOA["full_name"] not in after.content.decode()
    listed = trio.owner_client.get(_url("request_list", trio.organisation) + "?status=all")
    assert listed.status_code == 200


def test_downloads_are_attachments_and_audited(trio, person, data_request):
    json_response = trio.owner_client.get(
        _url("request_export_json", trio.organisation, data_request=data_request)
    )
    assert json_response["Content-Disposition"] == f'attachment; filename="person-{person.pk}.json"'
    assert "no-store" in json_response["Cache-Control"]
    data = json.loads(json_response.content)
    assert data["sections"]["person"]["records"][0]["full_name"] == HOA["full_name"]
    pdf_response = trio.owner_client.get(
        _url("request_export_pdf", trio.organisation, data_request=data_request)
    )
    assert pdf_response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf_response.content)).pages
    # The first page explains the copy and the person's rights; the data follows.
    assert HOA["full_name"] not in pages[0].extract_text()
    assert HOA["full_name"] in pages[1].extract_text()
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, target_id=str(person.pk))
    assert exports.count() == 2
    assert all(entry.actor == trio.owner and entry.ip_address for entry in exports)
    assert all(f"data-subject request {data_request.pk}" in entry.summary for entry in exports)


def test_opening_a_request_audits_the_read_of_the_person(trio, person, data_request):
    trio.owner_client.get(_url("request_detail", trio.organisation, data_request=data_request))
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type="people.person", target_id=str(person.pk)
    ).exists()


def test_the_list_flags_overdue_requests_without_colour_alone(trio, person):
    new_request(person, trio.owner)
    page = trio.owner_client.get(_url("request_list", trio.organisation))
    with translation.override(page["Content-Language"]):
        assert f'class="badge warn">{translation.gettext("Overdue")}' in page.content.decode()


def test_the_list_query_count_does_not_grow(trio, person, django_assert_max_num_queries):
    url = _url("request_list", trio.organisation)
    new_request(person, trio.owner, responsible=trio.owner)
    trio.owner_client.get(url)  # warm the session
    for _ in range(15):
        other = new_person(trio.organisation, full_name="Lò Thị Sen")
        new_request(other, trio.owner, responsible=trio.owner)
    with django_assert_max_num_queries(9):
        response = trio.owner_client.get(url)
    assert len(response.context["page"]) == 16
    assert "Lò Thị Sen" in response.content.decode()
