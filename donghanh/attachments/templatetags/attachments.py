from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def file_size(size: int) -> str:
    """A size in bytes as kB or MB (numbers, no words to translate)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB"
