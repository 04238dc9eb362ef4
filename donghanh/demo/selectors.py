"""Reads for demo data: the sign-ins a tester can use."""

from __future__ import annotations

from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.core.text import fold
from donghanh.demo.credentials import demo_totp_key, totp_secret_base32
from donghanh.demo.models import DemoAccount
from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Role

_ROLE_ORDER = {role: index for index, role in enumerate(Role.values)}


@dataclass(frozen=True)
class DemoLogin:
    """One way to sign in: a demo user in one organisation (or the system administrator)."""

    username: str
    full_name: str
    organisation: Organisation | None
    role: str | None
    is_superuser: bool
    # The confirmed authenticator holding the published key; None if it was replaced or removed
    # since demo data was loaded (`manage.py load_demo` puts it back).
    device: TOTPDevice | None

    @property
    def totp_secret(self) -> str | None:
        return totp_secret_base32(self.device.bin_key) if self.device is not None else None

    def sort_key(self) -> tuple[int, str, int, str]:
        if self.organisation is None:
            return (1, "", 0, self.username)
        role_index = _ROLE_ORDER.get(self.role or "", len(_ROLE_ORDER))
        return (0, fold(self.organisation.name), role_index, self.username)


def demo_logins() -> list[DemoLogin]:
    """Every demo account's sign-ins, one per active membership, grouped by organisation.

    A demo user without a membership (the system administrator) appears once.
    """
    accounts = list(DemoAccount.objects.select_related("user").order_by("user__username"))
    user_ids = [account.user_id for account in accounts]
    memberships: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(user_id__in=user_ids, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        memberships.setdefault(membership.user_id, []).append(membership)
    published_keys = {
        account.user_id: demo_totp_key(account.user.username).hex() for account in accounts
    }
    devices = {
        device.user_id: device
        for device in TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True)
        if device.key == published_keys[device.user_id]
    }

    logins = []
    for account in accounts:
        user = account.user
        places: list[tuple[Organisation | None, str | None]] = [
            (membership.organisation, membership.role)
            for membership in memberships.get(user.pk, [])
        ] or [(None, None)]
        for organisation, role in places:
            logins.append(
                DemoLogin(
                    username=user.username,
                    full_name=user.full_name,
                    organisation=organisation,
                    role=role,
                    is_superuser=user.is_superuser,
                    device=devices.get(user.pk),
                )
            )
    return sorted(logins, key=DemoLogin.sort_key)
