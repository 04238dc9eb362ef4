from __future__ import annotations

from typing import Any

import pytest

from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.testing import factories

# factory_boy's stubs type a factory call as the factory; the tests use the model.
MembershipFactory: Any = factories.MembershipFactory


@pytest.fixture
def member(trio) -> Membership:
    """A case worker in the trio's organisation, whom the owner administers."""
    return MembershipFactory(organisation=trio.organisation, role=Role.CASE_WORKER)


@pytest.fixture
def other_member(trio) -> Membership:
    """A case worker in the other organisation."""
    return MembershipFactory(organisation=trio.other_organisation, role=Role.CASE_WORKER)
