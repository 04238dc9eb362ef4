from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.audit.models import AuditEntry
from donghanh.organisations.roles import Role
from donghanh.testing.factories import TEST_PASSWORD, MembershipFactory

LOGIN_URL = reverse("accounts:login")


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show right now for this device."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def audit_actions(**filters: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


@pytest.fixture
def case_worker(db: None) -> Any:
    return MembershipFactory(role=Role.CASE_WORKER).user


@pytest.fixture
def donor_viewer(db: None) -> Any:
    return MembershipFactory(role=Role.DONOR_VIEWER).user
