from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.test import Client

from donghanh.cases import case_services, services
from donghanh.cases.case_models import Case, CaseType, IdentificationStatus, IntakeChannel
from donghanh.cases.case_selectors import case_fingerprints
from donghanh.cases.models import Person
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
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
    return services.person_register(organisation=organisation, acting_user=user, **values)


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


def make_case(person: Person, user: Any = None, **details: Any) -> Case:
    """Open a case for the person; `user` (if given) opens it and is assigned to it."""
    values: dict[str, Any] = {
        "case_type": CaseType.TRAFFICKING_VICTIM,
        "intake_channel": IntakeChannel.HOTLINE_111,
        "intake_date": datetime.date(2026, 3, 2),
    }
    values.update(details)
    return case_services.case_open(person=person, acting_user=user, **values)


def identify(case: Case, on: datetime.date, **changes: Any) -> Case:
    """Record an identification decision on the case through the service."""
    return case_services.case_update(
        case=case,
        expected_version=case.version,
        baseline=case_fingerprints(case),
        acting_user=None,
        identification_status=IdentificationStatus.IDENTIFIED_VICTIM,
        identified_on=on,
        identifying_agency="Công an tỉnh Nghệ An",
        **changes,
    )


@pytest.fixture
def case(staff: Staff, person: Person) -> Case:
    """A case of the person, opened by (and assigned to) the organisation's case worker."""
    return make_case(person, staff.users[Role.CASE_WORKER])
