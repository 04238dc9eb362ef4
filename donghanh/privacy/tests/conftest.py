from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from donghanh.core.actor import Actor
from donghanh.core.text import plain_name
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
    return person_services.person_register(
        organisation=organisation, actor=Actor.for_user(user), **values
    )


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
        person=person, relation="mother", actor=Actor.for_user(user), **GUARDIAN
    )
    person_services.consent_record(
        person=person,
        purpose="case_management",
        method="written",
        given_by="person",
        given_on=datetime.date(2026, 1, 5),
        evidence_note=EVIDENCE,
        actor=Actor.for_user(user),
    )
    person_services.consent_record(
        person=person,
        purpose="statistics",
        method="thumbprint",
        given_by="guardian",
        guardian=guardian,
        given_on=datetime.date(2026, 1, 6),
        actor=Actor.for_user(user),
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
        actor=Actor.for_user(user),
        **values,
    )


@pytest.fixture
def person(trio: Any) -> Person:
    return full_person(trio.organisation, trio.owner)


# --- A person with every kind of record, each holding the longest value its form accepts ----


@dataclass
class LongestRecord:
    person: Person
    case: Any
    worker: Any
    other_names: str
    intake_note: str
    message: str


def longest_record(organisation: Organisation, owner: Any) -> LongestRecord:
    """A person whose every record of every app holds the longest values the forms accept:
    names in several scripts, notes of many pages, every code of every list."""
    from donghanh.attachments.forms import AttachmentForm
    from donghanh.attachments.services import attachment_add
    from donghanh.cases import services as case_services
    from donghanh.cases.forms import (
        CaseClosureRequestForm,
        CaseIdentificationForm,
        CaseIntakeFields,
        CaseScreeningForm,
    )
    from donghanh.cases.models import ClosureReason, IdentificationStatus
    from donghanh.cases.selectors import CASE_EDITS
    from donghanh.casework import services as casework
    from donghanh.casework.forms import ServiceForm
    from donghanh.casework.models import ASSESSED_DOMAINS
    from donghanh.organisations.roles import Role
    from donghanh.people.forms import ConsentForm, GuardianForm, PersonForm
    from donghanh.people.models import Ethnicity
    from donghanh.privacy.forms import RequestRegisterForm
    from donghanh.reference.codelists import (
        CONTROL_MEANS,
        EXPLOITATION_TYPES,
        ILO_INDICATORS,
        RELATIONS_TO_TRAFFICKER,
    )
    from donghanh.referrals import services as referrals
    from donghanh.referrals.forms import ReferralSendForm
    from donghanh.testing.factories import MembershipFactory, OrganisationFactory
    from donghanh.testing.longest import LONG_TEXT, long_text, longest_for, longest_label

    worker = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER).user
    commune = Commune.objects.select_related("province").order_by("code").first()
    # As the people services keep a name: one line, nothing invisible (`plain_name`).
    other_names = plain_name(longest_for(PersonForm, "other_names"))
    person = new_person(
        organisation,
        worker,
        full_name=longest_for(PersonForm, "full_name"),
        other_names=other_names,
        sex="female",
        date_of_birth=datetime.date(1998, 4, 12),
        ethnicity=longest_label(Ethnicity.choices),
        nationality="CN",
        id_number=longest_for(PersonForm, "id_number"),
        phone=longest_for(PersonForm, "phone"),
        current_address=longest_for(PersonForm, "current_address"),
        current_commune=commune,
        area_type="rural",
        pre_2025_address=longest_for(PersonForm, "pre_2025_address"),
    )
    guardian = case_services_guardian(person, worker, GuardianForm)
    receiver: Any = OrganisationFactory()
    for purpose, recipient in (("case_management", None), ("sharing", receiver)):
        consent = case_services_consent(person, worker, purpose, recipient, guardian, ConsentForm)
    del consent
    intake_note = longest_for(CaseIntakeFields, "intake_note")
    case = case_services.case_open(
        person=person,
        case_type="trafficking_victim",
        intake_channel="hotline_111",
        intake_date=datetime.date(2026, 2, 1),
        is_abroad=True,
        intake_note=intake_note,
        actor=Actor.for_user(worker),
    )
    case = case_services.case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(worker),
        origin_commune=commune,
        transit_countries=["LA", "TH"],
        destination_country="CN",
        departure_date=datetime.date(2025, 9, 1),
        return_date=datetime.date(2026, 1, 20),
        recruiter_relation=longest_label(RELATIONS_TO_TRAFFICKER.choices),
        recruiter_details=longest_for(CaseScreeningForm, "recruiter_details"),
        journey_details=longest_for(CaseScreeningForm, "journey_details"),
        exploitation_types=EXPLOITATION_TYPES.values,
        control_means=CONTROL_MEANS.values,
        ilo_indicators={code.code: "yes" for code in ILO_INDICATORS},
        screened_on=datetime.date(2026, 2, 2),
        screening_note=longest_for(CaseScreeningForm, "screening_note"),
        identification_status=IdentificationStatus.IDENTIFIED_VICTIM,
        identified_on=datetime.date(2026, 2, 3),
        identifying_agency=longest_for(CaseIdentificationForm, "identifying_agency"),
    )
    casework.needs_assess(
        case=case,
        assessed_on=datetime.date(2026, 2, 4),
        levels={domain.value: "urgent" for domain in ASSESSED_DOMAINS},
        notes={domain.value: long_text(LONG_TEXT // 10) for domain in ASSESSED_DOMAINS},
        actor=Actor.for_user(worker),
    )
    goal = casework.goal_add(
        case=case, domain=ASSESSED_DOMAINS[0].value, text=long_text(), actor=Actor.for_user(worker)
    )
    casework.action_add(
        goal=goal,
        description=long_text(),
        owner=worker,
        due_on=datetime.date(2026, 3, 1),
        actor=Actor.for_user(worker),
    )
    casework.service_record(
        case=case,
        domain="health",
        provider=None,
        provider_name=longest_for(ServiceForm, "provider_name"),
        delivered_on=datetime.date(2026, 2, 5),
        cost_vnd=1_500_000,
        regime="",
        note=longest_for(ServiceForm, "note"),
        actor=Actor.for_user(worker),
    )
    casework.follow_up_plan(
        case=case,
        planned_on=datetime.date(2026, 2, 6),
        method="home_visit",
        done_on=datetime.date(2026, 2, 6),
        outcome=long_text(),
        actor=Actor.for_user(worker),
    )
    attachment_add(
        case=case,
        name=long_text(255)[:250] + ".pdf",
        content=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
        description=longest_for(AttachmentForm, "description"),
        actor=Actor.for_user(worker),
    )
    # Closure asked for before the referral: a case with an open referral does not close.
    case_services.case_closure_request(
        case=case,
        reason=longest_label(ClosureReason.choices),
        reintegration_outcome="with_family",
        note=longest_for(CaseClosureRequestForm, "note"),
        actor=Actor.for_user(worker),
    )
    message = longest_for(ReferralSendForm, "message")
    referrals.referral_send(
        case=case,
        actor=Actor.for_user(worker),
        to_organisation=receiver,
        shared_sections=["identity", "contact", "case", "journey", "needs"],
        domain="health",
        message=message,
    )
    new_request(
        person,
        owner,
        kind="access",
        responsible=worker,
        requester="guardian",
        requester_details=longest_for(RequestRegisterForm, "requester_details"),
        notes=longest_for(RequestRegisterForm, "notes"),
    )
    return LongestRecord(
        person=person,
        case=case,
        worker=worker,
        other_names=other_names,
        intake_note=intake_note,
        message=message,
    )


def case_services_guardian(person: Person, user: Any, form: Any) -> Any:
    from donghanh.testing.longest import longest_for

    return person_services.guardian_add(
        person=person,
        relation="mother",
        full_name=longest_for(form, "full_name"),
        phone=longest_for(form, "phone"),
        actor=Actor.for_user(user),
    )


def case_services_consent(
    person: Person, user: Any, purpose: str, recipient: Any, guardian: Any, form: Any
) -> Any:
    from donghanh.testing.longest import longest_for

    return person_services.consent_record(
        person=person,
        purpose=purpose,
        method="written",
        given_by="guardian",
        guardian=guardian,
        given_on=datetime.date(2026, 1, 5),
        recipient_organisation=recipient,
        evidence_note=longest_for(form, "evidence_note"),
        actor=Actor.for_user(user),
    )
