"""What the people app records in the audit log: people registered, changed, opened and
searched, possible duplicates shown, duplicate notices written, read and
dismissed, guardians added, consents recorded and withdrawn, the data key rotated, the search
indexes rebuilt.

The labels keep the English text these rows carried before events were typed, so that the
summaries stay the same; the details are record ids, counts and codes, never a name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction
from donghanh.people.models import Consent

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PeopleEvent(AuditEvent):
    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        return {"purpose": dict(Consent.Purpose.choices)}

    PERSON_REGISTERED = "person.registered", AuditAction.CREATE, _("person registered")
    PERSON_CHANGED = (
        "person.changed",
        AuditAction.UPDATE,
        _("person record changed, now version %(version)s"),
    )
    PERSON_VIEWED = "person.viewed", AuditAction.VIEW, _("person record opened")
    PEOPLE_SEARCHED = "person.searched", AuditAction.VIEW, _("person search: %(count)s found")
    PEOPLE_LISTED = (
        "person.listed",
        AuditAction.VIEW,
        _("person list read: %(shown)s of %(count)s shown"),
    )
    DUPLICATES_SHOWN = (
        "person.duplicates_shown",
        AuditAction.VIEW,
        _("registration stopped on possible duplicates: %(shown)s shown"),
    )
    DUPLICATE_NOTICE_CREATED = (
        "duplicate_notice.created",
        AuditAction.CREATE,
        _("another organisation registered a likely match of person %(person)s"),
    )
    DUPLICATE_NOTICES_VIEWED = (
        "duplicate_notice.listed",
        AuditAction.VIEW,
        _("duplicate notices read: %(shown)s shown"),
    )
    DUPLICATE_NOTICE_DISMISSED = (
        "duplicate_notice.dismissed",
        AuditAction.UPDATE,
        _("duplicate notice about person %(person)s dismissed"),
    )
    GUARDIAN_ADDED = (
        "guardian.added",
        AuditAction.CREATE,
        _("guardian added to person %(person)s"),
    )
    CONSENT_RECORDED = (
        "consent.recorded",
        AuditAction.CREATE,
        _("consent recorded for person %(person)s: %(purpose)s"),
    )
    SHARING_CONSENT_RECORDED = (
        "consent.recorded_for_sharing",
        AuditAction.CREATE,
        _("consent recorded for person %(person)s: %(purpose)s with organisation %(organisation)s"),
    )
    CONSENT_WITHDRAWN = (
        "consent.withdrawn",
        AuditAction.UPDATE,
        _("consent withdrawn for person %(person)s: %(purpose)s"),
    )
    DATA_KEY_ROTATED = (
        "data_key.rotated",
        AuditAction.UPDATE,
        _("data key rotation: %(values)s values re-encrypted, %(indexes)s search indexes rebuilt"),
    )
    PERSON_TOKENS_REBUILT = (
        "person.tokens_rebuilt",
        AuditAction.UPDATE,
        _("search indexes of people rebuilt: %(people)s people changed"),
    )
