"""Writes for the service directory, each in one transaction with its audit row.

Audit rows name the provider by type and id and list the changed fields, never values. The
organisation on the row is the one the actor acts for (the membership that allowed the edit), so
the edit shows in that organisation's audit log; the demo loader
(donghanh/demo/directory_services.py) acts for none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.core.editing import StaleEditError
from donghanh.core.page_cache import invalidate_public_pages
from donghanh.core.text import search_text, search_words
from donghanh.directory.contacts import digits_of
from donghanh.directory.events import DirectoryEvent
from donghanh.directory.inputs import (
    TEXT_FIELDS,
    ProviderInput,
    input_errors,
    normalised,
)

# Where the forms, the demo loader and the tests have always found the inputs.
from donghanh.directory.inputs import ContactInput as ContactInput
from donghanh.directory.inputs import HoursInput as HoursInput
from donghanh.directory.models import (
    ContactChannel,
    OpeningHours,
    Provider,
    ProviderCountry,
    ProviderLanguage,
    ProviderService,
)
from donghanh.reference.domains import ServiceDomain

_SCALAR_FIELDS = (
    *TEXT_FIELDS,
    "kind",
    "organisation_id",
    "cost",
    "serves_nationwide",
    "serves_all_countries",
    "interpreting",
    "open_24_7",
    "time_zone",
    "shown_to_public",
    "is_example",
    "is_active",
)


def _validated(data: ProviderInput) -> ProviderInput:
    data = normalised(data)
    errors = input_errors(data)
    if errors:
        raise ValidationError(errors)
    return data


def _labels(data: ProviderInput) -> list[str]:
    """The kind and services in Vietnamese and in English, so "tam ly" finds psychologists."""
    labels = []
    for language in ("vi", "en"):
        with translation.override(language):
            labels.append(str(Provider.Kind(data.kind).label))
            labels += [str(ServiceDomain(domain).label) for domain in data.services]
    return labels


def _folded(provider: Provider, data: ProviderInput) -> tuple[str, str]:
    organisation = data.organisation
    parts = [data.name, data.name_en, data.description, data.description_en, data.eligibility]
    if organisation is not None:
        parts += [organisation.name, organisation.name_en, organisation.short_name]
    for contact in data.contacts:
        parts += [contact.value, contact.label]
        if contact.kind in (ContactChannel.Kind.PHONE, ContactChannel.Kind.ZALO):
            parts.append(digits_of(contact.value))
    parts += _labels(data)
    folded_name = " ".join(search_words(f"{data.name} {data.name_en}"))
    return folded_name[:401], search_text(*parts)


def _sync_codes(provider: Provider, model: Any, attribute: str, wanted: Sequence[str]) -> bool:
    existing = set(model.objects.filter(provider=provider).values_list(attribute, flat=True))
    wanted_set = set(wanted)
    if existing == wanted_set:
        return False
    model.objects.filter(provider=provider, **{f"{attribute}__in": existing - wanted_set}).delete()
    model.objects.bulk_create(
        [model(provider=provider, **{attribute: code}) for code in sorted(wanted_set - existing)]
    )
    return True


def _sync_related(provider: Provider, data: ProviderInput) -> list[str]:
    """Bring the provider's child rows and places in line with `data`; the names that changed."""
    changed = []
    for model, attribute, wanted, name in (
        (ProviderService, "domain", data.services, "services"),
        (ProviderLanguage, "code", data.languages, "languages"),
        (ProviderCountry, "code", data.countries, "countries"),
    ):
        if _sync_codes(provider, model, attribute, wanted):
            changed.append(name)
    for relation, objects in (("provinces", data.provinces), ("communes", data.communes)):
        manager = getattr(provider, relation)
        wanted_codes = {place.pk for place in objects}
        if set(manager.values_list("pk", flat=True)) != wanted_codes:
            manager.set(list(objects))
            changed.append(relation)

    contacts = [(c.kind, c.value, c.label) for c in data.contacts]
    stored = list(
        provider.contacts.order_by("position", "id").values_list("kind", "value", "label")
    )
    if stored != contacts:
        provider.contacts.all().delete()
        ContactChannel.objects.bulk_create(
            ContactChannel(provider=provider, kind=k, value=v, label=label, position=position)
            for position, (k, v, label) in enumerate(contacts)
        )
        changed.append("contacts")

    hours = {(h.weekday, h.opens, h.closes) for h in data.hours}
    stored_hours = set(provider.opening_hours.values_list("weekday", "opens", "closes"))
    if stored_hours != hours:
        provider.opening_hours.all().delete()
        OpeningHours.objects.bulk_create(
            OpeningHours(provider=provider, weekday=w, opens=o, closes=c)
            for w, o, c in sorted(hours)
        )
        changed.append("opening_hours")
    return changed


