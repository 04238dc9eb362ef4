"""How each editable record of case work is compared for the stale-edit check
(`donghanh.core.editing`): the fields an edit form changes, fingerprinted under a purpose of
their own."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from donghanh.core.editing import EditSpec
from donghanh.reference.domains import ServiceDomain

from .models import (
    ASSESSED_DOMAINS,
    FollowUp,
    NeedLevel,
    NeedsAssessment,
    PlanAction,
    PlanGoal,
    ServiceDelivery,
)

GOAL_EDITS = EditSpec.for_model(
    PlanGoal, fields=("domain", "text"), purpose="casework.goal-baseline"
)
ACTION_EDITS = EditSpec.for_model(
    PlanAction,
    fields=("description", "owner", "due_on", "status"),
    purpose="casework.action-baseline",
)
SERVICE_EDITS = EditSpec.for_model(
    ServiceDelivery,
    fields=(
        "domain",
        "provider",
        "provider_name",
        "delivered_on",
        "cost_vnd",
        "regime",
        "note",
        "project",
    ),
    purpose="casework.service-baseline",
)
FOLLOW_UP_EDITS = EditSpec.for_model(
    FollowUp,
    fields=("planned_on", "method", "done_on", "outcome", "next_on"),
    purpose="casework.follow-up-baseline",
)


# A needs assessment is compared with the picture it started from (`selectors.NeedsPicture`),
# domain by domain: the level of need and the notes, as the form names them.
def _need(name: str) -> tuple[str, str]:
    part, _sep, domain = name.partition("_")
    return part, domain


def _need_value(picture: Any, name: str) -> str:
    part, domain = _need(name)
    return str((picture.levels if part == "level" else picture.notes)[domain])


def _need_label(name: str) -> str:
    part, domain = _need(name)
    label = ServiceDomain(domain).label
    if part == "level":
        return _("%(domain)s: level of need") % {"domain": label}
    return _("%(domain)s: notes") % {"domain": label}


def _need_shown(picture: Any, name: str) -> str:
    part, _domain = _need(name)
    value = _need_value(picture, name)
    if part == "level":
        return str(NeedLevel(value).label)
    return value or "—"


NEEDS_EDITS = EditSpec.for_model(
    NeedsAssessment,
    fields=[f"{part}_{domain.value}" for domain in ASSESSED_DOMAINS for part in ("level", "note")],
    purpose="casework.needs-baseline",
    value=_need_value,
    display=_need_shown,
    label=_need_label,
)
