from __future__ import annotations

from django import template

from donghanh.attachments.models import Attachment
from donghanh.attachments.selectors import attachments_of_case
from donghanh.cases.models import Case

register = template.Library()


@register.simple_tag
def case_attachments(case: Case) -> list[Attachment]:
    """The attachments of a case the page has already opened through the access check."""
    return attachments_of_case(case)


@register.filter
def file_size(size: int) -> str:
    """A size in bytes as kB or MB (numbers, no words to translate)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    return f"{size / (1024 * 1024):.1f} MB"
