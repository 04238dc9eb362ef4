"""System administration of organisations and memberships, with every change in the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Role
from donghanh.places.models import Province
from donghanh.testing import factories
from donghanh.testing.clients import signed_in_client

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory
UserFactory: Any = factories.UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(superuser):
    return signed_in_client(superuser)


def test_organisation_form_picks_provinces_side_by_side(admin_client):
    response = admin_client.get(reverse("admin:organisations_organisation_add"))
    assert response.status_code == 200
    assert "selectfilter" in response.content.decode()  # filter_horizontal's widget


def test_creating_an_organisation_is_audited(admin_client, superuser):
    provinces = list(Province.objects.order_by("code")[:2].values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Trung tâm Phụ nữ và Phát triển",
            "short_name": "CWD",
            "slug": "cwd",
            "kind": Organisation.Kind.SHELTER,
            "provinces": provinces,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(slug="cwd")
    assert set(organisation.provinces.values_list("pk", flat=True)) == set(provinces)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE)
    assert entry.actor == superuser
    assert entry.organisation_id == organisation.pk
    assert entry.target_type == "organisations.organisation"
    assert "name" in entry.changed_fields and "provinces" in entry.changed_fields


def test_organisations_cannot_be_deleted_in_the_admin(admin_client):
    organisation = OrganisationFactory()
    url = reverse("admin:organisations_organisation_delete", args=[organisation.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_changing_and_deleting_a_membership_is_audited(admin_client):
    membership = MembershipFactory(role=Role.CASE_WORKER)
    response = admin_client.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]),
        {
            "user": membership.user_id,
            "organisation": membership.organisation_id,
            "role": Role.SUPERVISOR,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    update = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert update.changed_fields == ["role"]
    assert update.organisation_id == membership.organisation_id

    response = admin_client.post(
        reverse("admin:organisations_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    delete = AuditEntry.objects.get(action=AuditAction.DELETE)
    assert delete.target_id == str(membership.pk)


def test_bulk_deleting_memberships_is_audited(admin_client):
    memberships = [MembershipFactory() for _ in range(3)]
    response = admin_client.post(
        reverse("admin:organisations_membership_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [m.pk for m in memberships],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.DELETE).count() == 3


def test_organisation_administrators_cannot_open_the_admin(trio):
    response = trio.owner_client.get(reverse("admin:organisations_membership_changelist"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
