"""/api/v1/referrals/: the referral pages' rules over the API, consent first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.core.actor import Actor
from donghanh.people import services as person_services
from donghanh.referrals.models import Referral, ReferralKind, ReferralStatus
from donghanh.referrals.tests.conftest import consent_to_share
from donghanh.referrals.tests.test_referrals import send

RECEIVED = reverse("api:referral_received_list")
SENT = reverse("api:referral_sent_list")


def url(name, referral):
    return reverse(f"api:referral_{name}", kwargs={"referral_id": referral.pk})


def client_of(user):
    return api_client(issue_token(user))


@pytest.fixture
def shared(net):
    consent = consent_to_share(net.person, net.b)
    return send(net), consent


def test_the_receiver_reads_only_what_was_shared(net, shared):
    referral, _consent = shared
    response = client_of(net.b_worker).get(url("detail", referral))
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "receiver" and body["case"] is None and body["case_number"] is None
    assert body["message"] == "Cần khám sức khỏe"
    sections = {section["section"]: section for section in body["shared"]}
    assert set(sections) == {"identity", "needs"}
    fields = {row["field"]: row["value"] for row in sections["identity"]["rows"]}
    assert fields["full_name"] == "Nguyễn Thị Hoa"
    text = response.content.decode()
    # Not shared: contact details, ID number, the case's internal notes.
    for secret in ("0912 345 678", "079203001234", "Trần Phú", "Móng Cái"):
        assert secret not in text
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_id=str(referral.pk), organisation=net.b
    ).exists()


def test_the_sender_reads_it_with_its_case(net, shared):
    referral, _consent = shared
    body = client_of(net.a_worker).get(url("detail", referral)).json()
    assert body["role"] == "sender"
    assert body["case"]["id"] == net.case.pk and body["case_number"] == net.case.number


def test_withdrawn_consent_hides_the_snapshot_and_blocks_accept_and_complete(net, shared):
    referral, consent = shared
    client = client_of(net.b_supervisor)
    person_services.consent_withdraw(consent=consent, actor=Actor.for_user(net.a_worker))
    body = client.get(url("detail", referral)).json()
    assert body["shared"] is None and body["message"] is None
    assert "Nguyễn" not in str(body)
    refused = client.post(url("accept", referral), format="json")
    assert refused.status_code == 400
    assert "consent" in refused.json()["non_field_errors"][0]
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
    # Declining discloses nothing: it stays possible.
    declined = client.post(url("decline", referral), {"reason": "Không đủ chỗ"}, format="json")
    assert declined.status_code == 200
    assert declined.json()["status"] == ReferralStatus.DECLINED


def test_withdrawn_consent_blocks_completing_an_accepted_referral(net, shared):
    referral, consent = shared
    client = client_of(net.b_supervisor)
    assert client.post(url("accept", referral), format="json").json()["status"] == "accepted"
    person_services.consent_withdraw(consent=consent, actor=Actor.for_user(net.a_worker))
    refused = client.post(url("complete", referral), {"feedback": "Đã khám"}, format="json")
    assert refused.status_code == 400
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED


def test_accept_then_complete_with_feedback(net, shared):
    referral, _consent = shared
    client = client_of(net.b_worker)
    accepted = client.post(url("accept", referral), format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(url("accept", referral), format="json")
    assert again.status_code == 400
    missing = client.post(url("complete", referral), {}, format="json")
    assert missing.status_code == 400 and "feedback" in missing.json()
    done = client.post(url("complete", referral), {"feedback": "Đã khám, ổn định."}, format="json")
    assert done.status_code == 200
    assert done.json()["feedback"] == "Đã khám, ổn định."
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.status == ReferralStatus.COMPLETED and stored.completed_by == net.b_worker
    rows = AuditEntry.objects.filter(action=AuditAction.UPDATE, target_id=str(referral.pk))
    assert rows.count() == 2 and all("Đã khám" not in row.summary for row in rows)
    # The sender reads the feedback.
    assert client_of(net.a_worker).get(url("detail", referral)).json()["feedback"]


def test_a_transfer_accepted_over_the_api_moves_the_case(net):
    consent_to_share(net.person, net.b)
    referral = send(net, kind=ReferralKind.TRANSFER)
    response = client_of(net.b_supervisor).post(url("accept", referral), format="json")
    assert response.status_code == 200 and response.json()["status"] == "completed"
    assert Case.objects.get(pk=net.case.pk).organisation == net.b


def test_who_may_answer(net, shared):
    referral, _consent = shared
    # The sender's own members: 403, as on the pages; a donor of the receiver: 403.
    assert client_of(net.a_supervisor).post(url("accept", referral)).status_code == 403
    assert client_of(net.b_donor).post(url("accept", referral)).status_code == 403
    assert client_of(net.b_donor).get(url("detail", referral)).status_code == 403
    # A third organisation, and the sender's case worker who may not see the case: 404.
    assert client_of(net.c_supervisor).post(url("accept", referral)).status_code == 404
    assert client_of(net.c_supervisor).get(url("detail", referral)).status_code == 404
    assert client_of(net.a_other_worker).get(url("detail", referral)).status_code == 404
    assert api_client().post(url("accept", referral)).status_code == 401
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT


def test_lists_received_and_sent(net, shared):
    referral, _consent = shared
    received = client_of(net.b_worker).get(RECEIVED).json()
    assert [row["id"] for row in received["results"]] == [referral.pk]
    assert received["results"][0]["case_number"] is None
    assert client_of(net.b_worker).get(SENT).json()["count"] == 0
    sent = client_of(net.a_worker).get(SENT).json()
    assert [row["case_number"] for row in sent["results"]] == [net.case.number]
    assert client_of(net.a_other_worker).get(SENT).json()["count"] == 0
    assert (
        client_of(net.c_supervisor).get(RECEIVED, {"organisation": net.b.slug}).status_code == 404
    )
    assert client_of(net.b_donor).get(RECEIVED).status_code == 403
    assert api_client().get(SENT).status_code == 401
    filtered = client_of(net.b_worker).get(RECEIVED, {"status": "accepted"}).json()
    assert filtered["count"] == 0
    assert client_of(net.b_worker).get(RECEIVED, {"overdue": "true"}).json()["count"] == 0


def test_the_sent_list_searches_like_the_caseload(net, shared):
    _referral, _consent = shared
    client = client_of(net.a_worker)
    assert client.get(SENT, {"q": "nguyen thi hoa"}).json()["count"] == 1
    assert client.get(SENT, {"q": net.case.number}).json()["count"] == 1
    assert client.get(SENT, {"q": "le van nam"}).json()["count"] == 0
    rows = AuditEntry.objects.filter(actor=net.a_worker, summary__startswith="case search")
    assert [row.summary for row in rows.order_by("pk")] == [
        "case search: 1 found",
        "case search: 1 found",
        "case search: 0 found",
    ]


def _queries(client, address, **params):
    client.get(address, params)
    with CaptureQueriesContext(connection) as context:
        response = client.get(address, params)
    assert response.status_code == 200
    return len(context.captured_queries)


# Token, memberships, 2FA device, count, page.
LIST_QUERIES = 5


def test_the_lists_make_a_fixed_number_of_queries_whatever_the_page_size(net, shared):
    receiver, sender = client_of(net.b_supervisor), client_of(net.a_worker)
    for number in range(6):
        person = make_person(net.a, net.a_worker, full_name=f"Lê Thị Mai {number}")
        consent_to_share(person, net.b)
        send(net, case=make_case(person, net.a_worker))
    for size in (1, 100):
        assert _queries(receiver, RECEIVED, page_size=size) == LIST_QUERIES
        assert _queries(sender, SENT, page_size=size) == LIST_QUERIES
    assert receiver.get(RECEIVED).json()["count"] == 7
