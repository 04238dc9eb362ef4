from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases.models import Case, CaseAssignment, CaseRestriction
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.core.actor import Actor
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm
from donghanh.people import services as person_services
from donghanh.people.models import Person, PersonNameToken
from donghanh.people.selectors import PERSON_EDITS, possible_duplicates
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals import services
from donghanh.referrals.models import (
    Referral,
    ReferralKind,
    ReferralPolicy,
    ReferralStatus,
    SharedSection,
)
from donghanh.referrals.selectors import access_referral, is_overdue, referrals_in

from .conftest import Network, consent_to_share

pytestmark = pytest.mark.django_db


def send(net: Network, **kwargs: object) -> Referral:
    values: dict[str, object] = {
        "case": net.case,
        "actor": Actor.for_user(net.a_worker),
        "to_organisation": net.b,
        "shared_sections": [SharedSection.IDENTITY, SharedSection.NEEDS],
        "domain": ServiceDomain.HEALTH,
        "message": "Cần khám sức khỏe",
    }
    values.update(kwargs)
    return services.referral_send(**values)  # type: ignore[arg-type]


def detail_url(org: str, referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"org": org, "referral_id": referral.pk})


# --- Consent gate --------------------------------------------------------------------------


def test_no_consent_refuses_with_a_clear_message(net: Network) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as error:
        send(net)
    assert error.value.code == "no_consent"
    assert "consented to sharing with" in error.value.messages[0]
    assert not Referral.objects.exists()


