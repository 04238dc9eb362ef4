"""What data-subject requests and what they do to a person's data record in the audit log.

The labels name records by type and id (`details`: the person's and the request's ids, counts,
the kind of request, the file format and language of a copy), never a person or a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction
from donghanh.privacy.models import RequestKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PrivacyEvent(AuditEvent):
    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        return {"kind": dict(RequestKind.choices), "language": dict(settings.LANGUAGES)}

    REQUEST_REGISTERED = (
        "privacy.request_registered",
        AuditAction.CREATE,
        _("data-subject request registered for person %(person)s: %(kind)s"),
    )
    REQUEST_ACKNOWLEDGED = (
        "privacy.request_acknowledged",
        AuditAction.UPDATE,
        _("data-subject request acknowledged"),
    )
    REQUEST_ACKNOWLEDGED_LATE = (
        "privacy.request_acknowledged_late",
        AuditAction.UPDATE,
        _("data-subject request acknowledged (late)"),
    )
    REQUEST_STARTED = (
        "privacy.request_started",
        AuditAction.UPDATE,
        _("data-subject request in progress"),
    )
    REQUEST_EXTENDED = (
        "privacy.request_extended",
        AuditAction.UPDATE,
        _("data-subject request extended by %(days)s days"),
    )
    REQUEST_COMPLETED = (
        "privacy.request_completed",
        AuditAction.UPDATE,
        _("data-subject request completed"),
    )
    REQUEST_COMPLETED_LATE = (
        "privacy.request_completed_late",
        AuditAction.UPDATE,
        _("data-subject request completed (late)"),
    )
    REQUEST_REFUSED = (
        "privacy.request_refused",
        AuditAction.UPDATE,
        _("data-subject request refused"),
    )
    COPY_GIVEN = (
        "privacy.copy_given",
        AuditAction.DISCLOSE,
        _("copy of the data given to the data subject, request %(request)s"),
    )
    PERSON_EXPORTED = (
        "privacy.person_exported",
        AuditAction.EXPORT,
        _("copy of the person's data exported as %(format)s (%(language)s)"),
    )
    PERSON_EXPORTED_FOR_REQUEST = (
        "privacy.person_exported_for_request",
        AuditAction.EXPORT,
        _(
            "copy of the person's data exported as %(format)s (%(language)s) for data-subject "
            "request %(request)s"
        ),
    )
    PERSON_ERASED = (
        "privacy.person_erased",
        AuditAction.DELETE,
        _("person erased (%(guardians)s guardians, %(consents)s consents)"),
    )
    PERSON_ERASED_FOR_REQUEST = (
        "privacy.person_erased_for_request",
        AuditAction.DELETE,
        _(
            "person erased (%(guardians)s guardians, %(consents)s consents) on data-subject "
            "request %(request)s"
        ),
    )
    PERSON_DEIDENTIFIED = (
        "privacy.person_deidentified",
        AuditAction.UPDATE,
        _("person de-identified, now version %(version)s"),
    )
    PERSON_DEIDENTIFIED_FOR_REQUEST = (
        "privacy.person_deidentified_for_request",
        AuditAction.UPDATE,
        _("person de-identified, now version %(version)s, on data-subject request %(request)s"),
    )
