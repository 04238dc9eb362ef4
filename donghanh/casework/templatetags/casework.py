"""The case page's case-work section gathers its own data, so the cases view needs no change."""

from __future__ import annotations

from typing import Any

from django import template

from donghanh.cases.models import Case
from donghanh.casework.selectors import CaseWork, case_work
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows

register = template.Library()


@register.simple_tag(takes_context=True)
def casework_for(context: Any, case: Case) -> CaseWork:
    return case_work(case)


@register.simple_tag(takes_context=True)
def casework_can_approve(context: Any, case: Case) -> bool:
    """Whether the signed-in user may decide on the case's plan (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    membership = context.get("membership")
    if membership is None:
        membership = Membership.objects.filter(
            user=user, organisation_id=case.organisation_id, is_active=True
        ).first()
    return membership is not None and role_allows(membership.role, Perm.APPROVE_CASES)
