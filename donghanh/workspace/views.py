from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from donghanh.accounts.selectors import security_notices_for
from donghanh.content.selectors import articles_due_for_review, articles_due_for_review_count
from donghanh.organisations.roles import ROLE_DESCRIPTIONS, Perm, role_allows
from donghanh.organisations.selectors import memberships_for, open_invitations_for
from donghanh.privacy.selectors import requests_due_for
from donghanh.workspace.destinations import dashboards_by_organisation, links_for


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A home page per role: one panel per organisation, saying what that role does there and
    leading to every page of it that the role may open (`destinations`)."""
    memberships = memberships_for(request.user)
    dashboards = dashboards_by_organisation(memberships)
    panels = [
        {
            "membership": membership,
            "description": ROLE_DESCRIPTIONS.get(membership.role, ""),
            "links": links_for(membership),
            "dashboards": dashboards.get(membership.organisation_id, []),
            "can_edit_content": role_allows(membership.role, Perm.EDIT_CONTENT),
        }
        for membership in memberships
    ]
    today = timezone.localdate()
    # Content is platform-wide: one panel of overdue articles, whatever the organisation.
    edits_content = any(panel["can_edit_content"] for panel in panels)
    context = {
        "panels": panels,
        "stale_articles": articles_due_for_review(today) if edits_content else [],
        "stale_article_count": articles_due_for_review_count(today) if edits_content else 0,
        "requests_due": requests_due_for(request.user),
        "notices": security_notices_for(request.user),  # type: ignore[arg-type]
        "invitations": open_invitations_for(request.user),
        "today": today,
    }
    return render(request, "workspace/home.html", context)
