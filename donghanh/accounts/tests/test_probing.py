"""Trying other organisations' record addresses one after another leaves one audit row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from donghanh.accounts.models import NotFoundTally
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.selectors import audit_entries_for_organisation
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.PROBE_NOT_FOUND_LIMIT = 5
    settings.PROBE_WINDOW_MINUTES = 10


def _events():
    return AuditEntry.objects.filter(action=AuditAction.NOT_FOUND_PROBING)


def _case_addresses(org_slug, count, start=1000):
    return [f"/app/o/{org_slug}/cases/{start + n}/" for n in range(count)]


def test_one_event_when_a_member_passes_the_limit_of_records_not_found():
    member = MembershipFactory(role=Role.SUPERVISOR)
    other = OrganisationFactory()
    client = signed_in_client(member.user)
    for url in _case_addresses(other.slug, 4):
        assert client.get(url).status_code == 404
    assert not _events().exists()
    for url in _case_addresses(other.slug, 20, start=2000):
        assert client.get(url).status_code == 404
    event = _events().get()
    assert event.actor == member.user and event.organisation is None
    assert event.summary == "5 record addresses not found within 10 minutes"
    assert other.slug not in event.summary and "/" not in event.summary
    assert event in audit_entries_for_organisation(member.organisation_id)


def test_api_addresses_count_too():
    member = MembershipFactory(role=Role.CASE_WORKER)
    client = api_client(issue_token(member.user))
    for case_id in range(5000, 5006):
        assert client.get(f"/api/v1/cases/{case_id}/").status_code == 404
    assert _events().get().actor == member.user


def test_other_pages_and_other_answers_do_not_count():
    member = MembershipFactory(role=Role.SUPERVISOR)
    client = signed_in_client(member.user)
    for _ in range(6):
        client.get("/app/no-such-page/")  # not a record address
        client.get(reverse("workspace:home"))
        client.get(f"/app/o/{member.organisation.slug}/")
    for _ in range(6):
        Client().get(f"/app/o/{member.organisation.slug}/cases/999/")  # signed out: sign in first
    assert not NotFoundTally.objects.exists()
    assert not _events().exists()


def test_a_new_window_may_make_a_new_event():
    member = MembershipFactory(role=Role.SUPERVISOR)
    client = signed_in_client(member.user)
    addresses = _case_addresses("no-such-organisation", 5)
    for url in addresses:
        client.get(url)
    NotFoundTally.objects.update(window_started_at=timezone.now() - timedelta(minutes=11))
    for url in addresses[:4]:
        client.get(url)
    assert _events().count() == 1
    client.get(addresses[4])
    assert _events().count() == 2
