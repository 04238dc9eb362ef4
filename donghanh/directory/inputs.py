"""What an editor (or an import) sets on a provider, and what is wrong with it.

The checks are pure: the edit page's services run them before writing
(`donghanh/directory/services.py`), and an import runs them on every row of a file before
anything is written (`donghanh/imports/kinds/providers.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from donghanh.core.text import fold, nfc
from donghanh.directory.contacts import looks_like_phone, obsolete_numbers_in
from donghanh.directory.models import (
    VIETNAM_TIME_ZONE,
    ContactChannel,
    Country,
    Language,
    Provider,
    ProviderTimeZone,
)
from donghanh.organisations.models import Organisation
from donghanh.places.models import Commune, Province
from donghanh.reference.domains import ServiceDomain

# Words that mark an invented provider's name as an example, folded.
EXAMPLE_MARKERS = ("vi du", "example")

TEXT_FIELDS = (
    "name",
    "name_en",
    "description",
    "description_en",
    "eligibility",
    "cost_note",
    "hours_note",
    "source",
)


@dataclass(frozen=True)
class ContactInput:
    kind: str
    value: str
    label: str = ""


@dataclass(frozen=True)
class HoursInput:
    weekday: int
    opens: time
    closes: time


@dataclass
class ProviderInput:
    """Everything an editor sets on a provider (verification is a separate action)."""

    name: str
    kind: str
    name_en: str = ""
    organisation: Organisation | None = None
    description: str = ""
    description_en: str = ""
    eligibility: str = ""
    cost: str = Provider.Cost.FREE
    cost_note: str = ""
    services: Sequence[str] = ()
    serves_nationwide: bool = False
    provinces: Sequence[Province] = ()
    communes: Sequence[Commune] = ()
    serves_all_countries: bool = False
    countries: Sequence[str] = ()
    languages: Sequence[str] = ()
    interpreting: bool = False
    open_24_7: bool = False
    time_zone: str = VIETNAM_TIME_ZONE
    hours: Sequence[HoursInput] = ()
    hours_note: str = ""
    contacts: Sequence[ContactInput] = ()
    shown_to_public: bool = False
    is_example: bool = False
    is_active: bool = True
    source: str = ""
    # Filled by `normalised`.
    organisation_id: int | None = field(default=None, init=False)


def normalised(data: ProviderInput) -> ProviderInput:
    data = replace(data)  # the caller's copy stays as it was
    for name in TEXT_FIELDS:
        setattr(data, name, nfc(getattr(data, name)).strip())
    data.contacts = [
        ContactInput(kind=c.kind, value=nfc(c.value).strip(), label=nfc(c.label).strip())
        for c in data.contacts
        if c.value.strip()
    ]
    data.organisation_id = data.organisation.pk if data.organisation is not None else None
    if data.open_24_7:
        data.hours = []
    return data


def input_errors(data: ProviderInput) -> dict[str, list[str]]:
    """What is wrong with `data`, by field name (the names of the edit form's fields)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.name:
        add("name", _("Enter the provider's name."))
    if data.kind not in Provider.Kind.values:
        add("kind", _("Choose one of the kinds in the list."))
    if data.cost not in Provider.Cost.values:
        add("cost", _("Choose one of the costs in the list."))
    if data.time_zone not in ProviderTimeZone.values:
        add("time_zone", _("Choose one of the time zones in the list."))
    for values, allowed, name in (
        (data.services, ServiceDomain.values, "services"),
        (data.languages, Language.values, "languages"),
        (data.countries, Country.values, "countries"),
    ):
        if set(values) - set(allowed):
            add(name, _("Choose only from the list."))
    if data.is_example and not any(marker in fold(data.name) for marker in EXAMPLE_MARKERS):
        add(
            "name",
            _(
                "An invented provider must say so in its name, for example "
                "“Ví dụ – Trung tâm công tác xã hội”."
            ),
        )
    # The message does not repeat the number: it is never shown, not even in an error.
    obsolete = _(
        "This is the number of the old child line, which no longer works: give hotline 111 instead."
    )
    for name in TEXT_FIELDS:
        if obsolete_numbers_in(getattr(data, name)):
            add(name, obsolete)
    for contact in data.contacts:
        if obsolete_numbers_in(f"{contact.value} {contact.label}"):
            add("contacts", obsolete)
        message = contact_error(contact)
        if message:
            add("contacts", message)
    seen: set[tuple[int, time]] = set()
    for period in data.hours:
        if (period.weekday, period.opens) in seen:
            add("hours", _("Two periods on the same day start at the same time."))
        seen.add((period.weekday, period.opens))
    return errors


def contact_error(contact: ContactInput) -> str:
    kind = ContactChannel.Kind
    if contact.kind not in kind.values:
        return _("Choose the kind of each contact.")
    if contact.kind == kind.PHONE and not looks_like_phone(contact.value):
        return _("“%(value)s” is not a phone number: use digits, spaces and a leading +.") % {
            "value": contact.value
        }
    if contact.kind == kind.EMAIL:
        try:
            validate_email(contact.value)
        except ValidationError:
            return _("“%(value)s” is not an email address.") % {"value": contact.value}
    if contact.kind == kind.WEBSITE:
        try:
            URLValidator(schemes=["http", "https"])(contact.value)
        except ValidationError:
            return _("“%(value)s” is not a web address: start it with https://.") % {
                "value": contact.value
            }
    return ""


def provider_input_problems(data: ProviderInput) -> dict[str, list[str]]:
    """What is wrong with `data` once tidied as the services store it, by the edit form's
    field names; empty when it can be saved."""
    return input_errors(normalised(data))
