"""Writes for demo data: bring the database in line with donghanh/demo/data.py.

Each function compares what is stored with what the data says and writes only the difference,
with one audit row per changed record, so loading twice changes nothing the second time. Demo
accounts are put back as documented: a demo password or authenticator changed while testing is
restored, and memberships the data does not name are removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from donghanh.accounts.models import User
from donghanh.accounts.services import TOTP_DEVICE_NAME
from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.demo.credentials import demo_totp_key
from donghanh.demo.data import ORGANISATIONS, USERS, DemoUserSpec, OrganisationSpec
from donghanh.demo.events import DemoEvent
from donghanh.demo.guard import DemoDataError, ensure_demo_allowed
from donghanh.demo.models import DemoAccount
from donghanh.organisations.models import Membership, Organisation
from donghanh.places.models import Province

# Audit rows written without a signed-in user name the command that wrote them.
AUDIT_ACTOR = "load_demo"
DEMO_ACTOR = Actor.system(AUDIT_ACTOR)

_ORGANISATION_FIELDS = (
    "name",
    "name_en",
    "short_name",
    "kind",
    "parent_id",
    "operates_abroad",
    "website",
    "description",
    "is_active",
)


class Change(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class ChangeCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, change: Change) -> None:
        setattr(self, change.value, getattr(self, change.value) + 1)


@dataclass
class DemoLoadReport:
    organisations: ChangeCount = field(default_factory=ChangeCount)
    users: ChangeCount = field(default_factory=ChangeCount)

    @property
    def changed(self) -> bool:
        counts = (self.organisations, self.users)
        return any(count.created or count.updated for count in counts)


class DemoPassword:
    """settings.DEMO_PASSWORD and one hash of it shared by every demo account.

    Password hashing is slow on purpose (about half a second with Argon2), so the password is
    hashed once and each distinct stored hash is checked once, not once per account.
    """

    def __init__(self, password: str, stored_hashes: Iterable[str] = ()) -> None:
        self.password = password
        self._matches: dict[str, bool] = {}
        self.encoded = next(
            (encoded for encoded in stored_hashes if self.matches(encoded)), None
        ) or make_password(password)

    def matches(self, encoded: str) -> bool:
        if encoded not in self._matches:
            self._matches[encoded] = check_password(self.password, encoded)
        return self._matches[encoded]


def _provinces_by_code(codes: Iterable[str]) -> dict[str, Province]:
    wanted = set(codes)
    found = Province.objects.in_bulk(wanted)
    missing = sorted(wanted - set(found))
    if missing:
        raise DemoDataError(
            _(
                "Provinces %(codes)s are missing. Run `manage.py migrate` (it loads the places "
                "data) before loading demo data."
            )
            % {"codes": ", ".join(missing)}
        )
    return found


@transaction.atomic
def demo_organisation_sync(
    *,
    spec: OrganisationSpec,
    parent: Organisation | None,
    provinces: Iterable[Province],
    actor: Actor,
) -> tuple[Organisation, Change]:
    """Create the organisation `spec` describes, or update it to match; found by slug."""
    if Organisation.objects.filter(name=spec.name).exclude(slug=spec.slug).exists():
        raise DemoDataError(
            _("Another organisation is already called “%(name)s”; rename it or remove it first.")
            % {"name": spec.name}
        )
    desired: dict[str, Any] = {
        "name": spec.name,
        "name_en": spec.name_en,
        "short_name": spec.short_name,
        "kind": spec.kind,
        "parent_id": parent.pk if parent is not None else None,
        "operates_abroad": spec.operates_abroad,
        "website": spec.website,
        "description": spec.description,
        "is_active": spec.is_active,
    }
    provinces = list(provinces)
    wanted_codes = {province.code for province in provinces}
    organisation = Organisation.objects.filter(slug=spec.slug).first()
    if organisation is None:
        organisation = Organisation.objects.create(slug=spec.slug, **desired)
        organisation.provinces.set(provinces)
        changed = ["slug", *_ORGANISATION_FIELDS, "provinces"]
        audit_record(
            event=DemoEvent.CREATED,
            actor=actor.within(organisation),
            target=organisation,
            changed_fields=changed,
        )
        return organisation, Change.CREATED

    changed = [name for name, value in desired.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, desired[name])
    if changed:
        organisation.save(update_fields=changed)
    if set(organisation.provinces.values_list("code", flat=True)) != wanted_codes:
        organisation.provinces.set(provinces)
        changed.append("provinces")
    if not changed:
        return organisation, Change.UNCHANGED
    audit_record(
        event=DemoEvent.RESTORED,
        actor=actor.within(organisation),
        target=organisation,
        changed_fields=changed,
    )
    return organisation, Change.UPDATED


def _sync_memberships(
    user: User, wanted: dict[int, tuple[Organisation, str]], actor: Actor
) -> bool:
    """Give the user exactly the memberships in `wanted` (organisation id → organisation, role)."""
    changed = False
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        if membership.organisation_id not in wanted:
            audit_record(
                event=DemoEvent.REMOVED,
                actor=actor.within(membership.organisation),
                target=membership,
            )
            membership.delete()
            changed = True
            continue
        organisation, role = wanted.pop(membership.organisation_id)
        fields = []
        if membership.role != role:
            membership.role = role
            fields.append("role")
        if not membership.is_active:
            membership.is_active = True
            fields.append("is_active")
        if fields:
            membership.save(update_fields=fields)
            audit_record(
                event=DemoEvent.RESTORED,
                actor=actor.within(organisation),
                target=membership,
                changed_fields=fields,
            )
            changed = True
    for organisation, role in wanted.values():
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        audit_record(
            event=DemoEvent.CREATED,
            actor=actor.within(organisation),
            target=membership,
            changed_fields=["user", "organisation", "role"],
        )
        changed = True
    return changed


def _sync_authenticator(user: User, actor: Actor) -> bool:
    """Leave the user one confirmed authenticator holding their published demo key."""
    key = demo_totp_key(user.username).hex()
    devices = list(TOTPDevice.objects.filter(user=user))
    device = next((d for d in devices if d.key == key), None)
    others = [d for d in devices if d is not device]
    for other in others:
        other.delete()
    created = device is None
    fields = []
    if device is None:
        TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
    else:
        if not device.confirmed:
            device.confirmed = True
            fields.append("confirmed")
        if device.name != TOTP_DEVICE_NAME:
            device.name = TOTP_DEVICE_NAME
            fields.append("name")
        if device.throttling_failure_count:
            # A tester who mistyped codes would otherwise wait out django-otp's back-off.
            device.throttling_failure_count = 0
            device.throttling_failure_timestamp = None
            fields += ["throttling_failure_count", "throttling_failure_timestamp"]
        if fields:
            device.save(update_fields=fields)
    if not (created or others or fields):
        return False
    audit_record(event=DemoEvent.AUTHENTICATOR_RESTORED, actor=actor, target=user)
    return True


@transaction.atomic
def demo_user_sync(
    *,
    spec: DemoUserSpec,
    organisations: dict[str, Organisation],
    password: DemoPassword,
    actor: Actor,
) -> tuple[User, Change]:
    """Create the demo account `spec` describes, or put it back as documented."""
    desired: dict[str, Any] = {
        "full_name": spec.full_name,
        "email": spec.email,
        "is_active": True,
        "is_staff": spec.is_superuser,
        "is_superuser": spec.is_superuser,
        "must_change_password": False,
    }
    wanted = {
        organisations[slug].pk: (organisations[slug], role) for slug, role in spec.memberships
    }
    user = User.objects.filter(username=spec.username).first()
    if user is not None and not DemoAccount.objects.filter(user=user).exists():
        raise DemoDataError(
            _("User %(username)s exists and is not a demo account; demo data leaves it alone.")
            % {"username": spec.username}
        )
    if user is None:
        user = User(username=spec.username, password=password.encoded, **desired)
        user.save()
        DemoAccount.objects.create(user=user)
        audit_record(
            event=DemoEvent.CREATED,
            actor=actor,
            target=user,
            changed_fields=["username", "password", *desired],
        )
        _sync_memberships(user, wanted, actor)
        _sync_authenticator(user, actor)
        return user, Change.CREATED

    changed = [name for name, value in desired.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, desired[name])
    if not password.matches(user.password):
        user.password = password.encoded
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
        audit_record(event=DemoEvent.RESTORED, actor=actor, target=user, changed_fields=changed)
    memberships_changed = _sync_memberships(user, wanted, actor)
    authenticator_changed = _sync_authenticator(user, actor)
    if changed or memberships_changed or authenticator_changed:
        return user, Change.UPDATED
    return user, Change.UNCHANGED


@transaction.atomic
def demo_load(*, actor: Actor = DEMO_ACTOR) -> DemoLoadReport:
    """Load every demo organisation and demo account; a second run changes nothing."""
    ensure_demo_allowed()
    if not settings.DEMO_PASSWORD:
        raise DemoDataError(_("DEMO_PASSWORD is empty; demo accounts need a password."))
    stored = User.objects.filter(
        demo_account__isnull=False, username__in=[spec.username for spec in USERS]
    ).values_list("password", flat=True)
    password = DemoPassword(settings.DEMO_PASSWORD, stored_hashes=sorted(set(stored)))
    provinces = _provinces_by_code(code for spec in ORGANISATIONS for code in spec.provinces)
    report = DemoLoadReport()
    organisations: dict[str, Organisation] = {}
    for org_spec in ORGANISATIONS:
        parent = organisations[org_spec.parent] if org_spec.parent else None
        organisation, change = demo_organisation_sync(
            spec=org_spec,
            parent=parent,
            provinces=[provinces[code] for code in org_spec.provinces],
            actor=actor,
        )
        organisations[org_spec.slug] = organisation
        report.organisations.add(change)
    for user_spec in USERS:
        _user, change = demo_user_sync(
            spec=user_spec,
            organisations=organisations,
            password=password,
            actor=actor,
        )
        report.users.add(change)
    return report
