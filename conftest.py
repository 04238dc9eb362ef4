from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory, OrganisationFactory, UserFactory

# Fixtures for tests that run background jobs in real worker processes.
pytest_plugins = ["donghanh.testing.jobs"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Argon2 is deliberately slow; tests check behaviour, not hashing cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _search_index_inline(settings: Any) -> None:
    # A thread renewing the search index could not see the test's data (its own transaction).
    settings.SEARCH_INDEX_REFRESH = "inline"


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A page request activates its reader's language for the rest of the thread; each test
    # starts in the platform's default language, as a new request or job would.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _places_after_flush(request: pytest.FixtureRequest) -> None:
    """Reload the places a data migration put there when a transactional test emptied them.

    A transactional test ends by emptying every table; pytest-django runs those tests last, so
    only the next transactional test needs the reference data back.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from donghanh.places import models as place_models
    from donghanh.places.loading import PlaceModels, read_places_file, sync_places

    if not place_models.Province.objects.exists():
        sync_places(
            PlaceModels(
                place_models.Province,
                place_models.Commune,
                place_models.LegacyProvince,
                place_models.LegacyDistrict,
                place_models.LegacyCommune,
            ),
            read_places_file(),
        )


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
