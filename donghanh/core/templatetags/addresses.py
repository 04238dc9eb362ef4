"""`{% address 'view' key=value ... %}`: `{% url %}` from addresses reversed once per view
(`donghanh.core.addresses`), for pages that draw many links."""

from __future__ import annotations

from typing import Any

from django import template

from donghanh.core.addresses import address as _address

register = template.Library()


@register.simple_tag
def address(viewname: str, **kwargs: Any) -> str:
    return _address(viewname, **kwargs)
