"""Reads of background jobs. A job is its owner's alone: anyone else gets 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404
from django.utils import timezone

from donghanh.core.actor import Actor
from donghanh.jobs import files
from donghanh.jobs.models import Job

# The jobs page shows the most recent ones; older jobs stay in the audit log.
LIST_LIMIT = 50


def jobs_of_user(user: Any, *, limit: int = LIST_LIMIT) -> list[Job]:
    """The user's own jobs, newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Job.objects.filter(owner=user).order_by("-created_at")[:limit])


def access_job(user: Any, job_id: Any) -> Job:
    """The job, if `user` started it; 404 for everyone else, exactly as if it did not exist."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        raise Http404 from None
    if not getattr(user, "is_authenticated", False):
        raise Http404
    job = Job.objects.select_related("organisation").filter(pk=key, owner=user).first()
    if job is None:
        raise Http404
    return job


def access_job_result(user: Any, job_id: Any) -> Job:
    """The job, if `user` started it and its result file can still be downloaded."""
    job = access_job(user, job_id)
    if not result_available(job):
        raise Http404
    return job


def result_available(job: Job) -> bool:
    return (
        job.status == Job.Status.SUCCEEDED
        and job.has_result
        and job.result_expires_at is not None
        and job.result_expires_at > timezone.now()
        and files.exists(job.result_stored_name)
    )


def finished_unseen_count(user: Any) -> int:
    """How many of the user's jobs finished since they last looked at their jobs."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return (
        Job.objects.filter(owner=user, seen_at__isnull=True).exclude(status__in=Job.ACTIVE).count()
    )


def job_for_run(job_id: Any) -> Job | None:
    """The job a worker is about to run, with what its actor needs."""
    return Job.objects.select_related("owner", "organisation").filter(pk=job_id).first()


def actor_for_job(job: Job) -> Actor:
    """Who a job acts as: the user who asked for it, for its organisation; a nightly job acts
    as the named system process."""
    if job.owner is not None:
        return Actor.for_user(job.owner, organisation=job.organisation)
    return Actor.system(f"job {job.kind}", organisation=job.organisation)
