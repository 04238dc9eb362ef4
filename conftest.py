from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.test import Client

from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Argon2 is deliberately slow; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Trio:
    """The three actors of every permission test."""

    organisation: Organisation
    other_organisation: Organisation
    owner: Any
    colleague: Any
    outsider: Any
    owner_client: Client
    colleague_client: Client
    outsider_client: Client


@pytest.fixture
def trio(db: None) -> Trio:
    organisation = cast(Organisation, OrganisationFactory())
    other = cast(Organisation, OrganisationFactory())
    owner = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    colleague = MembershipFactory(organisation=organisation, role=Role.DONOR_VIEWER).user
    outsider = MembershipFactory(organisation=other, role=Role.ORG_ADMIN).user
    return Trio(
        organisation=organisation,
        other_organisation=other,
        owner=owner,
        colleague=colleague,
        outsider=outsider,
        owner_client=signed_in_client(owner),
        colleague_client=signed_in_client(colleague),
        outsider_client=signed_in_client(outsider),
    )


@pytest.fixture
def user_factory() -> type[UserFactory]:
    return UserFactory