def _forget_public_pages() -> None:
    # The public "find help" pages show providers; they are cached until something changes.
    # After the commit, so that no page is cached again from the old rows meanwhile.
    transaction.on_commit(invalidate_public_pages)


@transaction.atomic
def provider_create(
    *,
    data: ProviderInput,
    actor: Actor,
    source_key: str = "",
    mark_verified: bool = False,
) -> Provider:
    """Add a provider to the directory. Raises ValidationError (by field) on bad data.

    With `mark_verified`, also records that the user checked the details today.
    """
    data = _validated(data)
    provider = Provider(source_key=source_key)
    for name in _SCALAR_FIELDS:
        setattr(provider, name, getattr(data, name))
    provider.folded_name, provider.folded_text = _folded(provider, data)
    provider.save()
    changed = _sync_related(provider, data)
    audit_record(
        event=DirectoryEvent.PROVIDER_CREATED,
        actor=actor,
        target=provider,
        changed_fields=[name.removesuffix("_id") for name in _SCALAR_FIELDS] + changed,
    )
    _forget_public_pages()
    if mark_verified:
        provider_mark_verified(provider=provider, actor=actor)
    return provider


@transaction.atomic
def provider_update(
    *,
    provider: Provider,
    data: ProviderInput,
    expected_version: int,
    actor: Actor,
    mark_verified: bool = False,
) -> tuple[Provider, list[str]]:
    """Apply `data`, unless someone saved the provider since `expected_version`.

    Returns the provider as stored and the names of the fields that changed; saving the same
    values changes nothing and writes no audit row. With `mark_verified`, also records that the
    user checked the details today (whether or not anything changed).
    """
    current = Provider.objects.select_for_update().get(pk=provider.pk)
    if current.version != expected_version:
        raise StaleEditError(
            changed_fields=(),
            current_version=current.version,
            message=_(
                "Someone else saved this provider after you opened it. Your changes were not "
                "saved: open the provider again to see the current details, then make your "
                "changes again."
            ),
        )
    data = _validated(data)
    changed = [name for name in _SCALAR_FIELDS if getattr(current, name) != getattr(data, name)]
    for name in changed:
        setattr(current, name, getattr(data, name))
    changed += _sync_related(current, data)
    folded_name, folded_text = _folded(current, data)
    search_changed = (folded_name, folded_text) != (current.folded_name, current.folded_text)
    if mark_verified:
        provider_mark_verified(provider=current, actor=actor)
    if not changed and not search_changed:
        return current, []
    current.folded_name, current.folded_text = folded_name, folded_text
    update_fields = [name for name in changed if name in _SCALAR_FIELDS]
    update_fields += ["folded_name", "folded_text", "updated_at"]
    if changed:
        current.version += 1
        update_fields.append("version")
    current.save(update_fields=update_fields)
    if changed:
        changed = [name.removesuffix("_id") for name in changed]
        audit_record(
            event=DirectoryEvent.PROVIDER_UPDATED,
            actor=actor,
            target=current,
            changed_fields=changed,
            details={"version": current.version},
        )
    _forget_public_pages()
    return current, changed


@transaction.atomic
def provider_mark_verified(
    *,
    provider: Provider,
    actor: Actor,
    on: date | None = None,
) -> Provider:
    """Record that the provider's details were checked `on` (today by default) by the user.

    Verification does not count as an edit: it leaves the version alone, so it never makes a
    colleague's open edit stale.
    """
    on = on or timezone.localdate()
    provider.last_verified_on = on
    provider.verified_by_id = actor.user_id
    provider.save(update_fields=["last_verified_on", "verified_by", "updated_at"])
    audit_record(
        event=DirectoryEvent.PROVIDER_VERIFIED,
        actor=actor,
        target=provider,
        changed_fields=["last_verified_on", "verified_by"],
        details={"on": on.isoformat()},
    )
    _forget_public_pages()
    return provider
