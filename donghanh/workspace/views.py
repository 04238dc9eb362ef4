from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import memberships_for


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A home page per role: one panel per organisation, with what that role may do there."""
    panels = [
        {
            "membership": membership,
            "perms": {perm.value for perm in Perm if role_allows(membership.role, perm)},
        }
        for membership in memberships_for(request.user)
    ]
    return render(request, "workspace/home.html", {"panels": panels})
