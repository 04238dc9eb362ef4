from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.organisations.events import OrganisationEvent
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
UserFactory: Any = factories.UserFactory

pytestmark = pytest.mark.django_db


class LogTestEvent(AuditEvent):
    """Rows of each kind the log's tests need; `n` tells rows apart."""

    SIGNED_IN = "test_log.signed_in", AuditAction.LOGIN, "%(n)s"
    SIGN_IN_FAILED = "test_log.sign_in_failed", AuditAction.LOGIN_FAILED, "Sign-in refused"
    SIGNED_OUT = "test_log.signed_out", AuditAction.LOGOUT, "Signed out"
    UPDATED = "test_log.updated", AuditAction.UPDATE, "Updated"
    VIEWED = "test_log.viewed", AuditAction.VIEW, "Viewed"


def log(event: LogTestEvent, user: Any = None, *, username: str = "", n: Any = "", **kw: Any):
    """One row by `user` (or, before sign-in, by `username`), in `organisation=` if given."""
    actor = Actor.for_user(user) if user is not None else Actor(name=username)
    return audit_record(event=event, actor=actor, details={"n": n}, **kw)


def url(org, **params) -> str:
    base = reverse("organisations:audit_log", kwargs={"org": org.slug})
    if params:
        base += "?" + urlencode(params)
    return base


def usernames_on(response) -> list[str]:
    return [entry.actor_username for entry in response.context["page"]]


def test_owner_sees_the_organisation_entries_and_members_sign_ins_only(trio, other_member):
    log(LogTestEvent.UPDATED, trio.owner, organisation=trio.organisation)
    log(LogTestEvent.SIGNED_IN, trio.colleague)
    log(LogTestEvent.SIGN_IN_FAILED, username=trio.colleague.username)
    # Not shown: another organisation's entries, strangers' sign-ins, a member's actions in
    # another organisation and members' events that are not about signing in.
    log(LogTestEvent.UPDATED, trio.outsider, organisation=trio.other_organisation)
    log(LogTestEvent.SIGNED_IN, other_member.user)
    log(LogTestEvent.SIGN_IN_FAILED, username="stranger")
    log(LogTestEvent.VIEWED, trio.colleague)

    response = trio.owner_client.get(url(trio.organisation))

    assert response.status_code == 200
    shown = {(e.action, e.actor_username) for e in response.context["page"]}
    assert shown == {
        (AuditAction.UPDATE, trio.owner.username),
        (AuditAction.LOGIN, trio.colleague.username),
        (AuditAction.LOGIN_FAILED, trio.colleague.username),
    }


def test_a_supervisor_may_read_the_log(trio):
    supervisor = MembershipFactory(organisation=trio.organisation, role=Role.SUPERVISOR).user
    assert signed_in_client(supervisor).get(url(trio.organisation)).status_code == 200


def test_colleague_gets_403(trio):
    assert trio.colleague_client.get(url(trio.organisation)).status_code == 403


def test_outsider_gets_404(trio):
    assert trio.outsider_client.get(url(trio.organisation)).status_code == 404


def test_wrong_method_gets_405(trio):
    assert trio.owner_client.post(url(trio.organisation)).status_code == 405


def test_columns_show_who_when_what_record_details_and_ip(trio):
    entry = audit_record(
        event=OrganisationEvent.ROLE_CHANGED,
        actor=Actor.for_user(trio.owner, organisation=trio.organisation),
        target=trio.organisation.memberships.get(user=trio.colleague),
        changed_fields=["role"],
        details={"old_role": "case_worker", "role": "supervisor"},
    )
    response = trio.owner_client.get(url(trio.organisation), REMOTE_ADDR="203.0.113.9")
    page = response.content.decode()
    assert trio.owner.username in page
    assert timezone.localtime(entry.at).strftime("%d/%m/%Y") in page
    assert "Cập nhật" in page  # the action, in Vietnamese
    assert "Tư cách thành viên #" in page  # the record type, translated
    # The event in Vietnamese, the roles by their Vietnamese names, never their codes.
    assert "Đổi vai trò: Cán bộ quản lý trường hợp → Cán bộ giám sát" in page
    assert "case_worker" not in page
    assert "Trường: vai trò" in page  # the changed field by its name, in Vietnamese


def test_filters_by_action_username_and_record_type(trio):
    log(LogTestEvent.SIGNED_IN, trio.owner)
    log(LogTestEvent.UPDATED, trio.owner, organisation=trio.organisation, target=trio.organisation)
    log(LogTestEvent.SIGNED_IN, trio.colleague)

    by_action = trio.owner_client.get(url(trio.organisation, action=AuditAction.LOGIN))
    assert {e.action for e in by_action.context["page"]} == {AuditAction.LOGIN}
    assert len(by_action.context["page"]) == 2

    by_user = trio.owner_client.get(url(trio.organisation, username=trio.colleague.username))
    assert usernames_on(by_user) == [trio.colleague.username]

    by_type = trio.owner_client.get(
        url(trio.organisation, record_type="organisations.organisation")
    )
    assert [e.action for e in by_type.context["page"]] == [AuditAction.UPDATE]


