from __future__ import annotations

from django import template

from donghanh.audit.models import AuditEntry
from donghanh.audit.selectors import changed_field_labels, entry_description, record_type_label

register = template.Library()


@register.filter
def record_type(target_type: str) -> str:
    """The translated name of an audit entry's record type."""
    return record_type_label(target_type)


@register.filter
def audit_details(entry: AuditEntry) -> str:
    """What happened, in the reader's language (rows from before typed events: as written)."""
    return entry_description(entry)


@register.filter
def changed_fields(entry: AuditEntry) -> str:
    """The fields a row lists as changed, by their names in the reader's language."""
    return ", ".join(changed_field_labels(entry))
