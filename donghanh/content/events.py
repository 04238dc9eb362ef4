"""What the information bank's services record in the audit log: articles created and set up,
each language's text saved, submitted, reviewed and published.

Articles and texts are the rows' targets; labels carry only version numbers, never a title.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from donghanh.audit.events import AuditEvent
from donghanh.audit.models import AuditAction


class ContentEvent(AuditEvent):
    ARTICLE_CREATED = "content.article_created", AuditAction.CREATE, _("article created")
    SETTINGS_CHANGED = (
        "content.settings_changed",
        AuditAction.UPDATE,
        _("article settings changed, now version %(version)s"),
    )
    TEXT_CREATED = (
        "content.text_created",
        AuditAction.CREATE,
        _("article text saved as draft, now version %(version)s"),
    )
    TEXT_SAVED = (
        "content.text_saved",
        AuditAction.UPDATE,
        _("article text saved as draft, now version %(version)s"),
    )
    TEXT_SUBMITTED = (
        "content.text_submitted",
        AuditAction.UPDATE,
        _("article text submitted for review"),
    )
    CHANGES_REQUESTED = (
        "content.changes_requested",
        AuditAction.UPDATE,
        _("article text sent back with changes requested"),
    )
    TEXT_PUBLISHED = (
        "content.text_published",
        AuditAction.UPDATE,
        _("article text published as version %(number)s"),
    )
    VERSION_PUBLISHED = (
        "content.version_published",
        AuditAction.CREATE,
        _("article version published"),
    )
    VERSION_IMPORTED = (
        "content.version_imported",
        AuditAction.CREATE,
        _("article version published from the content files"),
    )
