"""Writes and audited reads of safe addresses: every one writes its audit row, which names the
address by its id only."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.cases.models import Case
from donghanh.cases.services import ensure_case_not_closed
from donghanh.core.actor import Actor
from donghanh.core.editing import EditSpec
from donghanh.core.idempotency import once
from donghanh.core.text import nfc
from donghanh.livelihood.events import LivelihoodEvent

from .models import SafeAddress, SafePlaceKind, SafePlacement

FIELDS = (
    "name",
    "kind",
    "commune",
    "address",
    "contact_name",
    "contact_phone",
    "capacity",
    "vouched_by",
    "last_checked_on",
    "is_active",
    "notes",
)
SAFE_ADDRESS_EDITS = EditSpec.for_model(SafeAddress, fields=FIELDS, purpose="safe-address-edit")


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {
        name: nfc(value).strip() if isinstance(value, str) else value
        for name, value in values.items()
    }
    errors = {}
    if "kind" in cleaned and cleaned["kind"] not in SafePlaceKind.values:
        errors["kind"] = _("Choose the kind of place.")
    if "capacity" in cleaned and (cleaned["capacity"] or 0) < 1:
        errors["capacity"] = _("A safe address shelters at least one person.")
    checked = cleaned.get("last_checked_on")
    if checked is not None and checked > timezone.localdate():
        errors["last_checked_on"] = _("The date cannot be in the future.")
    for required in ("name", "address", "vouched_by"):
        if required in cleaned and not cleaned[required]:
            errors[required] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _audit(event: LivelihoodEvent, *, actor: Actor, place: SafeAddress, **extra: Any) -> None:
    audit_record(
        event=event,
        actor=actor,
        target=place,
        organisation=place.organisation,
        changed_fields=extra.pop("changed", ()),
        details=extra,
    )


@transaction.atomic
def safe_address_add(
    *, actor: Actor, organisation: Any, idempotency_key: str = "", **values: Any
) -> SafeAddress:
    if set(values) - set(FIELDS):
        raise TypeError(f"unknown fields: {sorted(set(values) - set(FIELDS))}")

    def create() -> SafeAddress:
        place = SafeAddress(
            organisation=organisation, created_by_id=actor.user_id, **_clean(values)
        )
        place.save(force_insert=True)
        _audit(LivelihoodEvent.SAFE_ADDRESS_ADDED, actor=actor, place=place)
        return place

    place, _created = once(
        actor=actor, scope=f"safe-address:{organisation.pk}", key=idempotency_key, create=create
    )
    return place


@transaction.atomic
def safe_address_update(
    *,
    actor: Actor,
    place: SafeAddress,
    expected_version: int,
    baseline: Mapping[str, str],
    **changes: Any,
) -> SafeAddress:
    current = (
        SafeAddress.objects.select_for_update().select_related("organisation").get(pk=place.pk)
    )
    SAFE_ADDRESS_EDITS.check(current, expected_version=expected_version, baseline=baseline)
    if set(changes) - set(FIELDS):
        raise TypeError(f"not editable: {sorted(set(changes) - set(FIELDS))}")
    changed = []
    for name, value in _clean(changes).items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed.append(name)
    if changed:
        current.version += 1
        current.save(update_fields=[*changed, "version"])
        _audit(LivelihoodEvent.SAFE_ADDRESS_UPDATED, actor=actor, place=current, changed=changed)
    return current


@transaction.atomic
def safe_address_checked(
    *, actor: Actor, place: SafeAddress, on: datetime.date | None = None
) -> SafeAddress:
    """Someone visited the place and it is still safe to use."""
    current = (
        SafeAddress.objects.select_for_update().select_related("organisation").get(pk=place.pk)
    )
    current.last_checked_on = on or timezone.localdate()
    current.version += 1
    current.save(update_fields=["last_checked_on", "version"])
    _audit(LivelihoodEvent.SAFE_ADDRESS_CHECKED, actor=actor, place=current)
    return current


@transaction.atomic
def safe_address_view_record(*, actor: Actor, place: SafeAddress) -> None:
    _audit(LivelihoodEvent.SAFE_ADDRESS_VIEWED, actor=actor, place=place)


@transaction.atomic
def safe_addresses_list_record(*, actor: Actor, organisation: Any, count: int) -> None:
    audit_record(
        event=LivelihoodEvent.SAFE_ADDRESSES_LISTED,
        actor=actor,
        organisation=organisation,
        details={"count": count},
    )


# The longest emergency placement: a night or two, a week at most, then a shelter.
MOST_NIGHTS = 7


@transaction.atomic
def placement_record(
    *,
    actor: Actor,
    case: Case,
    place: SafeAddress,
    arrived_on: datetime.date,
    nights: int,
    idempotency_key: str = "",
) -> SafePlacement:
    """Place the woman of `case` at one of her organisation's safe addresses in an emergency.
    The caller has opened the case with the right to edit it. Refused for another
    organisation's place (as if it did not exist), a place that cannot be used, or a night on
    which the place already shelters as many people as it can."""

    def create() -> SafePlacement:
        ensure_case_not_closed(case)
        locked = SafeAddress.objects.select_for_update().filter(pk=place.pk).order_by("pk").first()
        if locked is None or locked.organisation_id != case.organisation_id:
            raise ValidationError({"place": _("Choose one of your organisation's safe addresses.")})
        if not locked.is_active:
            raise ValidationError(
                {
                    "place": ValidationError(
                        _("This safe address cannot be used now."), code="inactive"
                    )
                }
            )
        if not 1 <= nights <= MOST_NIGHTS:
            raise ValidationError(
                {"nights": _("A placement is from 1 to %(most)s nights.") % {"most": MOST_NIGHTS}}
            )
        if arrived_on > timezone.localdate():
            raise ValidationError({"arrived_on": _("The date cannot be in the future.")})
        leaves_on = arrived_on + datetime.timedelta(days=nights)
        earliest = arrived_on - datetime.timedelta(days=MOST_NIGHTS)
        others = [
            other
            for other in SafePlacement.objects.filter(
                place=locked, arrived_on__gte=earliest, arrived_on__lt=leaves_on
            )
            if other.leaves_on > arrived_on
        ]
        for offset in range(nights):
            night = arrived_on + datetime.timedelta(days=offset)
            there = sum(1 for other in others if other.arrived_on <= night < other.leaves_on)
            if there >= locked.capacity:
                raise ValidationError(
                    _("The safe address is full on %(day)s: choose another.")
                    % {"day": night.strftime("%d/%m/%Y")},
                    code="full",
                )
        placement = SafePlacement(
            case=case,
            place=locked,
            arrived_on=arrived_on,
            nights=nights,
            created_by_id=actor.user_id,
        )
        placement.save(force_insert=True)
        audit_record(
            event=LivelihoodEvent.SAFE_PLACEMENT_RECORDED,
            actor=actor,
            target=placement,
            organisation=locked.organisation,
            details={"case": case.pk, "place": locked.pk, "nights": nights},
        )
        return placement

    placement, _created = once(
        actor=actor, scope=f"safe-placement:{case.pk}", key=idempotency_key, create=create
    )
    return placement
