from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from donghanh.api.services import api_token_create
from donghanh.core.actor import Actor
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people import services as person_services
from donghanh.people.models import Person
from donghanh.referrals.tests.conftest import net  # noqa: F401 (the referrals tests' network)
from donghanh.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    confirmed_totp_device,
)


def issue_token(user: Any, **kwargs: Any) -> str:
    """A working token for `user` (with the second factor set up, as a token requires)."""
    confirmed_totp_device(user)
    kwargs.setdefault("expires_at", timezone.now() + datetime.timedelta(days=30))
    return api_token_create(actor=Actor.system("test"), user=user, **kwargs).secret


def api_client(token: str | None = None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def make_person(organisation: Organisation, by: Any = None, **details: Any) -> Person:
    """A person registered by `by` (case workers see the people they registered)."""
    values: dict[str, Any] = {
        "full_name": "Nguyễn Thị Hoa",
        "sex": "female",
        "date_of_birth": datetime.date(1998, 4, 12),
    }
    values.update(details)
    return person_services.person_register(
        organisation=organisation, actor=Actor.for_user(by), **values
    )


@dataclass
class Staff:
    """A member of every role in one organisation, and a supervisor of another."""

    organisation: Organisation
    other_organisation: Organisation
    users: dict[str, Any]
    outsider: Any

    def client(self, role: str) -> APIClient:
        user = self.outsider if role == "outsider" else self.users[role]
        return api_client(issue_token(user))


@pytest.fixture
def staff(db: None) -> Staff:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    users = {
        role: MembershipFactory(organisation=organisation, role=role).user for role in Role.values
    }
    outsider = MembershipFactory(organisation=other, role=Role.SUPERVISOR).user
    return Staff(
        organisation=organisation, other_organisation=other, users=users, outsider=outsider
    )


@pytest.fixture
def person(staff: Staff) -> Person:
    return make_person(
        staff.organisation,
        by=staff.users[Role.CASE_WORKER],
        other_names="Hoa Nguyen",
        id_number="079203001234",
        phone="0912 345 678",
        current_address="Số 12 đường Trần Phú, phường Đồng Hới",
        pre_2025_address="Xã Bảo Ninh, thành phố Đồng Hới, tỉnh Quảng Bình",
    )
