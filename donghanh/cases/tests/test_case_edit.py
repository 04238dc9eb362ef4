"""Editing a case: screening is saved as codes, identification is validated, and a concurrent
edit is refused with what changed, never overwritten."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.cases import services as case_services
from donghanh.cases.models import Case, IdentificationStatus, LegalRegime
from donghanh.cases.selectors import CASE_EDITS, screening_summary
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.organisations.roles import Role
from donghanh.places.models import Commune
from donghanh.reference.codelists import ILO_INDICATORS


def _url(name, staff, case):
    return reverse(f"cases:{name}", kwargs={"org": staff.organisation.slug, "case_id": case.pk})


def _opened_form(client, url):
    """What the browser would post back: the form as the page rendered it."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if hasattr(value, "strftime"):
            value = value.strftime("%d/%m/%Y")
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def test_screening_is_saved_as_codes_with_the_ilo_summary(staff, case):
    client = staff.client(Role.CASE_WORKER)
    url = _url("case_edit_screening", staff, case)
    commune = Commune.objects.order_by("code")[0]
    data = _opened_form(client, url)
    data.update(
        {
            "origin_commune": commune.code,
            "transit_countries": ["CN", "LA"],
            "destination_country": "GB",
            "departure_date": "03/01/2024",
            "return_date": "15/02/2026",
            "recruiter_relation": "Friend",
            "recruiter_details": "Một người bạn cùng xã giới thiệu việc làm nail",
            "exploitation_types": ["ForcedLabour", "SexualExploitation"],
            "control_means": ["WithholdsDocuments", "DebtBondage"],
            "ilo_deception": "yes",
            "ilo_debt_bondage": "yes",
            "ilo_retention_of_identity_documents": "yes",
            "ilo_isolation": "no",
            "ilo_excessive_overtime": "unknown",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert case.origin_commune == commune
    assert case.transit_countries == ["LA", "CN"]  # in the order of the code list
    # Stored in the order of the code list, whatever order they came in.
    assert case.control_means == ["DebtBondage", "WithholdsDocuments"]
    assert case.exploitation_types == ["ForcedLabour", "SexualExploitation"]
    assert case.ilo_indicators == {
        "deception": "yes",
        "debt_bondage": "yes",
        "retention_of_identity_documents": "yes",
        "isolation": "no",
        "excessive_overtime": "unknown",
    }
    summary = screening_summary(case)
    assert (summary.present_count, summary.absent, summary.unknown, summary.not_asked) == (
        3,
        1,
        1,
        6,
    )
    assert summary.total == len(ILO_INDICATORS) == 11
    detail = client.get(_url("case_detail", staff, case), HTTP_ACCEPT_LANGUAGE="en")
    body = detail.content.decode()
    assert "3 of 11 indicators present" in body
    assert "Withholds identity documents" in body
    assert "United Kingdom" in body


def test_screening_refuses_a_return_before_departure(staff, case):
    client = staff.client(Role.CASE_WORKER)
    url = _url("case_edit_screening", staff, case)
    data = {
        **_opened_form(client, url),
        "departure_date": "03/01/2025",
        "return_date": "01/01/2025",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The return date must be on or after the departure date." in response.content.decode()
    case.refresh_from_db()
    assert case.version == 1


def test_identification_needs_its_date_and_agency(staff, case):
    client = staff.client(Role.CASE_WORKER)
    url = _url("case_edit_identification", staff, case)
    data = {**_opened_form(client, url), "identification_status": "identified_victim"}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nhập ngày ra quyết định xác định" in body
    data.update({"identified_on": "30/06/2025", "identifying_agency": "Công an tỉnh Hà Tĩnh"})
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.identification_status == IdentificationStatus.IDENTIFIED_VICTIM
    # Intake in 2026 put the case under Law 53/2024; identification before 1 July 2025 keeps
    # the 2011 regime (Art. 63).
    assert case.legal_regime == LegalRegime.LAW_66_2011
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, target_type="cases.case").latest(
        "id"
    )
    assert entry.changed_fields == sorted(
        ["identification_status", "identified_on", "identifying_agency", "legal_regime"]
    )


def test_service_refuses_a_future_identification_date(case):
    with pytest.raises(ValidationError) as error:
        case_services.case_update(
            case=case,
            expected_version=1,
            baseline=CASE_EDITS.fingerprints(case),
            actor=Actor.for_user(None),
            identification_status=IdentificationStatus.IDENTIFIED_VICTIM,
            identified_on=datetime.date.today() + datetime.timedelta(days=2),
            identifying_agency="Công an",
        )
    assert "identified_on" in error.value.error_dict


def test_an_identification_dated_before_the_persons_return_is_refused(staff, case):
    case.return_date = datetime.date(2026, 2, 1)
    case.save(update_fields=["return_date"])
    client = staff.client(Role.CASE_WORKER)
    url = _url("case_edit_identification", staff, case)
    data = {
        **_opened_form(client, url),
        "identification_status": "identified_victim",
        "identified_on": "15/01/2026",
        "identifying_agency": "Công an tỉnh Hà Tĩnh",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert "sớm hơn ngày người đó trở về (01/02/2026)" in response.content.decode()
    case.refresh_from_db()
    assert case.identified_on is None
    # On or after the return it is taken.
    assert client.post(url, {**data, "identified_on": "01/02/2026"}).status_code == 302


def test_saving_unchanged_values_changes_nothing(staff, case):
    client = staff.client(Role.CASE_WORKER)
    url = _url("case_edit_intake", staff, case)
    assert client.post(url, _opened_form(client, url)).status_code == 302
    case.refresh_from_db()
    assert case.version == 1
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_the_second_of_two_concurrent_edits_is_refused(staff, case):
    first = staff.client(Role.CASE_WORKER)
    second = staff.client(Role.SUPERVISOR)
    screening_url = _url("case_edit_screening", staff, case)
    intake_url = _url("case_edit_intake", staff, case)
    first_form = _opened_form(first, screening_url)
    second_form = _opened_form(second, screening_url)

    response = first.post(
        screening_url,
        {**first_form, "destination_country": "TW", "ilo_deception": "yes"},
    )
    assert response.status_code == 302
    response = second.post(
        screening_url,
        {**second_form, "journey_details": "Qua cửa khẩu Móng Cái", "destination_country": "MY"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    assert "Destination country" in body and "Forced-labour indicators" in body
    assert "Taiwan" in body  # the value the other person saved is shown
    assert "You changed it too" in body  # both changed the destination
    assert "Qua cửa khẩu Móng Cái" in body  # what this user typed is kept in the form

    case.refresh_from_db()
    assert case.destination_country == "TW"
    assert case.journey_details == ""
    assert case.version == 2

    # The form now holds the other person's ILO answer and this user's own destination.
    form = response.context["form"]
    assert form.data["ilo_deception"] == "yes"
    assert form.data["destination_country"] == "MY"
    response = second.post(screening_url, form.data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.journey_details == "Qua cửa khẩu Móng Cái"
    assert case.destination_country == "MY"
    assert case.ilo_indicators == {"deception": "yes"}
    assert case.version == 3

    # An edit opened before these saves, on another page, is refused too.
    stale_intake = {**_opened_form(first, intake_url), "version": "1"}
    response = first.post(intake_url, {**stale_intake, "intake_note": "Ghi chú"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.intake_note == ""


def test_service_refuses_a_stale_version(case):
    baseline = CASE_EDITS.fingerprints(case)
    case_services.case_update(
        case=case, expected_version=1, baseline=baseline, actor=Actor.for_user(None), is_abroad=True
    )
    with pytest.raises(StaleEditError) as error:
        case_services.case_update(
            case=case,
            expected_version=1,
            baseline=baseline,
            actor=Actor.for_user(None),
            intake_note="Ghi chú mới",
        )
    assert error.value.changed_fields == ["is_abroad"]
    assert error.value.current_version == 2
    assert Case.objects.get(pk=case.pk).intake_note == ""


def test_a_closed_case_is_not_edited(staff, case):
    supervisor = staff.users[Role.SUPERVISOR]
    case = case_services.case_closure_request(
        case=case,
        reason="goals_achieved",
        reintegration_outcome="with_family",
        actor=Actor.for_user(None),
    )
    case = case_services.case_closure_decide(
        case=case, approve=True, actor=Actor.for_user(supervisor)
    )
    with pytest.raises(ValidationError):
        case_services.case_update(
            case=case,
            expected_version=case.version,
            baseline=CASE_EDITS.fingerprints(case),
            actor=Actor.for_user(None),
            intake_note="x",
        )
    response = staff.client(Role.CASE_WORKER).get(_url("case_edit_intake", staff, case))
    assert response.status_code == 302
    assert response["Location"] == _url("case_detail", staff, case)


def test_tampered_baseline_is_refused(staff, case):
    client = staff.client(Role.CASE_WORKER)
    url = _url("case_edit_intake", staff, case)
    data = {**_opened_form(client, url), "baseline": "forged", "intake_note": "x"}
    assert client.post(url, data).status_code == 200
    case.refresh_from_db()
    assert case.version == 1
