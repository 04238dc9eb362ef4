from __future__ import annotations

from django import template

from donghanh.imports.kinds.base import get_kind

register = template.Library()


@register.filter
def import_kind_label(code: str) -> str:
    """The label of the import kind named `code` (the code itself for a kind that is gone)."""
    kind = get_kind(code)
    return str(kind.label) if kind is not None else code
