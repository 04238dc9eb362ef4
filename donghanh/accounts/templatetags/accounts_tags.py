from __future__ import annotations

from datetime import timedelta
from math import ceil

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def lockout_minutes(cooloff: timedelta | None = None) -> int:
    """Minutes an account stays locked: django-axes' cool-off if it passed one, else settings."""
    if isinstance(cooloff, timedelta) and cooloff.total_seconds() > 0:
        return max(1, ceil(cooloff.total_seconds() / 60))
    return int(settings.LOGIN_COOLOFF_MINUTES)
