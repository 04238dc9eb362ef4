from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import memberships_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's organisations and roles, for the navigation of every page, and
    whether the menu offers the service directory (only to those it opens for)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = memberships_for(user)
    return {
        "nav_memberships": memberships,
        "nav_directory": any(role_allows(m.role, Perm.VIEW_DIRECTORY) for m in memberships),
    }
