"""System administrators read the audit log in the admin; nobody adds, changes or deletes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditEntry
from donghanh.audit.tests.rows import row
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(user_factory):
    return signed_in_client(user_factory(is_superuser=True, is_staff=True))


@pytest.fixture
def entry(user_factory) -> AuditEntry:
    return row(user=user_factory(), note="original")


def test_superuser_lists_and_reads_entries(superuser_client, entry):
    listing = superuser_client.get(reverse("admin:audit_auditentry_changelist"))
    assert listing.status_code == 200
    assert entry.actor_username in listing.content.decode()
    detail = superuser_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    # Read-only: no form fields to edit and no save button.
    assert 'name="summary"' not in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()


def test_nobody_can_add_an_entry(superuser_client):
    assert superuser_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = superuser_client.post(
        reverse("admin:audit_auditentry_add"), {"action": "login", "summary": "forged"}
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(summary="forged").exists()


def test_nobody_can_change_an_entry(superuser_client, entry):
    response = superuser_client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]),
        {"action": "logout", "summary": "rewritten"},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.summary == "original"


def test_nobody_can_delete_an_entry(superuser_client, entry):
    url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    bulk = superuser_client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
