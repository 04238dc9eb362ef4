from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from donghanh.cases.models import Case
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.core.actor import Actor
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people import services as person_services
from donghanh.people.models import Consent, Person
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory, OrganisationFactory


@dataclass
class Network:
    """A sending organisation A, a receiver B and a third organisation C, with staff."""

    a: Organisation
    b: Organisation
    c: Organisation
    a_worker: Any
    a_other_worker: Any
    a_supervisor: Any
    b_worker: Any
    b_supervisor: Any
    b_donor: Any
    c_supervisor: Any
    person: Person
    case: Case

    def client(self, user: Any) -> Client:
        """A signed-in client reading pages in English (the tests match English text)."""
        client = signed_in_client(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client


def member(organisation: Organisation, role: str) -> Any:
    return MembershipFactory(organisation=organisation, role=role).user


def consent_to_share(person: Person, organisation: Organisation, **kwargs: Any) -> Consent:
    return person_services.consent_record(
        person=person,
        purpose=Consent.Purpose.SHARING,
        method=Consent.Method.WRITTEN,
        given_by=Consent.GivenBy.PERSON,
        given_on=kwargs.pop("given_on", timezone.localdate() - datetime.timedelta(days=1)),
        recipient_organisation=organisation,
        actor=Actor.for_user(None),
        **kwargs,
    )


@pytest.fixture
def net(db: None) -> Network:
    a, b, c = (cast(Organisation, OrganisationFactory()) for _ in range(3))
    a_worker = member(a, Role.CASE_WORKER)
    person = make_person(
        a,
        a_worker,
        other_names="Hoa Nguyen",
        id_number="079203001234",
        phone="0912 345 678",
        current_address="Số 12 đường Trần Phú, phường Đồng Hới",
    )
    case = make_case(person, a_worker, intake_note="Ghi chú nội bộ: qua cửa khẩu Móng Cái")
    return Network(
        a=a,
        b=b,
        c=c,
        a_worker=a_worker,
        a_other_worker=member(a, Role.CASE_WORKER),
        a_supervisor=member(a, Role.SUPERVISOR),
        b_worker=member(b, Role.CASE_WORKER),
        b_supervisor=member(b, Role.SUPERVISOR),
        b_donor=member(b, Role.DONOR_VIEWER),
        c_supervisor=member(c, Role.SUPERVISOR),
        person=person,
        case=case,
    )
