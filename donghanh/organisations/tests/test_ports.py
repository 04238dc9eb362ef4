"""Organisations fills, at start-up, what the apps below it ask of it."""

from __future__ import annotations

from django.urls import reverse

from donghanh.accounts import ports as account_ports
from donghanh.audit import ports as audit_ports
from donghanh.organisations.admin import MembershipInline
from donghanh.organisations.selectors import account_overseers, organisation_membership_periods


def test_the_ports_of_accounts_and_audit_are_filled_at_start_up():
    assert MembershipInline in account_ports.user_admin_inlines()
    assert account_overseers in account_ports._overseer_lookups
    assert audit_ports._periods_lookup is organisation_membership_periods


def test_an_organisations_membership_periods_cover_its_users_past_and_present(trio, member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    periods = audit_ports.membership_periods(trio.organisation.pk)
    assert periods is not None
    rows = [row for queryset in periods for row in queryset.values("user_id", "ended_at")]
    assert {row["user_id"] for row in rows} == {trio.owner.pk, trio.colleague.pk, member.user_id}
    # A membership ended without a recorded end counts as ended: nothing after it is shown.
    assert [row["ended_at"] for row in rows if row["user_id"] == member.user_id] == [
        member.joined_at
    ]


def test_the_navigation_lists_the_signed_in_users_organisations(trio):
    response = trio.owner_client.get(reverse("workspace:home"))
    assert response.status_code == 200
    assert [m.organisation for m in response.context["nav_memberships"]] == [trio.organisation]
