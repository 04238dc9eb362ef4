"""Services delivered: entitlement to the Art. 37 regime on the day, costs in VND."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.casework.checks import check_entitlement
from donghanh.casework.models import ServiceDelivery
from donghanh.casework.tests.conftest import close, identify, url
from donghanh.organisations.roles import Role

DAY = datetime.date(2026, 5, 4)


def _post(case, **values):
    data = {
        "domain": "essential_needs",
        "provider_name": "Nhà Bình Yên",
        "delivered_on": DAY.isoformat(),
        "cost_vnd": "1500000",
        "regime": "a",
        "note": "Hỗ trợ ăn ở",
    }
    data.update(values)
    return data


def test_unidentified_person_is_refused_a_regime(staff, case):
    response = staff.client(Role.CASE_WORKER).post(url("service_add", case), _post(case))
    assert response.status_code == 400
    assert "không được hưởng chế độ" in response.content.decode()
    assert not ServiceDelivery.objects.exists()


def test_identified_victim_gets_the_regime_and_cost_shown_in_vnd(staff, case):
    case = identify(case, datetime.date(2026, 4, 1))
    response = staff.client(Role.CASE_WORKER).post(url("service_add", case), _post(case))
    assert response.status_code == 302
    service = ServiceDelivery.objects.get()
    assert (service.regime, service.cost_vnd) == ("a", 1_500_000)
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE,
        target_type="casework.servicedelivery",
        target_id=str(service.pk),
        summary=f"service recorded on case {case.pk}",
    ).exists()
    page = staff.client(Role.CASE_WORKER).get(response["Location"])
    assert "1.500.000" in page.content.decode()


def test_entitlement_is_checked_on_the_service_date(staff, case):
    case = identify(case, datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError) as refused:
        check_entitlement(case, "a", datetime.date(2025, 1, 1))
    assert refused.value.code == "not_entitled"
    check_entitlement(case, "a", DAY)
    check_entitlement(case, "", datetime.date(2025, 1, 1))  # no regime, no check


def test_service_without_regime_is_accepted_and_needs_a_provider(staff, case):
    assert (
        staff.client(Role.CASE_WORKER)
        .post(url("service_add", case), _post(case, regime=""))
        .status_code
        == 302
    )
    response = staff.client(Role.CASE_WORKER).post(
        url("service_add", case), _post(case, regime="", provider_name="")
    )
    assert response.status_code == 400


def test_closed_case_refuses_services(staff, case):
    close(case)
    response = staff.client(Role.CASE_WORKER).post(url("service_add", case), _post(case, regime=""))
    assert response.status_code == 400
    assert not ServiceDelivery.objects.exists()


def test_edit_checks_entitlement_again_and_is_audited(staff, case):
    case = identify(case, datetime.date(2026, 4, 1))
    client = staff.client(Role.CASE_WORKER)
    client.post(url("service_add", case), _post(case))
    service = ServiceDelivery.objects.get()
    page = url("service_edit", case, service_id=service.pk)
    assert client.get(page).status_code == 200
    refused = client.post(page, _post(case, delivered_on="2025-01-01"))
    assert refused.status_code == 400
    service.refresh_from_db()
    assert service.delivered_on == DAY
    assert client.post(page, _post(case, cost_vnd="2000000")).status_code == 302
    service.refresh_from_db()
    assert service.cost_vnd == 2_000_000
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, target_type="casework.servicedelivery"
    )
    assert entry.changed_fields == ["cost_vnd"]
