"""Typed audit events: what happened, as a member of an enum, never free text.

Each app declares what its services record in its own `events.py`:

    class PeopleEvent(AuditEvent):
        REGISTERED = "person.registered", AuditAction.CREATE, _("Person registered")
        CONSENT_WITHDRAWN = (
            "consent.withdrawn", AuditAction.UPDATE, _("Consent withdrawn: %(purpose)s")
        )

The code (first item) is stored on the audit row and never changes once rows carry it; the
action is the broad kind of event the log filters on; the label is shown in the reader's
language, filled with the row's `details` (numbers and codes only: never a name or a value a
person typed). The audit app finds every app's `events` module at start-up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from donghanh.audit.models import AuditAction

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AuditEvent(Enum):
    """The base of every app's event enum; it has no members of its own."""

    action: AuditAction
    label: StrOrPromise

    def __new__(cls, code: str, action: AuditAction, label: StrOrPromise) -> AuditEvent:
        member = object.__new__(cls)
        member._value_ = code
        member.action = action
        member.label = label
        return member

    @property
    def code(self) -> str:
        return str(self.value)

    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        """The labels of the codes a detail holds, by detail: a status or a role is shown by its
        name in the reader's language ("Đang mở"), never by its code ("open")."""
        return {}

    def describe(self, details: Mapping[str, Any] | None = None, *, codes: bool = False) -> str:
        """The label in the active language, filled with the row's details (with `codes`, the
        codes as stored rather than their labels)."""
        text = str(self.label)
        if not details or "%(" not in text:
            return text
        labels = {} if codes else type(self).value_labels()
        try:
            return text % {
                key: _shown(value, labels.get(key, {})) for key, value in details.items()
            }
        except (KeyError, TypeError, ValueError):
            return text


def _shown(value: Any, labels: Mapping[str, StrOrPromise]) -> Any:
    if isinstance(value, list | tuple):
        return ", ".join(str(labels.get(item, item)) for item in value) if value else "–"
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    return value


def _members(cls: type[AuditEvent]) -> Iterator[AuditEvent]:
    for subclass in cls.__subclasses__():
        yield from subclass
        yield from _members(subclass)


_registry: dict[str, AuditEvent] = {}
_seen_classes = 0


def event_for_code(code: str) -> AuditEvent | None:
    """The event a stored code names, or None for rows written before events were typed."""
    global _seen_classes
    classes = _count_classes(AuditEvent)
    if classes != _seen_classes:
        _registry.clear()
        for member in _members(AuditEvent):
            if member.code in _registry and _registry[member.code] is not member:
                raise ValueError(f"two audit events share the code {member.code!r}")
            _registry[member.code] = member
        _seen_classes = classes
    return _registry.get(code)


def _count_classes(cls: type) -> int:
    return sum(1 + _count_classes(sub) for sub in cls.__subclasses__())


def all_events() -> list[AuditEvent]:
    event_for_code("")
    return list(_registry.values())


def discover_events() -> None:
    """Import every installed app's `events` module, so every code can be described."""
    autodiscover_modules("events")


class AdminEvent(AuditEvent):
    """Records created, changed or deleted in Django's system administration."""

    CREATED = "admin.created", AuditAction.CREATE, _("Created in system administration")
    CHANGED = "admin.changed", AuditAction.UPDATE, _("Changed in system administration")
    DELETED = "admin.deleted", AuditAction.DELETE, _("Deleted in system administration")