def test_filters_by_dates_in_vietnamese_format(trio):
    # The owner's sign-ins are shown from when they joined: before these days.
    trio.organisation.memberships.filter(user=trio.owner).update(
        joined_at=timezone.make_aware(datetime(2026, 1, 1))
    )
    # Late in the evening, Vietnam time: already the next day in UTC.
    for day in (1, 2, 3):
        at = timezone.make_aware(datetime(2026, 3, day, 23, 30))
        with mock.patch("django.utils.timezone.now", return_value=at):
            log(LogTestEvent.SIGNED_IN, trio.owner, n=f"day {day}")
    response = trio.owner_client.get(
        url(trio.organisation, date_from="02/03/2026", date_to="02/03/2026")
    )
    assert [e.summary for e in response.context["page"]] == ["day 2"]


def test_a_wrong_date_is_explained_and_the_other_filters_still_apply(trio):
    log(LogTestEvent.SIGNED_IN, trio.owner)
    log(LogTestEvent.SIGNED_OUT, trio.owner)
    response = trio.owner_client.get(
        url(trio.organisation, action=AuditAction.LOGOUT, date_from="31/02/2026"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "Nhập ngày theo dạng dd/mm/yyyy" in response.content.decode()
    assert [e.action for e in response.context["page"]] == [AuditAction.LOGOUT]


def test_an_end_date_before_the_start_is_explained(trio):
    response = trio.owner_client.get(
        url(trio.organisation, date_from="05/03/2026", date_to="01/03/2026"),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in response.content.decode()


def test_pages_of_fifty_newest_first_keeping_the_filters(trio):
    for n in range(120):
        log(LogTestEvent.SIGNED_IN, trio.owner, n=f"n{n:03d}")
    first = trio.owner_client.get(url(trio.organisation, action=AuditAction.LOGIN))
    page = first.context["page"]
    assert len(page) == 50 and page.paginator.num_pages == 3
    assert page[0].summary == "n119" and page[49].summary == "n070"
    assert "?action=login&amp;page=2" in first.content.decode()

    last = trio.owner_client.get(url(trio.organisation, action=AuditAction.LOGIN, page=3))
    assert [e.summary for e in last.context["page"]][-1] == "n000"
    # A page number out of range shows the last page rather than an error.
    beyond = trio.owner_client.get(url(trio.organisation, page=99))
    assert beyond.context["page"].number == 3


def test_query_count_is_fixed_with_many_rows(trio, django_assert_max_num_queries):
    members = [MembershipFactory(organisation=trio.organisation).user for _ in range(10)]
    for n in range(300):
        actor = members[n % len(members)]
        log(LogTestEvent.SIGNED_IN, actor)
        log(
            LogTestEvent.UPDATED,
            actor,
            organisation=trio.organisation,
            target=trio.organisation,
            changed_fields=["name"],
        )
    log(LogTestEvent.SIGN_IN_FAILED, username=UserFactory().username)
    trio.owner_client.get(url(trio.organisation))  # warm the session
    # Session, user, device, membership, record types, count, page, saving the session (3):
    # 10 today, however many rows there are.
    with django_assert_max_num_queries(12):
        response = trio.owner_client.get(url(trio.organisation, page=2))
    assert len(response.context["page"]) == 50


# Searching by case number (issue 11, item 10) ------------------------------------------------


def test_the_log_finds_a_cases_rows_by_its_number_within_the_organisation_only(trio):
    from donghanh.cases.models import CaseType
    from donghanh.cases.tests.conftest import make_case, make_person

    ours = make_case(make_person(trio.organisation), trio.owner)
    other = make_case(make_person(trio.organisation), trio.owner)
    theirs = make_case(make_person(trio.other_organisation), trio.outsider)
    # A row about our case's work (its details name the case) and one about the other case.
    log(LogTestEvent.UPDATED, trio.owner, organisation=trio.organisation, target=ours)
    audit_record(
        event=LogTestEvent.VIEWED,
        actor=Actor.for_user(trio.owner),
        organisation=trio.organisation,
        details={"case": ours.pk},
    )
    log(LogTestEvent.UPDATED, trio.owner, organisation=trio.organisation, target=other)
    assert ours.case_type == CaseType.TRAFFICKING_VICTIM

    found = trio.owner_client.get(url(trio.organisation, case_number=ours.number.lower()))
    entries = list(found.context["page"])
    assert entries and all(
        (entry.target_type == "cases.case" and entry.target_id == str(ours.pk))
        or entry.details.get("case") == ours.pk
        for entry in entries
    )
    assert len(entries) == 3  # opened, and the two rows above
    assert 'name="case_number"' in found.content.decode()

    # Another organisation's case number: nothing, and the same answer as a number nobody has.
    if theirs.number == ours.number:  # the same prefix and year: make it someone else's only
        theirs.number = theirs.number.replace("-0001", "-0999")
        theirs.save(update_fields=["number"])
    elsewhere = trio.owner_client.get(url(trio.organisation, case_number=theirs.number))
    nobody = trio.owner_client.get(url(trio.organisation, case_number="XX-2026-9999"))
    assert list(elsewhere.context["page"]) == [] == list(nobody.context["page"])
    assert elsewhere.context["no_such_case"] and nobody.context["no_such_case"]
    assert str(theirs.pk) not in elsewhere.content.decode().split("<tbody>")[1]
