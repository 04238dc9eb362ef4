"""What the duplicates app records in the audit log: registry scans started and ended, the
review queue and its pairs read, decisions on pairs, merges and their undoing.

Details are record ids, counts and codes, never a name or a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction
from donghanh.duplicates.models import Decision

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DuplicatesEvent(AuditEvent):
    @classmethod
    def value_labels(cls) -> Mapping[str, Mapping[str, StrOrPromise]]:
        return {"decision": dict(Decision.choices)}

    SCAN_STARTED = (
        "duplicate_scan.started",
        AuditAction.VIEW,
        _("scan for records of the same person started: %(records)s records"),
    )
    SCAN_FINISHED = (
        "duplicate_scan.finished",
        AuditAction.CREATE,
        _(
            "scan for records of the same person finished: %(pairs)s likely pairs, "
            "%(new)s new, in %(clusters)s groups"
        ),
    )
    SCAN_FAILED = (
        "duplicate_scan.failed",
        AuditAction.UPDATE,
        _("scan for records of the same person stopped on an error"),
    )
    QUEUE_VIEWED = (
        "duplicate_pair.listed",
        AuditAction.VIEW,
        _("likely duplicates read: %(shown)s pairs shown"),
    )
    PAIR_VIEWED = (
        "duplicate_pair.viewed",
        AuditAction.VIEW,
        _("likely duplicates compared: persons %(person_a)s and %(person_b)s"),
    )
    PAIR_DECIDED = (
        "duplicate_pair.decided",
        AuditAction.UPDATE,
        _("likely duplicates persons %(person_a)s and %(person_b)s: %(decision)s"),
    )
    MERGE_VIEWED = (
        "person_merge.viewed",
        AuditAction.VIEW,
        _("merge of person %(merged)s into person %(survivor)s opened"),
    )
    PERSON_MERGED = (
        "person.merged",
        AuditAction.UPDATE,
        _("person %(merged)s merged into person %(survivor)s: %(moved)s records moved"),
    )
    MERGE_UNDONE = (
        "person.merge_undone",
        AuditAction.UPDATE,
        _(
            "merge of person %(merged)s into person %(survivor)s undone: "
            "%(moved)s records moved back"
        ),
    )
