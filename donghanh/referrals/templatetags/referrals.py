from __future__ import annotations

from django import template

from donghanh.cases.models import Case
from donghanh.organisations.models import Organisation
from donghanh.referrals.models import Referral
from donghanh.referrals.selectors import referrals_of_case

register = template.Library()


@register.simple_tag
def case_referrals(case: Case, organisation: Organisation) -> list[Referral]:
    """The case's referrals and transfers that the organisation sent or received (one query),
    for the case page; after a transfer, the new owner does not see the old owner's others."""
    return referrals_of_case(case, organisation)
