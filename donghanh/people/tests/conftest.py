"""The people app's fixtures: an organisation with every role, and a registered person.

Apps above `people` use them too (the cases app re-exports them with its own case fixtures).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.test import Client

from donghanh.core.actor import Actor
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people import services
from donghanh.people.models import Person
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory, OrganisationFactory


@dataclass
class Staff:
    """Every role of one organisation, plus a supervisor of another organisation."""

    organisation: Organisation
    other_organisation: Organisation
    users: dict[str, Any]
    outsider: Any

    def client(self, role: str) -> Client:
        if role == "outsider":
            return signed_in_client(self.outsider)
        return signed_in_client(self.users[role])


def new_organisation(**kwargs: Any) -> Organisation:
    return cast(Organisation, OrganisationFactory(**kwargs))


@pytest.fixture
def staff(db: None) -> Staff:
    organisation = new_organisation()
    other = new_organisation()
    users = {
        role: MembershipFactory(organisation=organisation, role=role).user for role in Role.values
    }
    outsider = MembershipFactory(organisation=other, role=Role.SUPERVISOR).user
    return Staff(
        organisation=organisation, other_organisation=other, users=users, outsider=outsider
    )


def make_person(organisation: Organisation, user: Any = None, **details: Any) -> Person:
    values: dict[str, Any] = {
        "full_name": "Nguyễn Thị Hoa",
        "sex": "female",
        "date_of_birth": datetime.date(1998, 4, 12),
    }
    values.update(details)
    return services.person_register(organisation=organisation, actor=Actor.for_user(user), **values)


@pytest.fixture
def person(staff: Staff) -> Person:
    return make_person(
        staff.organisation,
        staff.users[Role.CASE_WORKER],
        other_names="Hoa Nguyen",
        id_number="079203001234",
        phone="0912 345 678",
        current_address="Số 12 đường Trần Phú, phường Đồng Hới",
        pre_2025_address="Xã Bảo Ninh, thành phố Đồng Hới, tỉnh Quảng Bình",
    )
