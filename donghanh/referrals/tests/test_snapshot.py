"""What a referral or a transfer carries: every section, with the longest values the forms
accept, stored as codes and plain text and shown in the reader's language."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.cases import services as case_services
from donghanh.cases.forms import CaseIdentificationForm, CaseIntakeFields
from donghanh.cases.models import Case, IdentificationStatus
from donghanh.cases.selectors import CASE_EDITS
from donghanh.cases.tests.conftest import make_case, make_person
from donghanh.core.actor import Actor
from donghanh.people.forms import PersonForm
from donghanh.people.models import Ethnicity
from donghanh.places.models import Commune
from donghanh.reference.codelists import CONTROL_MEANS, COUNTRIES, EXPLOITATION_TYPES
from donghanh.reference.domains import ServiceDomain
from donghanh.referrals.forms import ReferralSendForm
from donghanh.referrals.models import Referral, ReferralStatus, SharedSection
from donghanh.referrals.snapshot import FIELDS, snapshot_sections
from donghanh.testing.longest import longest_for, longest_label

from .conftest import Network, consent_to_share

pytestmark = pytest.mark.django_db

DESTINATION = "CN"


def _longest_case(net: Network) -> Case:
    """A case whose every field that a snapshot carries holds the longest value the forms
    accept, with a journey abroad and every code of every list."""
    person = make_person(
        net.a,
        net.a_worker,
        full_name=longest_for(PersonForm, "full_name"),
        other_names=longest_for(PersonForm, "other_names"),
        date_of_birth=datetime.date(2001, 12, 31),
        ethnicity=longest_label(Ethnicity.choices),
        nationality="VN",
        id_number=longest_for(PersonForm, "id_number"),
        phone=longest_for(PersonForm, "phone"),
        current_address=longest_for(PersonForm, "current_address"),
        pre_2025_address=longest_for(PersonForm, "pre_2025_address"),
    )
    case = make_case(
        person,
        net.a_worker,
        is_abroad=True,
        intake_note=longest_for(CaseIntakeFields, "intake_note"),
    )
    commune = Commune.objects.select_related("province").order_by("-name").first()
    return case_services.case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(net.a_worker),
        origin_commune=commune,
        transit_countries=[code for code in COUNTRIES.values if code != "VN"],
        destination_country=DESTINATION,
        departure_date=datetime.date(2025, 9, 1),
        return_date=datetime.date(2026, 2, 27),
        exploitation_types=EXPLOITATION_TYPES.values,
        control_means=CONTROL_MEANS.values,
        identification_status=IdentificationStatus.IDENTIFIED_VICTIM,
        identified_on=datetime.date(2026, 3, 1),
        identifying_agency=longest_for(CaseIdentificationForm, "identifying_agency"),
    )


def _post_send(net: Network, case: Case, **data: Any) -> Any:
    url = reverse("referrals:send", kwargs={"org": net.a.slug, "case_id": case.pk})
    return net.client(net.a_worker).post(url, data)


def _stored_values(snapshot: str) -> list[tuple[str, object]]:
    data = json.loads(snapshot)
    return [(key, value) for rows in data.values() for key, value in rows]


def _assert_codes_and_plain_text(referral: Referral, case: Case) -> None:
    values = dict(_stored_values(referral.snapshot))
    for key, value in values.items():
        assert key in FIELDS, key
        if isinstance(value, list):
            assert all(isinstance(item, str) for item in value), key
        else:
            assert isinstance(value, str | int | bool), key
    # Codes, never labels: the receiver reads them in their own language.
    assert values["destination_country"] == DESTINATION
    assert values["exploitation_types"] == EXPLOITATION_TYPES.values
    assert values["sex"] == "female"
    assert values["date_of_birth"] == "2001-12-31"
    assert values["full_name"] == case.person.full_name
    assert values["current_address"] == case.person.current_address
    for label in ("Trung Quốc", "China", "Nữ", "Female"):
        assert label not in referral.snapshot


def _shown(referral: Referral, language: str) -> dict[str, str]:
    with translation.override(language):
        sections = snapshot_sections(json.loads(referral.snapshot))
    return {row.field: row.value for section in sections for row in section.rows}


def test_a_referral_sharing_every_section_holds_the_longest_values(net: Network) -> None:
    case = _longest_case(net)
    consent_to_share(case.person, net.b)
    message = longest_for(ReferralSendForm, "message")
    domain = longest_label(ServiceDomain.choices)
    response = _post_send(
        net,
        case,
        kind="referral",
        to_organisation=net.b.pk,
        domain=domain,
        shared_sections=SharedSection.values,
        message=message,
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert set(json.loads(referral.snapshot)) == set(SharedSection.values)
    _assert_codes_and_plain_text(referral, case)

    vietnamese, english = _shown(referral, "vi"), _shown(referral, "en")
    assert vietnamese["destination_country"] == "Trung Quốc"
    assert english["destination_country"] == "China"
    assert vietnamese["sex"] == "Nữ" and english["sex"] == "Female"
    assert vietnamese["date_of_birth"] == english["date_of_birth"] == "31/12/2001"
    assert english["service_needed"] == str(dict(ServiceDomain.choices)[domain])

    # The receiver's page, in each language, and the API.
    url = reverse("referrals:detail", kwargs={"org": net.b.slug, "referral_id": referral.pk})
    client = net.client(net.b_worker)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Trung Quốc" in text and "Lao động cưỡng bức" in text
    assert client.get(url).content.decode().count("China") >= 1
    api = api_client(issue_token(net.b_worker))
    body = api.get(
        reverse("api:referral_detail", kwargs={"referral_id": referral.pk}),
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    rows = {row["field"]: row["value"] for section in body["shared"] for row in section["rows"]}
    assert rows["destination_country"] == "China"
    assert rows["full_name"] == case.person.full_name
    assert body["message"] == message


def test_a_transfer_of_a_case_with_a_journey_abroad_goes_through(net: Network) -> None:
    case = _longest_case(net)
    consent_to_share(case.person, net.b)
    response = _post_send(net, case, kind="transfer", to_organisation=net.b.pk)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert set(json.loads(referral.snapshot)) == set(SharedSection.values)
    _assert_codes_and_plain_text(referral, case)

    kwargs = {"org": net.b.slug, "referral_id": referral.pk}
    client = net.client(net.b_supervisor)
    page = client.get(reverse("referrals:detail", kwargs=kwargs), HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200 and "Trung Quốc" in page.content.decode()
    assert client.post(reverse("referrals:accept", kwargs=kwargs)).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert Case.objects.get(pk=case.pk).organisation == net.b


def test_a_reshare_takes_codes_again(net: Network) -> None:
    case = _longest_case(net)
    consent_to_share(case.person, net.b)
    _post_send(net, case, kind="referral", to_organisation=net.b.pk, shared_sections=["journey"])
    referral = Referral.objects.get()
    url = reverse("referrals:reshare", kwargs={"org": net.a.slug, "referral_id": referral.pk})
    assert net.client(net.a_worker).post(url).status_code == 302
    referral.refresh_from_db()
    assert dict(_stored_values(referral.snapshot))["destination_country"] == DESTINATION


def test_a_snapshot_taken_with_labels_is_still_shown_as_it_was() -> None:
    older = {
        "identity": [
            ["full_name", "Nguyễn Thị Hoa"],
            ["sex", "Nữ"],
            ["date_of_birth", "12/04/1998"],
        ],
        "case": [["is_abroad", "Ở nước ngoài"]],
        "journey": [["destination_country", "Trung Quốc"], ["exploitation_types", "Khác, Khác"]],
        "needs": [["service_needed", "Y tế"], ["regimes", "a) Nhu cầu thiết yếu"]],
    }
    with translation.override("en"):
        rows = {
            row.field: row.value for section in snapshot_sections(older) for row in section.rows
        }
    assert rows == {
        "full_name": "Nguyễn Thị Hoa",
        "sex": "Nữ",
        "date_of_birth": "12/04/1998",
        "is_abroad": "Ở nước ngoài",
        "destination_country": "Trung Quốc",
        "exploitation_types": "Khác, Khác",
        "service_needed": "Y tế",
        "regimes": "a) Nhu cầu thiết yếu",
    }
