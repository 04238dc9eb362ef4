"""Registering someone another organisation holds: the registrant learns nothing, the holder's
supervisors get a notice without the registrant's details (issue: the duplicate check was an
existence oracle)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.idempotency import new_key
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.models import DuplicateNotice, Person
from donghanh.people.selectors import matches_kept_from
from donghanh.people.tests.conftest import make_person
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory

HELD_NAME = "Hoàng Văn Sáu"
HELD_ID = "038090001122"
SYSTEM = Actor.system(services.DUPLICATE_CHECK_ACTOR)


def _form(**overrides):
    data = {
        "full_name": "Lê Văn Bảy",
        "other_names": "",
        "sex": "male",
        "date_of_birth": "",
        "estimated_age": "30",
        "ethnicity": "kinh",
        "nationality": "VN",
        "id_number": "",
        "phone": "",
        "current_address": "",
        "current_commune": "",
        "area_type": "",
        "pre_2025_address": "",
    }
    data.update(overrides)
    return data


def _held(staff, **details):
    """The other organisation's person (B's), whom A's member is about to register again."""
    values = {
        "full_name": HELD_NAME,
        "sex": "male",
        "date_of_birth": datetime.date(1990, 1, 1),
        "id_number": HELD_ID,
        "phone": "0977 000 111",
    }
    values.update(details)
    return make_person(staff.other_organisation, **values)


def _register_url(staff):
    return reverse("people:person_register", kwargs={"org": staff.organisation.slug})


def _queue_url(organisation):
    return reverse("people:duplicate_notices", kwargs={"org": organisation.slug})


def _dismiss_url(organisation, notice):
    return reverse(
        "people:duplicate_notice_dismiss",
        kwargs={"org": organisation.slug, "notice_id": notice.pk},
    )


