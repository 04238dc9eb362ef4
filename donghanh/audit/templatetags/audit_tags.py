from __future__ import annotations

from django import template

from donghanh.audit.selectors import record_type_label

register = template.Library()


@register.filter
def record_type(target_type: str) -> str:
    """The translated name of an audit entry's record type."""
    return record_type_label(target_type)
