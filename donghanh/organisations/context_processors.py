from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from donghanh.organisations.selectors import memberships_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's organisations and roles, for the navigation of every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_memberships": memberships_for(user)}
