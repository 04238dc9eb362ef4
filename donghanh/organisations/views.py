from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from donghanh.organisations.roles import Perm
from donghanh.organisations.selectors import access_membership, members_of


@require_GET
@login_required
def detail(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_ORGANISATION)
    return render(
        request,
        "organisations/detail.html",
        {"membership": membership, "organisation": membership.organisation},
    )


@require_GET
@login_required
def members(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.MANAGE_MEMBERS)
    return render(
        request,
        "organisations/members.html",
        {
            "organisation": membership.organisation,
            "members": members_of(membership.organisation_id),
        },
    )


@require_GET
@login_required
def audit_log(request: HttpRequest, org: str) -> HttpResponse:
    membership = access_membership(request.user, org, Perm.VIEW_AUDIT_LOG)
    return render(
        request, "organisations/audit_log.html", {"organisation": membership.organisation}
    )
