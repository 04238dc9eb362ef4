"""`{% load background_jobs %}`: the label of a job kind, and the notice of finished jobs."""

from __future__ import annotations

from typing import Any

from django import template

from donghanh.jobs.registry import kind_label
from donghanh.jobs.selectors import finished_unseen_count

register = template.Library()


@register.filter
def job_kind_label(kind: str) -> Any:
    return kind_label(kind)


@register.inclusion_tag("jobs/_finished_notice.html")
def finished_jobs_notice(user: Any) -> dict[str, Any]:
    """A line saying that jobs of the user finished since they last looked (one query)."""
    return {"count": finished_unseen_count(user)}
