"""The savings group pages: what they show, what they save, and the meeting-day page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.livelihood.savings import services
from donghanh.livelihood.savings.lines import LoanRequest, MeetingLine, member_field
from donghanh.livelihood.savings.models import (
    Cycle,
    GroupMember,
    LedgerEntry,
    Loan,
    Meeting,
    SavingsGroup,
)
from donghanh.organisations.roles import Role

from .conftest import Staff, add_members, meeting, open_cycle, reloaded, system

pytestmark = pytest.mark.django_db


def url(name: str, group: SavingsGroup, **kwargs: Any) -> str:
    return reverse(
        f"livelihood:{name}",
        kwargs={"org": group.organisation.slug, "group_id": group.pk, **kwargs},
    )


@pytest.fixture
def running(group: SavingsGroup) -> tuple[Cycle, list[GroupMember]]:
    members = add_members(group, "Lê Thị An", "Phạm Thị Bình", "Hoàng Thị Cúc")
    cycle = open_cycle(group, planned_end_on=timezone.localdate() + datetime.timedelta(days=200))
    meeting(
        cycle,
        datetime.date(2026, 2, 2),
        MeetingLine(member_id=members[0].pk, attendance="present", shares=5, social=True),
        MeetingLine(
            member_id=members[1].pk,
            attendance="present",
            shares=3,
            social=True,
            loan=LoanRequest(amount=60_000, months=2, purpose="livestock"),
        ),
        MeetingLine(member_id=members[2].pk, attendance="absent"),
    )
    return cycle, members


def test_every_page_opens_for_a_case_worker(staff: Staff, group, running):
    cycle, members = running
    client = staff.client(Role.CASE_WORKER)
    recorded = Meeting.objects.get()
    pages = [
        reverse("livelihood:groups", kwargs={"org": group.organisation.slug}),
        reverse("livelihood:group_create", kwargs={"org": group.organisation.slug}),
        url("group", group),
        url("group_edit", group),
        url("member_add", group),
        url("member", group, member_id=members[1].pk),
        url("cycle", group, cycle_id=cycle.pk),
        url("constitution", group, cycle_id=cycle.pk),
        url("committee", group, cycle_id=cycle.pk),
        url("meeting_new", group, cycle_id=cycle.pk),
        url("meeting", group, cycle_id=cycle.pk, meeting_id=recorded.pk),
        url("ledger", group, cycle_id=cycle.pk),
        url("share_out", group, cycle_id=cycle.pk),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert (
            response["Cache-Control"].startswith("max-age=0")
            or "no-store" in response["Cache-Control"]
        )


def test_the_group_page_shows_the_box_and_the_members_and_is_audited(staff, group, running):
    response = staff.client(Role.CASE_WORKER).get(url("group", group))
    text = response.content.decode()
    # 80.000 saved + 6.000 social fund... An 50.000, Bình 30.000, lent 60.000: 20.000 + 4.000.
    assert "24.000\u00a0₫" in text
    assert "Phạm Thị Bình" in text
    assert AuditEntry.objects.filter(event="savings_group.viewed", target_id=str(group.pk)).exists()


def test_the_ledger_page_shows_every_entry_with_running_balances(staff, group, running):
    cycle, _members = running
    response = staff.client(Role.PROGRAMME_OFFICER).get(url("ledger", group, cycle_id=cycle.pk))
    book = response.context["book"]
    assert book.reconciles
    assert [row.loan_fund for row in book.rows] == [0, 0, 50_000, 80_000, 20_000]
    assert [row.social_fund for row in book.rows] == [2_000, 4_000, 4_000, 4_000, 4_000]
    assert AuditEntry.objects.filter(event="savings_group.ledger_viewed").count() == 1


def _meeting_post(form: Any, **values: Any) -> dict[str, Any]:
    """The meeting form as a browser sends it, with `values` changed."""
    data = {}
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if initial is None or initial is False:
            continue
        data[name] = initial.isoformat() if isinstance(initial, datetime.date) else initial
    data.update(values)
    return {key: value for key, value in data.items() if value is not None}


def test_a_whole_meeting_recorded_in_one_pass(staff, group, running):
    cycle, (an, binh, cuc) = running
    client = staff.client(Role.COLLABORATOR)
    page = client.get(url("meeting_new", group, cycle_id=cycle.pk))
    form = page.context["form"]
    data = _meeting_post(
        form,
        **{
            "held_on": "2026-03-02",
            member_field(an.pk, "shares"): "5",
            member_field(an.pk, "social"): "on",
            member_field(binh.pk, "shares"): "3",
            member_field(binh.pk, "social"): "on",
            member_field(binh.pk, "repayment"): "36000",
            member_field(cuc.pk, "attendance"): "late",
            member_field(cuc.pk, "shares"): "2",
            member_field(cuc.pk, "social"): "on",
            member_field(cuc.pk, "fine_reason"): "late",
            member_field(cuc.pk, "loan_amount"): "30000",
            member_field(cuc.pk, "loan_months"): "1",
            member_field(cuc.pk, "loan_purpose"): "small_trade",
            "cash_counted": "137000",
        },
    )
    response = client.post(url("meeting_new", group, cycle_id=cycle.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    second = Meeting.objects.get(number=2)
    assert response["Location"] == url("meeting", group, cycle_id=cycle.pk, meeting_id=second.pk)
    # 20.000 + 100.000 shares + 36.000 repaid + 1.000 fine − 30.000 lent = 127.000;
    # social fund 4.000 + 6.000.
    assert (reloaded(group).loan_fund_cash, reloaded(group).social_fund_cash) == (127_000, 10_000)
    assert Loan.objects.get(member=cuc).principal == 30_000
    # Sent again (a double tap, a retry): the same meeting, nothing added.
    again = client.post(url("meeting_new", group, cycle_id=cycle.pk), data)
    assert again.status_code == 302
    assert Meeting.objects.count() == 2


def test_a_refused_meeting_shows_each_problem_beside_the_member(staff, group, running):
    cycle, (an, binh, cuc) = running
    client = staff.client(Role.CASE_WORKER)
    form = client.get(url("meeting_new", group, cycle_id=cycle.pk)).context["form"]
    data = _meeting_post(
        form,
        **{
            "held_on": "2026-03-02",
            member_field(an.pk, "shares"): "5",
            member_field(binh.pk, "shares"): "3",
            member_field(binh.pk, "repayment"): "99000",  # she owes 72.000
            member_field(cuc.pk, "attendance"): "absent",
            member_field(cuc.pk, "shares"): "2",
        },
    )
    response = client.post(url("meeting_new", group, cycle_id=cycle.pk), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {member_field(binh.pk, "repayment"), member_field(cuc.pk, "attendance")}
    text = response.content.decode()
    assert 'href="#member-2"' in text and 'href="#member-3"' in text
    assert Meeting.objects.count() == 1


def test_a_meeting_page_left_open_while_another_meeting_is_saved_asks_for_a_look(
    staff, group, running
):
    cycle, (an, binh, cuc) = running
    client = staff.client(Role.CASE_WORKER)
    form = client.get(url("meeting_new", group, cycle_id=cycle.pk)).context["form"]
    stale = _meeting_post(
        form,
        **{
            "held_on": "2026-03-09",
            member_field(an.pk, "shares"): "1",
            member_field(binh.pk, "shares"): "1",
            member_field(cuc.pk, "shares"): "1",
        },
    )
    meeting(
        cycle,
        datetime.date(2026, 3, 2),
        *[MeetingLine(member_id=m.pk, attendance="present", shares=1) for m in (an, binh, cuc)],
    )
    response = client.post(url("meeting_new", group, cycle_id=cycle.pk), stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Meeting.objects.count() == 2
    # The page now carries the current version: saving again goes through.
    fresh = response.context["form"].data.copy()
    response = client.post(url("meeting_new", group, cycle_id=cycle.pk), fresh)
    assert response.status_code == 302
    assert Meeting.objects.count() == 3


def test_a_member_edit_after_someone_elses_shows_their_change(staff, group):
    (member,) = add_members(group, "Lê Thị An")
    client = staff.client(Role.CASE_WORKER)
    form = client.get(url("member", group, member_id=member.pk)).context["form"]
    services.member_update(
        actor=system(),
        member=member,
        expected_version=1,
        baseline=services.MEMBER_EDITS.fingerprints(member),
        phone="0912 000 111",
    )
    response = client.post(
        url("member", group, member_id=member.pk),
        {
            "full_name": "Lê Thị Ân",
            "phone": "",
            "joined_on": "2025-12-01",
            "version": form.initial["version"],
            "baseline": form.initial["baseline"],
        },
    )
    assert response.status_code == 200
    assert [row.label for row in response.context["conflict_rows"]] == ["Số điện thoại"]
    member.refresh_from_db()
    assert (member.full_name, member.phone) == ("Lê Thị An", "0912 000 111")
    merged = response.context["form"]
    assert merged.data["phone"] == "0912 000 111"  # theirs, since this user did not change it
    assert merged.data["full_name"] == "Lê Thị Ân"  # hers


def test_a_new_group_and_member_sent_twice_are_created_once(staff):
    client = staff.client(Role.SUPERVISOR)
    create = reverse("livelihood:group_create", kwargs={"org": staff.organisation.slug})
    key = client.get(create).context["form"]["idempotency_key"].value()
    data = {"name": "Tổ Hà Thôn", "formed_on": "2026-01-10", "idempotency_key": key}
    assert client.post(create, data).status_code == 302
    assert client.post(create, data).status_code == 302
    group = SavingsGroup.objects.get()
    add = url("member_add", group)
    key = client.get(add).context["form"]["idempotency_key"].value()
    data = {"full_name": "Lê Thị An", "joined_on": "2026-01-10", "idempotency_key": key}
    client.post(add, data)
    client.post(add, data)
    assert GroupMember.objects.count() == 1


def test_the_share_out_page_pays_each_member_her_part(staff, group, running):
    cycle, (an, binh, cuc) = running
    meeting(
        cycle,
        datetime.date(2026, 3, 2),
        MeetingLine(member_id=an.pk, attendance="present", shares=1),
        MeetingLine(member_id=binh.pk, attendance="present", shares=1, repayment=72_000),
        MeetingLine(member_id=cuc.pk, attendance="present", shares=1),
    )
    client = staff.client(Role.CASE_WORKER)
    page = client.get(url("share_out", group, cycle_id=cycle.pk))
    # 122.000 over 11 shares (An 6, Bình 4, Cúc 1): 66.545,45…, 44.363,63…, 11.090,90…
    assert [payout for _m, _s, payout in page.context["rows"]] == [66_545, 44_363, 11_090]
    response = client.post(
        url("share_out", group, cycle_id=cycle.pk),
        {
            "held_on": "2026-03-20",
            "ledger_version": reloaded(group).ledger_version,
            "cash_counted": "4002",
        },
    )
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(kind="share_out").count() == 3
    assert reloaded(group).cash_at_hand == 4_002  # the social fund and two đồng of rounding


def test_a_members_case_link_shows_only_to_who_may_open_her_case(staff, group, worker):
    from donghanh.cases.tests.conftest import make_case
    from donghanh.people import services as people_services
    from donghanh.people.models import Consent
    from donghanh.people.tests.conftest import make_person

    person = make_person(staff.organisation, worker)
    case = make_case(person, worker)
    people_services.consent_record(
        person=person,
        purpose=Consent.Purpose.SAVINGS_GROUP,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=datetime.date(2026, 1, 10),
        actor=Actor.for_user(worker),
    )
    (member,) = add_members(group, "Nguyễn Thị Hoa")
    services.member_link_case(actor=system(), member=member, case=case)

    def shown(role: str) -> tuple[int, bool, bool]:
        response = staff.client(role).get(url("group", group))
        text = response.content.decode() if response.status_code == 200 else ""
        return response.status_code, "Nguyễn Thị Hoa" in text, case.number in text

    assert shown(Role.CASE_WORKER) == (200, True, True)  # her case worker
    assert shown(Role.SUPERVISOR) == (200, True, True)
    assert shown(Role.COLLABORATOR) == (200, True, False)  # a member like any other
    assert shown(Role.PROGRAMME_OFFICER) == (200, True, False)
    assert shown(Role.DONOR_VIEWER) == (403, False, False)
    assert shown(Role.CONTENT_EDITOR) == (403, False, False)
    assert shown("outsider") == (404, False, False)


def test_list_pages_make_a_fixed_number_of_queries(
    staff, group, running, django_assert_max_num_queries
):
    cycle, _members = running
    client = staff.client(Role.CASE_WORKER)
    client.get(url("group", group))  # the session and the language are set up once
    for index in range(6):
        other = services.group_create(
            actor=system(),
            organisation=staff.organisation,
            name=f"Tổ {index}",
            formed_on=datetime.date(2025, 12, 1),
        )
        add_members(other, "Lê Thị An", "Phạm Thị Bình")
    add_members(group, *[f"Thành viên {index}" for index in range(10)])
    pages = {
        reverse("livelihood:groups", kwargs={"org": staff.organisation.slug}): 8,
        url("group", group): 14,
        url("cycle", group, cycle_id=cycle.pk): 17,
        url("ledger", group, cycle_id=cycle.pk): 14,
        url("meeting_new", group, cycle_id=cycle.pk): 15,
    }
    for page, most in pages.items():
        with django_assert_max_num_queries(most):
            assert client.get(page).status_code == 200


def test_the_group_forms_offer_no_programme_that_has_ended(staff, group) -> None:
    # Issue 11, item 6: a programme past its end date is no longer offered to a new group;
    # a group already under it keeps it on its edit form.
    from donghanh.programmes.projects.models import Project

    today = timezone.localdate()
    ended = Project.objects.create(
        implementing_organisation=staff.organisation,
        code="ENDED",
        name="Dự án đã kết thúc",
        end_on=today - datetime.timedelta(days=1),
    )
    Project.objects.create(
        implementing_organisation=staff.organisation, code="RUNS", name="Dự án đang chạy"
    )
    client = staff.client(Role.CASE_WORKER)
    create = client.get(reverse("livelihood:group_create", kwargs={"org": group.organisation.slug}))
    offered = create.content.decode()
    assert "Dự án đang chạy" in offered and "Dự án đã kết thúc" not in offered
    group.project = ended
    group.save(update_fields=["project"])
    edit = client.get(url("group_edit", group)).content.decode()
    assert "Dự án đã kết thúc" in edit and "Dự án đang chạy" in edit


def test_a_members_details_show_only_to_who_may_see_the_group_and_every_read_is_audited(
    staff, group
):
    from donghanh.testing.clients import signed_in_client
    from donghanh.testing.factories import UserFactory

    member = services.member_add(
        actor=system(),
        group=group,
        full_name="Nguyễn Thị Hoa",
        phone="0912 345 678",
        joined_on=datetime.date(2026, 1, 5),
    )
    page = url("member", group, member_id=member.pk)

    def shown(client: Any) -> tuple[int, bool, bool]:
        response = client.get(page)
        text = response.content.decode() if response.status_code == 200 else ""
        return response.status_code, "Nguyễn Thị Hoa" in text, "0912 345 678" in text

    before = AuditEntry.objects.filter(event="savings_group.viewed").count()
    assert shown(staff.client(Role.CASE_WORKER)) == (200, True, True)  # in the edit form
    assert shown(staff.client(Role.PROGRAMME_OFFICER)) == (200, True, True)
    assert shown(staff.client(Role.COLLABORATOR)) == (200, True, True)
    assert shown(staff.client(Role.DONOR_VIEWER)) == (403, False, False)
    assert shown(staff.client(Role.CONTENT_EDITOR)) == (403, False, False)
    assert shown(staff.client("outsider")) == (404, False, False)  # another organisation
    # Someone of no organisation is told nothing either, not even that the group exists.
    assert shown(signed_in_client(UserFactory())) == (404, False, False)
    # Each of the three reads wrote its audit row, naming the group by its id only.
    views = AuditEntry.objects.filter(event="savings_group.viewed").order_by("pk")[before:]
    assert len(views) == 3
    assert all(entry.details == {"members": 1} for entry in views)
    # Her name is never on the measures pages, which a donor viewer may open.
    measures = staff.client(Role.DONOR_VIEWER).get(
        reverse("livelihood:measures", kwargs={"org": group.organisation.slug})
    )
    assert measures.status_code == 200 and "Nguyễn Thị Hoa" not in measures.content.decode()
