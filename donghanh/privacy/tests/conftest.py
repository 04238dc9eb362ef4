from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.organisations.models import Organisation
from donghanh.people import services as person_services
from donghanh.people.models import Person
from donghanh.places.models import Commune
from donghanh.privacy import services
from donghanh.privacy.models import DataSubjectRequest

# A Friday well in the past, clear of every seeded holiday.
FRIDAY = datetime.date(2026, 3, 6)

# The identity of the person every test works with: none of it may survive an erasure.
HOA: dict[str, Any] = {
    "full_name": "Nguyễn Thị Hoa",
    "other_names": "Hoa Nguyen, Bé Hoa",
    "date_of_birth": datetime.date(1998, 4, 12),
    "id_number": "079203001234",
    "phone": "0912 345 678",
    "current_address": "Số 12 đường Trần Phú, phường Đồng Hới",
    "pre_2025_address": "Xã Bảo Ninh, thành phố Đồng Hới, tỉnh Quảng Bình",
}
GUARDIAN: dict[str, Any] = {"full_name": "Lê Văn Dũng", "phone": "0987 654 321"}
EVIDENCE = "Biên bản có chữ ký của bà Phạm Thị Lụa"


def new_person(organisation: Organisation, user: Any = None, **details: Any) -> Person:
    values: dict[str, Any] = {"full_name": "Trần Văn Nam", "sex": "male"}
    values.update(details)
    return person_services.person_register(organisation=organisation, acting_user=user, **values)


def full_person(organisation: Organisation, user: Any = None) -> Person:
    """Hoa, with a commune, a guardian and two consents (one given by the guardian)."""
    commune = Commune.objects.select_related("province").order_by("code").first()
    person = new_person(
        organisation,
        user,
        sex="female",
        ethnicity="tay",
        current_commune=commune,
        area_type="urban",
        **HOA,
    )
    guardian = person_services.guardian_add(
        person=person, relation="mother", acting_user=user, **GUARDIAN
    )
    person_services.consent_record(
        person=person,
        purpose="case_management",
        method="written",
        given_by="person",
        given_on=datetime.date(2026, 1, 5),
        evidence_note=EVIDENCE,
        acting_user=user,
    )
    person_services.consent_record(
        person=person,
        purpose="statistics",
        method="thumbprint",
        given_by="guardian",
        guardian=guardian,
        given_on=datetime.date(2026, 1, 6),
        acting_user=user,
    )
    return person


def new_request(
    person: Person,
    user: Any = None,
    *,
    kind: str = "access",
    received_on: datetime.date = FRIDAY,
    responsible: Any = None,
    **details: Any,
) -> DataSubjectRequest:
    values: dict[str, Any] = {
        "received_via": "in_person",
        "requester": "person",
    }
    values.update(details)
    return services.request_register(
        person=person,
        kind=kind,
        received_on=received_on,
        responsible=responsible,
        acting_user=user,
        **values,
    )


@pytest.fixture
def person(trio: Any) -> Person:
    return full_person(trio.organisation, trio.owner)
