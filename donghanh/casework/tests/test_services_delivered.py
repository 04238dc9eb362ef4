"""Services delivered: entitlement to the Art. 37 regime on the day, costs in VND."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.casework.checks import check_entitlement
from donghanh.casework.models import ServiceDelivery
from donghanh.casework.tests.conftest import close, identify, opened_at, url
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
    opened = opened_at(client, page)
    refused = client.post(page, _post(case, delivered_on="2025-01-01", **opened))
    assert refused.status_code == 400
    service.refresh_from_db()
    assert service.delivered_on == DAY
    assert client.post(page, _post(case, cost_vnd="2000000", **opened)).status_code == 302
    service.refresh_from_db()
    assert service.cost_vnd == 2_000_000
    entry = AuditEntry.objects.get(
        action=AuditAction.UPDATE, target_type="casework.servicedelivery"
    )
    assert entry.changed_fields == ["cost_vnd"]


def test_a_save_on_a_service_changed_since_is_refused_and_merged_field_by_field(staff, case):
    """Two people open the same service; the second save does not overwrite the first: it is
    refused, the page shows what the other changed, and keeps what this user typed."""
    client = staff.client(Role.CASE_WORKER)
    colleague = staff.client(Role.SUPERVISOR)
    client.post(url("service_add", case), _post(case, regime=""))
    service = ServiceDelivery.objects.get()
    page = url("service_edit", case, service_id=service.pk)
    mine, theirs = opened_at(client, page), opened_at(colleague, page)
    saved = colleague.post(page, _post(case, regime="", cost_vnd="2000000", **theirs))
    assert saved.status_code == 302
    refused = client.post(page, _post(case, regime="", note="Đã nhận đủ", **mine))
    assert refused.status_code == 400
    service.refresh_from_db()
    assert (service.cost_vnd, service.note, service.version) == (2_000_000, "Hỗ trợ ăn ở", 2)
    content = refused.content.decode()
    assert "Giá trị do người khác đã lưu" in content and "Chi phí (đồng)" in content
    merged = refused.context["form"]
    assert merged.data["cost_vnd"] == "2000000"  # only they changed it: their value
    assert merged.data["note"] == "Đã nhận đủ"  # only this user changed it: kept
    again = client.post(page, merged.data)
    assert again.status_code == 302
    service.refresh_from_db()
    assert (service.cost_vnd, service.note, service.version) == (2_000_000, "Đã nhận đủ", 3)


def test_the_service_refuses_a_stale_version_naming_what_changed(staff, case, worker):
    from donghanh.casework import services
    from donghanh.casework.edits import SERVICE_EDITS
    from donghanh.core.actor import Actor
    from donghanh.core.editing import StaleEditError

    actor = Actor.for_user(worker)
    values: dict[str, Any] = {
        "domain": "health",
        "provider": None,
        "provider_name": "Trạm y tế xã",
        "delivered_on": DAY,
        "cost_vnd": 0,
        "regime": "",
        "note": "",
        "project": None,
    }
    service = services.service_record(case=case, actor=actor, **values)
    seen = SERVICE_EDITS.fingerprints(service)
    services.service_update(
        service=service, expected_version=1, baseline=seen, actor=actor, **{**values, "cost_vnd": 5}
    )
    with pytest.raises(StaleEditError) as refused:
        services.service_update(
            service=service, expected_version=1, baseline=seen, actor=actor, **values
        )
    assert refused.value.changed_fields == ["cost_vnd"]
    assert refused.value.current_version == 2
    assert ServiceDelivery.objects.get().cost_vnd == 5


def test_a_service_form_sent_twice_records_one_service(staff, case):
    """A double click or a retry sends the same form again: one service, one audit row."""
    client = staff.client(Role.CASE_WORKER)
    key = client.get(url("service_add", case)).context["form"]["idempotency_key"].value()
    form = _post(case, regime="", idempotency_key=key)
    first = client.post(url("service_add", case), form)
    second = client.post(url("service_add", case), form)
    assert first.status_code == second.status_code == 302
    service = ServiceDelivery.objects.get()
    assert (
        AuditEntry.objects.filter(
            target_type="casework.servicedelivery", target_id=str(service.pk)
        ).count()
        == 1
    )
    # Another form (a new key) records another service.
    form["idempotency_key"] = (
        client.get(url("service_add", case)).context["form"]["idempotency_key"].value()
    )
    assert client.post(url("service_add", case), form).status_code == 302
    assert ServiceDelivery.objects.count() == 2


@pytest.mark.parametrize(
    "cost", ["1.500.000", "1,500,000", "1500000", "1.500.000 đ", "1.500.000 ₫"]
)
def test_the_cost_is_taken_as_people_write_money(staff, case, cost):
    case = identify(case, datetime.date(2026, 4, 1))
    response = staff.client(Role.CASE_WORKER).post(
        url("service_add", case), _post(case, cost_vnd=cost)
    )
    assert response.status_code == 302
    assert ServiceDelivery.objects.get().cost_vnd == 1_500_000


def test_the_service_form_has_text_boxes_for_money_and_dates(staff, case):
    page = staff.client(Role.CASE_WORKER).get(url("service_add", case)).content.decode()
    cost = re.search(r'<input[^>]*name="cost_vnd"[^>]*>', page)
    assert cost and 'type="text"' in cost[0] and 'inputmode="numeric"' in cost[0]
    assert 'type="number"' not in page and 'type="date"' not in page
    assert 'placeholder="dd/mm/yyyy"' in page


def test_a_service_dated_in_the_future_is_refused(staff, case):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = staff.client(Role.CASE_WORKER).post(
        url("service_add", case),
        _post(case, regime="", delivered_on=tomorrow.strftime("%d/%m/%Y")),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert "ngày này ở tương lai" in response.content.decode()
    assert not ServiceDelivery.objects.exists()


def test_a_service_before_the_cases_intake_is_refused(staff, case):
    before = case.intake_date - datetime.timedelta(days=1)
    response = staff.client(Role.CASE_WORKER).post(
        url("service_add", case),
        _post(case, regime="", delivered_on=before.strftime("%d/%m/%Y")),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert f"trước ngày tiếp nhận hồ sơ ({case.intake_date:%d/%m/%Y})" in response.content.decode()
    assert not ServiceDelivery.objects.exists()
