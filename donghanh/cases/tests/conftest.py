"""The cases app's fixtures: the people app's (an organisation with every role, a person) and an
assigned case of that person."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.cases import services as case_services
from donghanh.cases.models import Case, CaseType, IdentificationStatus, IntakeChannel
from donghanh.cases.selectors import CASE_EDITS
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.people.tests.conftest import (
    Staff,
    make_person,
    new_organisation,
    person,
    staff,
)

# Fixtures and helpers of the people app, offered to this app's tests and to those that import
# them from here.
__all__ = ["Staff", "make_person", "new_organisation", "person", "staff"]


def make_case(person: Person, user: Any = None, **details: Any) -> Case:
    """Open a case for the person; `user` (if given) opens it and is assigned to it."""
    values: dict[str, Any] = {
        "case_type": CaseType.TRAFFICKING_VICTIM,
        "intake_channel": IntakeChannel.HOTLINE_111,
        "intake_date": datetime.date(2026, 3, 2),
    }
    values.update(details)
    return case_services.case_open(person=person, actor=Actor.for_user(user), **values)


def identify(case: Case, on: datetime.date, **changes: Any) -> Case:
    """Record an identification decision on the case through the service."""
    return case_services.case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(None),
        identification_status=IdentificationStatus.IDENTIFIED_VICTIM,
        identified_on=on,
        identifying_agency="Công an tỉnh Nghệ An",
        **changes,
    )


@pytest.fixture
def case(staff: Staff, person: Person) -> Case:
    """A case of the person, opened by (and assigned to) the organisation's case worker."""
    return make_case(person, staff.users[Role.CASE_WORKER])
