"""The cost of a service beyond what the database holds is refused with a message, not a 500."""

from __future__ import annotations

import datetime

from donghanh.casework.models import ServiceDelivery
from donghanh.casework.tests.conftest import url
from donghanh.core.money import MONEY_MAX_VND
from donghanh.organisations.roles import Role


def _post(cost: int) -> dict[str, str]:
    return {
        "domain": "health",
        "provider_name": "Trạm y tế phường Đồng Hới",
        "delivered_on": datetime.date(2026, 5, 4).isoformat(),
        "cost_vnd": str(cost),
        "regime": "",
    }


def test_a_cost_beyond_the_databases_range_is_refused_and_nothing_written(staff, case):
    client = staff.client(Role.CASE_WORKER)
    response = client.post(url("service_add", case), _post(MONEY_MAX_VND + 1))
    assert response.status_code == 400
    assert "Số tiền không được lớn hơn 9223372036854775807 đồng." in response.content.decode()
    assert not ServiceDelivery.objects.exists()
    # The largest amount the database holds is still an amount.
    assert client.post(url("service_add", case), _post(MONEY_MAX_VND)).status_code == 302
    assert ServiceDelivery.objects.get().cost_vnd == MONEY_MAX_VND