def test_no_consent_refused_on_the_page_in_vietnamese(net: Network) -> None:
    client = net.client(net.a_worker)
    url = reverse("referrals:send", kwargs={"org": net.a.slug, "case_id": net.case.pk})
    response = client.post(
        url,
        {
            "kind": "referral",
            "to_organisation": net.b.pk,
            "shared_sections": ["identity"],
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "Người này chưa đồng ý chia sẻ thông tin với" in response.content.decode()


def test_consent_for_one_organisation_does_not_allow_another(net: Network) -> None:
    consent_to_share(net.person, net.b)
    with pytest.raises(ValidationError) as error:
        send(net, to_organisation=net.c)
    assert error.value.code == "no_consent"
    assert send(net).to_organisation == net.b


def test_withdrawn_consent_blocks_a_new_referral(net: Network) -> None:
    consent = consent_to_share(net.person, net.b)
    person_services.consent_withdraw(consent=consent, actor=Actor.for_user(net.a_worker))
    with pytest.raises(ValidationError):
        send(net)


def test_provider_without_organisation_is_refused(net: Network) -> None:
    from donghanh.directory.models import Provider

    provider = Provider(name="Phòng khám", kind=Provider.Kind.values[0])
    provider.organisation = None
    with pytest.raises(ValidationError) as error:
        send(net, to_organisation=None, to_provider=provider)
    assert error.value.code == "provider_without_organisation"


# --- What the receiver sees ------------------------------------------------------------------


def test_receiver_sees_only_the_shared_sections(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net, shared_sections=[SharedSection.IDENTITY])
    response = net.client(net.b_worker).get(detail_url(net.b.slug, referral))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Thị Hoa" in page
    assert "Cần khám sức khỏe" in page
    for hidden in ("0912 345 678", "079203001234", "Trần Phú", "Móng Cái"):
        assert hidden not in page
    # The snapshot itself holds nothing else, and is not readable in the raw table.
    assert set(json.loads(referral.snapshot)) == {"identity"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM referrals_referral WHERE id = %s", [referral.pk])
        raw = cursor.fetchone()[0]
    assert "Nguyễn" not in raw and "Hoa" not in raw


def test_receiver_cannot_open_the_case_or_other_cases(net: Network) -> None:
    consent_to_share(net.person, net.b)
    send(net)
    other_case = make_case(make_person(net.a, net.a_worker, full_name="Lê Văn Nam"), net.a_worker)
    client = net.client(net.b_supervisor)
    for case in (net.case, other_case):
        url = reverse("cases:case_detail", kwargs={"org": net.b.slug, "case_id": case.pk})
        assert client.get(url).status_code == 404
        url = reverse("cases:case_detail", kwargs={"org": net.a.slug, "case_id": case.pk})
        assert client.get(url).status_code == 404
    page = client.get(reverse("referrals:incoming", kwargs={"org": net.b.slug})).content
    assert "Lê Văn Nam".encode() not in page


def test_withdrawal_cuts_the_receivers_access_at_once(net: Network) -> None:
    consent = consent_to_share(net.person, net.b)
    referral = send(net)
    client = net.client(net.b_worker)
    assert "Nguyễn Thị Hoa" in client.get(detail_url(net.b.slug, referral)).content.decode()
    person_services.consent_withdraw(consent=consent, actor=Actor.for_user(net.a_worker))
    page = client.get(detail_url(net.b.slug, referral)).content.decode()
    assert "Nguyễn Thị Hoa" not in page
    assert "Cần khám sức khỏe" not in page
    assert "no longer available" in page
    with pytest.raises(ValidationError):
        services.referral_reshare(referral=referral, actor=Actor.for_user(net.a_worker))


def test_outsiders_get_404(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net)
    client = net.client(net.c_supervisor)
    assert client.get(detail_url(net.c.slug, referral)).status_code == 404
    assert client.get(detail_url(net.a.slug, referral)).status_code == 404
    assert client.get(detail_url(net.b.slug, referral)).status_code == 404
    # A case worker of the sender who may not see the case is an outsider to its referrals.
    other = net.client(net.a_other_worker)
    assert other.get(detail_url(net.a.slug, referral)).status_code == 404
    # A receiver's member without case access is refused.
    assert net.client(net.b_donor).get(detail_url(net.b.slug, referral)).status_code == 403


def test_sender_and_receiver_roles(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net)
    sender = access_referral(net.a_worker, net.a.slug, referral.pk, perm=Perm.VIEW_CASES)
    receiver = access_referral(net.b_worker, net.b.slug, referral.pk, perm=Perm.VIEW_CASES)
    assert sender.is_sender and receiver.is_receiver
    # The sender cannot answer its own referral.
    url = reverse("referrals:accept", kwargs={"org": net.a.slug, "referral_id": referral.pk})
    assert net.client(net.a_worker).post(url).status_code == 403


# --- Life cycle --------------------------------------------------------------------------------


def test_accept_then_complete_with_feedback(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net)
    client = net.client(net.b_worker)
    kwargs = {"org": net.b.slug, "referral_id": referral.pk}
    assert client.post(reverse("referrals:accept", kwargs=kwargs)).status_code == 302
    response = client.post(reverse("referrals:complete", kwargs=kwargs), {"feedback": ""})
    assert response.status_code == 200
    client.post(reverse("referrals:complete", kwargs=kwargs), {"feedback": "Đã khám, ổn định"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.answered_by == net.b_worker and referral.completed_by == net.b_worker
    page = net.client(net.a_worker).get(detail_url(net.a.slug, referral)).content.decode()
    assert "Đã khám, ổn định" in page


def test_decline_needs_a_reason(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net)
    with pytest.raises(ValidationError):
        services.referral_decline(referral=referral, reason=" ", actor=Actor.for_user(net.b_worker))
    services.referral_decline(
        referral=referral, reason="Hết chỗ", actor=Actor.for_user(net.b_worker)
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "Hết chỗ"
    with pytest.raises(ValidationError):
        services.referral_accept(referral=referral, actor=Actor.for_user(net.b_worker))


def test_overdue_flag_and_filter(net: Network) -> None:
    ReferralPolicy.objects.create(organisation=net.a, response_days=2)
    consent_to_share(net.person, net.b)
    referral = send(net)
    assert referral.due_at - referral.sent_at < datetime.timedelta(days=2, minutes=1)
    assert not is_overdue(referral)
    later = timezone.now() + datetime.timedelta(days=3)
    assert is_overdue(referral, now=later)
    Referral.objects.filter(pk=referral.pk).update(due_at=timezone.now() - datetime.timedelta(1))
    referral.refresh_from_db()
    assert is_overdue(referral)
    url = reverse("referrals:incoming", kwargs={"org": net.b.slug})
    page = net.client(net.b_worker).get(url, {"overdue": "on"}).content.decode()
    assert "Overdue: not answered in time" not in page  # the list says it in the badge
    assert '<span class="badge warn">Overdue</span>' in page
    assert referrals_in(_membership(net.b_worker), overdue=True).count() == 1
    services.referral_accept(referral=referral, actor=Actor.for_user(net.b_worker))
    referral.refresh_from_db()
    assert not is_overdue(referral)
    assert referrals_in(_membership(net.b_worker), overdue=True).count() == 0


def _membership(user: Any) -> Membership:
    return Membership.objects.get(user=user)


def test_reshare_refreshes_the_snapshot(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net, shared_sections=[SharedSection.CONTACT])
    person = net.person
    person_services.person_update(
        person=person,
        expected_version=person.version,
        baseline=PERSON_EDITS.fingerprints(person),
        actor=Actor.for_user(net.a_worker),
        phone="0987 654 321",
    )
    assert "0912 345 678" in referral.snapshot
    referral = services.referral_reshare(referral=referral, actor=Actor.for_user(net.a_worker))
    assert "0987 654 321" in referral.snapshot


def test_cancel_removes_the_snapshot(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net)
    services.referral_cancel(referral=referral, actor=Actor.for_user(net.a_worker))
    page = net.client(net.b_worker).get(detail_url(net.b.slug, referral)).content.decode()
    assert "Nguyễn Thị Hoa" not in page


# --- Transfer -------------------------------------------------------------------------------------


def test_transfer_moves_ownership(net: Network) -> None:
    consent_to_share(net.person, net.b)
    consent_to_share(net.person, net.c)
    send(net, to_organisation=net.c)
    CaseRestriction.objects.create(case=net.case, user=net.a_worker)
    Case.objects.filter(pk=net.case.pk).update(is_restricted=True)
    number = net.case.number
    referral = send(net, kind=ReferralKind.TRANSFER, shared_sections=[])
    assert set(referral.shared_sections) == set(SharedSection.values)
    # Until accepted, nothing moves.
    old_url = reverse("cases:case_detail", kwargs={"org": net.a.slug, "case_id": net.case.pk})
    assert net.client(net.a_worker).get(old_url).status_code == 200

    url = reverse("referrals:accept", kwargs={"org": net.b.slug, "referral_id": referral.pk})
    response = net.client(net.b_supervisor).post(url)
    case = Case.objects.get(pk=net.case.pk)
    assert response.status_code == 302
    assert case.organisation == net.b and case.number == number
    assert not case.is_restricted
    assert not CaseAssignment.objects.filter(case=case).exists()
    assert not CaseRestriction.objects.filter(case=case).exists()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    # The old organisation's case workers lose access; the new one sees it.
    assert net.client(net.a_worker).get(old_url).status_code == 404
    assert net.client(net.a_supervisor).get(old_url).status_code == 404
    new_url = reverse("cases:case_detail", kwargs={"org": net.b.slug, "case_id": case.pk})
    assert net.client(net.b_supervisor).get(new_url).status_code == 200
    # Audited on both sides.
    rows = AuditEntry.objects.filter(
        target_type="cases.case", target_id=str(case.pk), action=AuditAction.UPDATE
    )
    assert {row.organisation_id for row in rows if "transferred" in row.summary} == {net.a.pk}
    assert {row.organisation_id for row in rows if "received" in row.summary} == {net.b.pk}
    assert all("Nguyễn" not in row.summary for row in rows)
    # The new owner's case page lists the transfer, not the old owner's other referrals.
    page = net.client(net.b_supervisor).get(new_url).content.decode()
    assert net.a.name in page and net.c.name not in page


def test_a_transferred_person_is_hinted_to_the_new_owner_alone(net: Network) -> None:
    def hinted(user: Any, organisation: Any) -> list[Person]:
        # No exact key finds her (a letter and the year off): only the name tokens and the
        # duplicate matcher's keys, which move with the person.
        membership = Membership.objects.get(user=user, organisation=organisation)
        found = possible_duplicates(
            membership, full_name="Nguyen Thi Hao", date_of_birth=datetime.date(1997, 4, 12)
        )
        return [match.person for match in found.visible]

    assert hinted(net.a_supervisor, net.a) == [net.person]
    assert hinted(net.b_supervisor, net.b) == []
    consent_to_share(net.person, net.b)
    referral = send(net, kind=ReferralKind.TRANSFER, shared_sections=[])
    services.referral_accept(referral=referral, actor=Actor.for_user(net.b_supervisor))
    assert hinted(net.b_supervisor, net.b) == [net.person]
    assert hinted(net.a_supervisor, net.a) == []
    tokens = PersonNameToken.objects.filter(person=net.person)
    assert set(tokens.values_list("organisation", flat=True)) == {net.b.pk}


def test_transfer_needs_consent(net: Network) -> None:
    with pytest.raises(ValidationError):
        send(net, kind=ReferralKind.TRANSFER)
    consent = consent_to_share(net.person, net.b)
    referral = send(net, kind=ReferralKind.TRANSFER)
    person_services.consent_withdraw(consent=consent, actor=Actor.for_user(net.a_worker))
    with pytest.raises(ValidationError):
        services.referral_accept(referral=referral, actor=Actor.for_user(net.b_supervisor))
    assert Case.objects.get(pk=net.case.pk).organisation == net.a


# --- Audit and pages ------------------------------------------------------------------------------


def test_sending_and_every_receiver_view_are_audited(net: Network) -> None:
    consent_to_share(net.person, net.b)
    referral = send(net)
    disclosed = AuditEntry.objects.get(action=AuditAction.DISCLOSE, target_id=str(referral.pk))
    assert disclosed.organisation_id == net.a.pk
    assert disclosed.target_type == "referrals.referral"
    assert f"case {net.case.pk}" in disclosed.summary
    client = net.client(net.b_worker)
    for _ in range(2):
        client.get(detail_url(net.b.slug, referral))
    views = AuditEntry.objects.filter(
        action=AuditAction.VIEW, target_type="referrals.referral", organisation=net.b
    )
    assert views.count() == 2
    assert all(row.actor_id == net.b_worker.pk for row in views)


def test_case_page_shows_the_referral_history(net: Network) -> None:
    consent_to_share(net.person, net.b)
    send(net)
    url = reverse("cases:case_detail", kwargs={"org": net.a.slug, "case_id": net.case.pk})
    page = net.client(net.a_worker).get(url).content.decode()
    assert net.b.name in page
    assert reverse("referrals:send", kwargs={"org": net.a.slug, "case_id": net.case.pk}) in page


def test_send_page_posts_a_referral(net: Network) -> None:
    consent_to_share(net.person, net.b)
    client = net.client(net.a_worker)
    url = reverse("referrals:send", kwargs={"org": net.a.slug, "case_id": net.case.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "referral",
            "to_organisation": net.b.pk,
            "domain": "legal",
            "shared_sections": ["identity", "case"],
            "message": "Hỗ trợ pháp lý",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.shared_sections == ["identity", "case"]
    assert referral.domain == "legal" and referral.message == "Hỗ trợ pháp lý"


def test_a_referral_form_sent_twice_sends_one_referral(net: Network) -> None:
    """A double click or a retry sends the same form again: one referral, one disclosure."""
    consent_to_share(net.person, net.b)
    client = net.client(net.a_worker)
    url = reverse("referrals:send", kwargs={"org": net.a.slug, "case_id": net.case.pk})
    key = client.get(url).context["form"]["idempotency_key"].value()
    assert key
    form = {
        "kind": "referral",
        "to_organisation": net.b.pk,
        "domain": "legal",
        "shared_sections": ["identity"],
        "idempotency_key": key,
    }
    first, second = client.post(url, form), client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    referral = Referral.objects.get()
    assert (
        AuditEntry.objects.filter(
            target_type="referrals.referral", target_id=str(referral.pk), event="referral.sent"
        ).count()
        == 1
    )
    # A new form is a new referral.
    form["idempotency_key"] = client.get(url).context["form"]["idempotency_key"].value()
    assert client.post(url, form).status_code == 302
    assert Referral.objects.count() == 2


@pytest.mark.parametrize("incoming", [True, False])
def test_list_query_count_is_fixed(net: Network, incoming: bool) -> None:
    consent_to_share(net.person, net.b)
    name = "referrals:incoming" if incoming else "referrals:outgoing"
    user = net.b_worker if incoming else net.a_worker
    org = net.b if incoming else net.a
    client = net.client(user)
    url = reverse(name, kwargs={"org": org.slug})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    send(net)
    count()  # the first request of a session does some bookkeeping of its own
    one = count()
    for _ in range(4):
        send(net)
    assert count() == one


def test_referral_to_a_provider_goes_to_its_organisation(net: Network) -> None:
    from donghanh.directory.models import Provider

    provider = Provider.objects.create(
        name="Phòng khám Hy Vọng", kind=Provider.Kind.values[0], organisation=net.c
    )
    consent_to_share(net.person, net.b)
    with pytest.raises(ValidationError) as error:
        send(net, to_organisation=None, to_provider=provider)
    assert error.value.code == "no_consent"
    consent_to_share(net.person, net.c)
    referral = send(net, to_organisation=None, to_provider=provider)
    assert referral.to_organisation == net.c and referral.to_provider == provider
    page = net.client(net.c_supervisor).get(detail_url(net.c.slug, referral)).content.decode()
    assert "Phòng khám Hy Vọng" in page and "Nguyễn Thị Hoa" in page


def test_key_rotation_covers_the_encrypted_referral_fields() -> None:
    from donghanh.core.crypto import encrypted_fields, models_with_encrypted_fields

    assert Referral in list(models_with_encrypted_fields())
    names = {field.name for field in encrypted_fields(Referral)}
    assert {"message", "snapshot", "decline_reason", "feedback"} <= names


def test_case_page_section_costs_one_query_whatever_the_number_of_referrals(
    net: Network,
) -> None:
    consent_to_share(net.person, net.b)
    client = net.client(net.a_worker)
    url = reverse("cases:case_detail", kwargs={"org": net.a.slug, "case_id": net.case.pk})
    client.get(url)

    def referral_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        ours = [q for q in queries.captured_queries if "referrals_referral" in q["sql"]]
        return len(ours), len(queries)

    send(net)
    one = referral_queries()
    for _ in range(4):
        send(net)
    assert referral_queries() == one
    assert one[0] == 1


# --- Closing the case -----------------------------------------------------------------------------


def _request_closure(net: Network) -> Case:
    from donghanh.cases import services as case_services
    from donghanh.cases.models import ClosureReason, ReintegrationOutcome

    return case_services.case_closure_request(
        case=net.case,
        reason=ClosureReason.GOALS_ACHIEVED,
        reintegration_outcome=ReintegrationOutcome.WITH_FAMILY,
        actor=Actor.for_user(net.a_worker),
    )


def test_a_case_with_an_open_referral_does_not_close(net: Network) -> None:
    from donghanh.cases import services as case_services
    from donghanh.cases.models import CaseStatus

    consent_to_share(net.person, net.b)
    referral = send(net)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        _request_closure(net)
    assert refused.value.messages == [
        "Chưa thể đóng hồ sơ. Cần hoàn tất trước các việc còn dở:",
        f"Giới thiệu đến {net.b.name} vẫn đang mở: hãy huỷ nếu chưa được trả lời, hoặc đề nghị "
        "bên nhận hoàn tất hay từ chối.",
    ]
    # Accepted but not completed: still open.
    services.referral_accept(referral=referral, actor=Actor.for_user(net.b_worker))
    with pytest.raises(ValidationError):
        _request_closure(net)
    services.referral_complete(
        referral=referral, feedback="Đã hỗ trợ xong", actor=Actor.for_user(net.b_worker)
    )
    case = _request_closure(net)
    # Sent while the closure waits for a decision: the approval is refused until it is done.
    send(net)
    with pytest.raises(ValidationError, match="Giới thiệu đến"):
        case_services.case_closure_decide(
            case=case, approve=True, actor=Actor.for_user(net.a_supervisor)
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_REQUESTED


def test_the_receiver_sees_the_case_type_the_identification_decided(net: Network) -> None:
    # Issue 11, item 6: once identification concludes, the case is no longer "undergoing
    # identification", and a snapshot shared after that says so.
    from donghanh.cases.models import CaseType
    from donghanh.cases.tests.conftest import identify

    consent_to_share(net.person, net.b)
    case = make_case(net.person, net.a_worker, case_type=CaseType.UNDERGOING_IDENTIFICATION)
    referral = send(net, case=case, shared_sections=[SharedSection.CASE])
    assert '"undergoing_identification"' in referral.snapshot
    identify(case, datetime.date(2026, 4, 1))
    referral = services.referral_reshare(referral=referral, actor=Actor.for_user(net.a_worker))
    assert '["case_type", "trafficking_victim"]' in referral.snapshot
    assert "undergoing_identification" not in referral.snapshot
    page = net.client(net.b_worker).get(detail_url(net.b.slug, referral)).content.decode()
    assert "Trafficking victim" in page and "Person undergoing identification" not in page