_VARYING = re.compile(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"')


def _page(response) -> str:
    return _VARYING.sub(r'\1=""', response.content.decode())


def test_a_match_elsewhere_registers_as_if_there_were_none(staff):
    """Before: the page stopped with "a possible match exists … in another organisation"."""
    worker = staff.client(Role.CASE_WORKER)
    alone = worker.post(_register_url(staff), _form(full_name="Đỗ Văn Tám", id_number="001"))
    _held(staff)
    matched = worker.post(_register_url(staff), _form(id_number="038 090 001 122"))
    assert alone.status_code == matched.status_code == 302
    registered = Person.objects.filter(organisation=staff.organisation).order_by("pk")
    assert [alone["Location"], matched["Location"]] == [
        reverse(
            "people:person_detail",
            kwargs={"org": staff.organisation.slug, "person_id": person.pk},
        )
        for person in registered
    ]
    assert sorted(alone.headers) == sorted(matched.headers)


def test_the_hint_page_is_the_same_whether_or_not_a_match_exists_elsewhere(staff):
    """With a record of the member's own organisation to show, the page is the same byte for
    byte (but the form's token) and runs as many queries, whether or not B holds a match."""
    worker = staff.client(Role.CASE_WORKER)
    make_person(staff.organisation, staff.users[Role.CASE_WORKER], phone="0912 000 001")
    form = _form(phone="0912000001", idempotency_key=new_key())

    def register():
        with CaptureQueriesContext(connection) as queries:
            response = worker.post(_register_url(staff), form, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 200
        return _page(response), len(queries)

    register()  # caches warmed
    without_page, without_queries = register()
    _held(staff, phone="0912 000 001")
    with_page, with_queries = register()
    assert "Người này có thể đã được đăng ký" in with_page
    assert with_page == without_page
    assert with_queries == without_queries
    assert not DuplicateNotice.objects.exists()  # nobody registered yet


def test_the_holders_supervisor_sees_a_notice_without_the_registrants_details(staff):
    held = _held(staff)
    worker = staff.client(Role.CASE_WORKER)
    worker.post(
        _register_url(staff),
        _form(
            id_number="038 090 001 122",
            phone="0966 555 444",
            current_address="Thôn Tây, xã Cẩm Xuyên",
        ),
    )
    notice = DuplicateNotice.objects.get()
    assert notice.organisation == staff.other_organisation
    assert notice.person == held
    assert notice.bases == ["id_number"]
    assert notice.registered_on == timezone.localdate()

    response = signed_in_client(staff.outsider).get(
        _queue_url(staff.other_organisation), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert HELD_NAME in body
    assert "trùng số giấy tờ" in body
    registrant = staff.users[Role.CASE_WORKER]
    for secret in (
        "Lê Văn Bảy",
        "Bảy",
        "0966",
        "Cẩm Xuyên",
        staff.organisation.name,
        staff.organisation.slug,
        registrant.username,
        registrant.full_name,
    ):
        assert secret not in body
    # The read is audited in B's log; the notice's creation is the system's act in B's log.
    read = AuditEntry.objects.get(event="duplicate_notice.listed")
    assert (read.organisation, read.actor, read.details["shown"]) == (
        staff.other_organisation,
        staff.outsider,
        1,
    )
    created = AuditEntry.objects.get(event="duplicate_notice.created")
    assert created.organisation == staff.other_organisation
    assert created.actor is None
    assert created.actor_username == "duplicate check"
    assert created.target_id == str(notice.pk)
    assert created.details == {"person": held.pk, "bases": ["id_number"]}
    assert not AuditEntry.objects.filter(
        event__startswith="duplicate_notice.", organisation=staff.organisation
    ).exists()


def test_the_same_pair_gives_one_notice(staff):
    _held(staff)
    worker = staff.client(Role.CASE_WORKER)
    for _ in range(2):
        response = worker.post(
            _register_url(staff),
            {**_form(id_number=HELD_ID), "confirm": "different-person"},
        )
        assert response.status_code == 302
    assert Person.objects.filter(organisation=staff.organisation).count() == 2
    assert DuplicateNotice.objects.count() == 1
    assert AuditEntry.objects.filter(event="duplicate_notice.created").count() == 1


def test_only_the_holders_supervisors_and_administrators_see_the_queue(staff):
    _held(staff)
    staff.client(Role.CASE_WORKER).post(_register_url(staff), _form(id_number=HELD_ID))
    notice = DuplicateNotice.objects.get()
    holder = staff.other_organisation
    admin = MembershipFactory(organisation=holder, role=Role.ORG_ADMIN).user
    assert signed_in_client(admin).get(_queue_url(holder)).status_code == 200
    for role in (Role.CASE_WORKER, Role.COLLABORATOR, Role.PROGRAMME_OFFICER):
        member = MembershipFactory(organisation=holder, role=role).user
        assert signed_in_client(member).get(_queue_url(holder)).status_code == 403
        assert signed_in_client(member).post(_dismiss_url(holder, notice)).status_code == 403
    # A's members: B's queue does not exist for them, and A's own queue is empty.
    a_supervisor = staff.client(Role.SUPERVISOR)
    assert a_supervisor.get(_queue_url(holder)).status_code == 404
    assert a_supervisor.post(_dismiss_url(holder, notice)).status_code == 404
    assert a_supervisor.post(_dismiss_url(staff.organisation, notice)).status_code == 404
    own = a_supervisor.get(_queue_url(staff.organisation))
    assert own.status_code == 200
    assert list(own.context["page"]) == []
    notice.refresh_from_db()
    assert notice.dismissed_at is None


def test_dismissing_a_notice_is_audited_once(staff):
    _held(staff)
    staff.client(Role.CASE_WORKER).post(_register_url(staff), _form(id_number=HELD_ID))
    notice = DuplicateNotice.objects.get()
    client = signed_in_client(staff.outsider)
    holder = staff.other_organisation
    for _ in range(2):
        response = client.post(_dismiss_url(holder, notice))
        assert response.status_code == 302
        assert response["Location"] == _queue_url(holder)
    notice.refresh_from_db()
    assert notice.dismissed_at is not None
    assert notice.dismissed_by == staff.outsider
    entry = AuditEntry.objects.get(event="duplicate_notice.dismissed")
    assert (entry.organisation, entry.actor, entry.action) == (
        holder,
        staff.outsider,
        AuditAction.UPDATE,
    )
    assert list(client.get(_queue_url(holder)).context["page"]) == []
    assert client.get(_dismiss_url(holder, notice)).status_code == 405


def test_the_hint_within_the_organisation_is_audited(staff):
    """The hint shows names of the member's own organisation: a read of identities."""
    own = make_person(staff.organisation, staff.users[Role.CASE_WORKER], id_number="001")
    worker = staff.client(Role.CASE_WORKER)
    response = worker.post(_register_url(staff), _form(id_number="001"))
    assert response.status_code == 200
    assert [m.person for m in response.context["duplicates"].visible] == [own]
    entry = AuditEntry.objects.get(event="person.duplicates_shown")
    assert (entry.organisation, entry.actor, entry.action, entry.details) == (
        staff.organisation,
        staff.users[Role.CASE_WORKER],
        AuditAction.VIEW,
        {"shown": 1},
    )
    assert "001" not in str(entry.details) + entry.summary
    # No hint, no row: a registration that goes through is audited as a registration.
    worker.post(_register_url(staff), _form(full_name="Đỗ Văn Tám", id_number="002"))
    assert AuditEntry.objects.filter(event="person.duplicates_shown").count() == 1


def test_matches_elsewhere_by_every_basis_and_never_the_own_organisation(staff):
    b_person = _held(staff, full_name="Nguyễn Thị Hoa", date_of_birth=datetime.date(1998, 4, 12))
    own = make_person(staff.organisation, id_number=HELD_ID)
    new = make_person(
        staff.organisation,
        full_name="nguyen thi hoa",
        date_of_birth=datetime.date(1998, 4, 12),
        id_number=HELD_ID,
        phone="+84977000111",
    )
    supervisor = Membership.objects.get(user=staff.users[Role.SUPERVISOR])
    found = matches_kept_from(supervisor, new)
    assert [(m.person.pk, sorted(m.reasons)) for m in found] == [
        (b_person.pk, ["id_number", "name_and_birth_date", "phone"])
    ]
    assert own.pk not in [m.person.pk for m in found]  # the supervisor may open it
    notices = services.duplicate_notices_create(actor=SYSTEM, membership=supervisor, person=new)
    assert [n.bases for n in notices] == [["id_number", "name_and_birth_date", "phone"]]
    assert services.duplicate_notices_create(actor=SYSTEM, membership=supervisor, person=new) == []


def test_a_record_of_the_own_organisation_kept_from_the_registrant_gives_a_notice_there(staff):
    """A case worker sees the people of their cases: a colleague's person is not hinted (nor
    told), and the organisation's supervisors get the notice, marked as their own."""
    kept = make_person(staff.organisation, staff.users[Role.SUPERVISOR], id_number=HELD_ID)
    worker = staff.client(Role.CASE_WORKER)
    response = worker.post(_register_url(staff), _form(id_number=HELD_ID))
    assert response.status_code == 302
    notice = DuplicateNotice.objects.get()
    assert (notice.organisation, notice.person, notice.registered_within) == (
        staff.organisation,
        kept,
        True,
    )
    page = staff.client(Role.SUPERVISOR).get(
        _queue_url(staff.organisation), HTTP_ACCEPT_LANGUAGE="vi"
    )
    assert "trong tổ chức của bạn" in page.content.decode()


def test_supervisors_home_leads_to_the_queue(staff):
    url = _queue_url(staff.organisation)
    home = reverse("workspace:home")
    assert url in staff.client(Role.SUPERVISOR).get(home).content.decode()
    assert url not in staff.client(Role.CASE_WORKER).get(home).content.decode()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ORG_ADMIN])
def test_the_queue_links_to_the_record_and_the_consent(staff, role):
    held = _held(staff)
    new = make_person(staff.organisation, id_number=HELD_ID)
    registrant = Membership.objects.get(user=staff.users[Role.CASE_WORKER])
    services.duplicate_notices_create(actor=SYSTEM, membership=registrant, person=new)
    member = MembershipFactory(organisation=staff.other_organisation, role=role).user
    body = signed_in_client(member).get(_queue_url(staff.other_organisation)).content.decode()
    org = staff.other_organisation.slug
    assert reverse("people:person_detail", kwargs={"org": org, "person_id": held.pk}) in body
    consent = reverse("people:consent_record", kwargs={"org": org, "person_id": held.pk})
    # Consents are recorded by those who edit cases: the supervisor, not the administrator.
    assert (consent in body) == (role == Role.SUPERVISOR)
