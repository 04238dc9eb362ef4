"""Typed audit events: a code on the row, a label in the reader's language filled with the
row's details, and the older rows still shown as they were written."""

from __future__ import annotations

import gc
from typing import cast

import pytest
from django.utils import translation

from donghanh.audit.events import AuditEvent, all_events, event_for_code
from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.selectors import changed_field_labels, entry_description
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.organisations.models import Organisation
from donghanh.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class ExampleEvent(AuditEvent):
    NOTED = "example.noted", AuditAction.CREATE, "Example noted on case %(case)s"
    CHANGED = "example.changed", AuditAction.UPDATE, "Example changed"


def test_a_row_carries_the_event_code_its_action_and_details(user_factory):
    user = user_factory()
    entry = audit_record(
        event=ExampleEvent.NOTED,
        actor=Actor(user=user, ip_address="203.0.113.7", user_agent="Phone"),
        details={"case": 12},
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.event == "example.noted"
    assert entry.action == AuditAction.CREATE
    assert entry.details == {"case": 12}
    assert entry.summary == "Example noted on case 12"  # kept in English for the admin search
    assert entry.actor_id == user.pk
    assert entry.actor_username == user.username
    assert entry.ip_address == "203.0.113.7"
    assert entry.user_agent == "Phone"
    assert entry_description(entry) == "Example noted on case 12"


def test_the_organisation_defaults_to_the_one_the_actor_acts_for(user_factory):
    organisation = cast(Organisation, OrganisationFactory())
    actor = Actor.for_user(user_factory()).within(organisation)
    entry = audit_record(event=ExampleEvent.CHANGED, actor=actor)
    assert entry.organisation_id == organisation.pk
    elsewhere = audit_record(event=ExampleEvent.CHANGED, actor=actor, organisation=None)
    assert elsewhere.organisation_id is None


def test_a_system_actor_is_named_without_a_user():
    entry = audit_record(event=ExampleEvent.CHANGED, actor=Actor.system("demo loader"))
    assert entry.actor_id is None
    assert entry.actor_username == "demo loader"


def test_rows_from_before_typed_events_are_shown_as_written(user_factory):
    entry = AuditEntry.objects.create(
        action=AuditAction.UPDATE, actor=user_factory(), summary="as written"
    )
    assert entry.event == ""
    assert entry_description(entry) == "as written"


def test_an_unknown_code_or_missing_detail_never_breaks_the_log():
    entry = AuditEntry(event="gone.event", summary="kept text")
    assert entry_description(entry) == "kept text"
    assert ExampleEvent.NOTED.describe({}) == "Example noted on case %(case)s"
    assert ExampleEvent.NOTED.describe({"other": 1}) == "Example noted on case %(case)s"


def test_every_app_event_is_found_and_codes_are_unique():
    events = all_events()
    assert ExampleEvent.NOTED in events
    codes = [event.code for event in events]
    assert len(codes) == len(set(codes))
    assert event_for_code("example.changed") is ExampleEvent.CHANGED


def test_two_events_with_one_code_are_refused():
    class Clash(AuditEvent):
        AGAIN = "example.noted", AuditAction.CREATE, "again"

    try:
        with pytest.raises(ValueError, match=r"example\.noted"):
            event_for_code("example.noted")
    finally:
        del Clash
        gc.collect()
    assert event_for_code("example.noted") is ExampleEvent.NOTED


def test_changed_fields_are_named_in_the_reader_language():
    membership_entry = AuditEntry(
        target_type="organisations.membership", changed_fields=["role", "no_such_field"]
    )
    with translation.override("vi"):
        assert changed_field_labels(membership_entry) == ["vai trò", "no_such_field"]
    with translation.override("en"):
        assert changed_field_labels(membership_entry) == ["role", "no_such_field"]


def test_a_row_is_written_only_with_a_typed_event_and_a_typed_actor(user_factory):
    user = user_factory()
    with pytest.raises(TypeError, match="typed event"):
        audit_record(event="thing.changed", actor=Actor.for_user(user))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="typed actor"):
        audit_record(event=ExampleEvent.CHANGED, actor=user)
    with pytest.raises(TypeError):
        audit_record(  # type: ignore[call-arg]
            action=AuditAction.UPDATE, actor=Actor.for_user(user), summary="free text"
        )
    assert not AuditEntry.objects.filter(actor=user).exists()
