"""Shared set-up of the devices tests: members of an organisation in each role, and devices."""

from __future__ import annotations

from typing import Any

from donghanh.core.actor import Actor
from donghanh.fieldwork.devices import services
from donghanh.fieldwork.devices.models import FieldDevice
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.testing import factories

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-A146P Build/UP1A.231005.007) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36"
)
WORKS_OFFLINE = {Role.SUPERVISOR, Role.CASE_WORKER, Role.COLLABORATOR, Role.PROGRAMME_OFFICER}


def member(organisation: Any = None, role: Role = Role.COLLABORATOR) -> Membership:
    if organisation is None:
        organisation = OrganisationFactory()
    membership: Membership = MembershipFactory(organisation=organisation, role=role)
    return membership


def actor_of(membership: Membership) -> Actor:
    return Actor.for_user(membership.user).within(membership.organisation)


def device_of(membership: Membership, *, key: str = "") -> FieldDevice:
    return services.device_register(
        membership=membership,
        user_agent=PHONE,
        actor=actor_of(membership),
        idempotency_key=key,
    )
