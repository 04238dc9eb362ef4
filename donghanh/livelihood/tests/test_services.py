"""Groups, members, cycles and meetings through the services: what they refuse and record."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from donghanh.audit.models import AuditEntry
from donghanh.cases.tests.conftest import make_case
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.livelihood.savings import selectors, services
from donghanh.livelihood.savings.lines import GrantGiven, LoanRequest, MeetingLine, member_field
from donghanh.livelihood.savings.models import (
    CommitteeRole,
    GroupMember,
    LedgerEntry,
    Meeting,
    SavingsGroup,
)
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import services as people_services
from donghanh.people.models import Consent
from donghanh.people.tests.conftest import make_person

from .conftest import add_members, make_group, meeting, open_cycle, refused, reloaded, system

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 2, 2)


def present(member, shares=1, **kwargs):
    return MeetingLine(member_id=member.pk, attendance="present", shares=shares, **kwargs)


def test_a_group_sent_twice_is_created_once(staff):
    actor = Actor.for_user(staff.users[Role.CASE_WORKER])
    made = [
        services.group_create(
            actor=actor,
            organisation=staff.organisation,
            name="Tổ tiết kiệm thôn Đông",
            formed_on=DAY,
            idempotency_key="k" * 24,
        )
        for _ in range(2)
    ]
    assert made[0].pk == made[1].pk
    assert SavingsGroup.objects.count() == 1
    assert AuditEntry.objects.filter(event="savings_group.created").count() == 1


def test_a_group_name_is_unique_in_its_organisation(staff):
    make_group(staff.organisation, "Tổ A")
    with pytest.raises(ValidationError) as refusal:
        make_group(staff.organisation, "Tổ A")
    assert "name" in refusal.value.error_dict
    make_group(staff.other_organisation, "Tổ A")


def test_members_are_numbered_in_the_order_they_join_and_their_details_are_encrypted(group):
    first, second = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    assert (first.number, second.number) == (1, 2)
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM livelihood_groupmember WHERE id = %s", [first.pk])
        (stored,) = cursor.fetchone()
    # The stored text is the cipher's (ASCII), never her name: a bare "An" could turn up in
    # the random ciphertext by chance.
    assert "Lê Thị An" not in stored and stored.isascii()
    assert GroupMember.objects.get(pk=first.pk).full_name == "Lê Thị An"
    assert AuditEntry.objects.get(
        event="savings_member.added", target_id=str(first.pk)
    ).details == {"number": 1}


def test_one_cycle_runs_at_a_time(group):
    open_cycle(group)
    with refused("cycle_open"):
        open_cycle(group)


def test_the_constitution_holds_from_the_first_meeting(group):
    (an,) = add_members(group, "Lê Thị An")
    cycle = open_cycle(group)
    edits = services.CONSTITUTION_EDITS
    cycle = services.constitution_update(
        actor=system(),
        cycle=cycle,
        expected_version=cycle.version,
        baseline=edits.fingerprints(cycle),
        share_price=20_000,
    )
    assert cycle.share_price == 20_000
    meeting(cycle, DAY, present(an))
    with refused("constitution_fixed"):
        services.constitution_update(
            actor=system(),
            cycle=cycle,
            expected_version=cycle.version,
            baseline=edits.fingerprints(cycle),
            share_price=30_000,
        )


def test_a_stale_constitution_edit_names_what_the_other_person_changed(group):
    cycle = open_cycle(group)
    baseline = services.CONSTITUTION_EDITS.fingerprints(cycle)
    services.constitution_update(
        actor=system(), cycle=cycle, expected_version=1, baseline=baseline, share_price=20_000
    )
    with pytest.raises(StaleEditError) as conflict:
        services.constitution_update(
            actor=system(), cycle=cycle, expected_version=1, baseline=baseline, max_shares=4
        )
    assert conflict.value.changed_fields == ["share_price"]


def test_a_meeting_form_drawn_before_another_meeting_is_refused(group):
    (an,) = add_members(group, "Lê Thị An")
    cycle = open_cycle(group)
    drawn_at = reloaded(group).ledger_version
    meeting(cycle, DAY, present(an), expected_ledger_version=drawn_at)
    with pytest.raises(StaleEditError):
        meeting(
            cycle,
            DAY + datetime.timedelta(days=7),
            present(an),
            expected_ledger_version=drawn_at,
        )
    assert Meeting.objects.count() == 1


def test_a_meeting_sent_twice_is_recorded_once(group, worker):
    (an,) = add_members(group, "Lê Thị An")
    cycle = open_cycle(group)
    actor = Actor.for_user(worker)
    for _ in range(2):
        services.meeting_record(
            actor=actor,
            cycle=cycle,
            held_on=DAY,
            lines=[present(an, shares=2)],
            idempotency_key="m" * 24,
        )
    assert Meeting.objects.count() == 1
    assert reloaded(group).loan_fund_cash == 20_000


def test_an_absent_member_hands_over_nothing_and_the_refusal_names_her_field(group):
    an, binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group)
    with pytest.raises(ValidationError) as refusal:
        meeting(
            cycle,
            DAY,
            present(an),
            MeetingLine(member_id=binh.pk, attendance="absent", shares=2),
        )
    assert member_field(binh.pk, "attendance") in refusal.value.error_dict
    assert not Meeting.objects.exists()


def test_every_member_is_on_the_meeting(group):
    an, _binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group)
    with refused("members_changed"):
        meeting(cycle, DAY, present(an))


def test_a_loan_above_her_limit_or_past_the_share_out_is_refused(group):
    an, binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group, planned_end_on=datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError) as refusal:
        meeting(
            cycle,
            DAY,
            present(an, shares=5),
            present(
                binh, shares=1, loan=LoanRequest(amount=40_000, months=3, purpose="small_trade")
            ),
        )
    assert set(refusal.value.error_dict) == {
        member_field(binh.pk, "loan_amount"),  # 3 × 10.000 saved
        member_field(binh.pk, "loan_months"),  # due 2/5, after the share-out on 1/4
    }


def test_a_loan_the_box_cannot_pay_is_refused_and_nothing_is_kept(group):
    an, binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group)
    meeting(cycle, DAY, present(an, shares=5), present(binh, shares=5))  # 100.000
    meeting(
        cycle,
        DAY + datetime.timedelta(days=28),
        present(an, shares=5, loan=LoanRequest(amount=150_000, months=1, purpose="farming")),
        present(binh, shares=5),
    )  # 200.000 in, 150.000 out
    with refused("not_enough_cash"):
        meeting(
            cycle,
            DAY + datetime.timedelta(days=56),
            present(an, shares=1),
            present(binh, shares=1, loan=LoanRequest(amount=80_000, months=1, purpose="farming")),
        )
    assert Meeting.objects.count() == 2
    assert reloaded(group).loan_fund_cash == 50_000


def test_a_grant_comes_from_the_social_fund_only(group):
    an, binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group)
    with refused("not_enough_cash"):
        meeting(
            cycle,
            DAY,
            present(an, shares=5, social=True),
            present(binh, shares=5, social=True, grant=GrantGiven(amount=5_000, reason="illness")),
        )
    meeting(
        cycle,
        DAY,
        present(an, shares=5, social=True),
        present(binh, shares=5, social=True, grant=GrantGiven(amount=4_000, reason="illness")),
    )
    assert (reloaded(group).loan_fund_cash, reloaded(group).social_fund_cash) == (100_000, 0)


def test_the_money_counters_count_must_match_the_records(group):
    (an,) = add_members(group, "Lê Thị An")
    cycle = open_cycle(group)
    with pytest.raises(ValidationError) as refusal:
        meeting(cycle, DAY, present(an, shares=2, social=True), cash_counted=21_000)
    assert "cash_counted" in refusal.value.error_dict
    assert not LedgerEntry.objects.exists()
    meeting(cycle, DAY, present(an, shares=2, social=True), cash_counted=22_000)


def test_the_committee_has_at_most_its_seats_and_one_role_each(group):
    members = add_members(group, "An", "Bình", "Cúc", "Dung")
    cycle = open_cycle(group)
    with pytest.raises(ValidationError):
        services.committee_elect(
            actor=system(), cycle=cycle, seats={CommitteeRole.CHAIR: members[:2]}
        )
    with pytest.raises(ValidationError):
        services.committee_elect(
            actor=system(),
            cycle=cycle,
            seats={CommitteeRole.CHAIR: members[:1], CommitteeRole.SECRETARY: members[:1]},
        )
    services.committee_elect(
        actor=system(),
        cycle=cycle,
        seats={
            CommitteeRole.CHAIR: members[:1],
            CommitteeRole.TREASURER: members[1:2],
            CommitteeRole.MONEY_COUNTER: members[2:4],
        },
    )
    assert [seat.role for seat in selectors.committee_of(cycle)] == [
        "chair",
        "money_counter",
        "money_counter",
        "treasurer",
    ]


def _consent(person, worker, **kwargs):
    return people_services.consent_record(
        person=person,
        purpose=Consent.Purpose.SAVINGS_GROUP,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=datetime.date(2026, 1, 10),
        actor=Actor.for_user(worker),
        **kwargs,
    )


def test_a_member_is_linked_to_her_case_only_with_her_consent(staff, group, worker):
    person = make_person(staff.organisation, worker)
    case = make_case(person, worker)
    (member,) = add_members(group, "Nguyễn Thị Hoa")
    with refused("no_consent"):
        services.member_link_case(actor=system(), member=member, case=case)
    consent = _consent(person, worker)
    member = services.member_link_case(actor=system(), member=member, case=case)
    assert (member.case_id, member.case_consent_id) == (case.pk, consent.pk)
    assert AuditEntry.objects.get(event="savings_member.linked").details == {
        "number": 1,
        "case": case.pk,
        "consent": consent.pk,
    }


def test_the_link_is_shown_only_to_who_may_open_the_case_while_consent_holds(staff, group, worker):
    person = make_person(staff.organisation, worker)
    case = make_case(person, worker)
    consent = _consent(person, worker)
    (member,) = add_members(group, "Nguyễn Thị Hoa")
    services.member_link_case(actor=system(), member=member, case=case)
    member.refresh_from_db()

    def links(role):
        membership = Membership.objects.get(user=staff.users[role])
        return selectors.visible_case_links(membership, [member])

    assert links(Role.CASE_WORKER) == {member.pk: case}
    assert links(Role.SUPERVISOR) == {member.pk: case}
    assert links(Role.COLLABORATOR) == {}  # not her case worker
    assert links(Role.PROGRAMME_OFFICER) == {}  # sees no cases
    people_services.consent_withdraw(consent=consent, actor=Actor.for_user(worker))
    assert links(Role.CASE_WORKER) == {}


def test_a_case_of_another_organisation_is_never_linked(staff, group, worker):
    other_person = make_person(staff.other_organisation)
    other_case = make_case(other_person)
    (member,) = add_members(group, "Nguyễn Thị Hoa")
    with refused("other_organisation"):
        services.member_link_case(actor=system(), member=member, case=other_case)


def test_a_member_who_owes_cannot_leave(group):
    an, binh = add_members(group, "Lê Thị An", "Phạm Thị Bình")
    cycle = open_cycle(group)
    meeting(
        cycle,
        DAY,
        present(an, shares=5),
        present(binh, shares=5, loan=LoanRequest(amount=50_000, months=1, purpose="health")),
    )
    with refused("loan_outstanding"):
        services.member_leave(actor=system(), member=binh, left_on=DAY, reason="moved")


def test_every_service_is_still_imported_from_the_services_module():
    """The services live in a module per part of a group's life; callers (the pages, the API,
    the demo data) import them all from `savings.services`."""
    import importlib

    module = importlib.import_module("donghanh.livelihood.savings.services")
    names = (
        "GROUP_EDITS", "MEMBER_EDITS", "CONSTITUTION_FIELDS", "CONSTITUTION_EDITS",
        "group_create", "group_update", "group_view_record", "ledger_view_record",
        "group_measures_export_record", "member_add", "member_update", "member_link_case",
        "member_unlink_case", "member_leave", "cycle_open", "constitution_update",
        "committee_elect", "meeting_record", "cycle_share_out",
    )  # fmt: skip
    assert all(callable(getattr(module, name)) or name.isupper() for name in names)
    assert set(names) <= set(module.__all__)
