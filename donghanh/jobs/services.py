"""Writes of background jobs: asking for one, stopping it, and the workers' housekeeping.

Every write is atomic and names the actor; each event is one audit row in the same
transaction. The run itself (claiming a queued job, recording how it ended) is in
`run_services.py`, used by the runner.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.jobs import config, files
from donghanh.jobs.events import JobEvent
from donghanh.jobs.models import Job, JobSchedule
from donghanh.jobs.registry import get_kind, nightly_kinds
from donghanh.jobs.tasks import run_job_task

logger = logging.getLogger(__name__)

# A file in the jobs folder that no job names (its run was interrupted before it ended) is
# deleted once it is this old.
ORPHAN_FILE_AGE = timedelta(days=1)


def _details(job: Job, **more: Any) -> dict[str, Any]:
    """What a job's audit row says of it: its kind (and the attempt or failure, if given)."""
    return {"kind": job.kind, **more}


def _enqueue(job: Job) -> None:
    # The queue entry is a row of the same database, written in the same transaction: a job
    # is never queued without its row, nor its row left without a queue entry.
    result = run_job_task.enqueue(str(job.pk))
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


def _create(*, kind: str, owner: Any, organisation: Any, parameters: dict[str, Any] | None) -> Job:
    get_kind(kind)  # UnknownJobKindError for a name no app registered
    job = Job(
        kind=kind,
        owner=owner,
        organisation=organisation,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        parameters_json=json.dumps(parameters or {}, sort_keys=True),
    )
    job.save(force_insert=True)
    _enqueue(job)
    return job


@transaction.atomic
def job_start(
    *,
    actor: Actor,
    kind: str,
    parameters: dict[str, Any] | None = None,
    organisation: Model | None = None,
) -> Job:
    """Queue a job of `kind` for the actor (its owner), acting for `organisation` (by default
    the organisation the actor acts for). `parameters` must be JSON: ids and codes; they are
    stored encrypted."""
    job = _create(
        kind=kind,
        owner=actor.user,
        organisation=organisation if organisation is not None else actor.organisation,
        parameters=parameters,
    )
    audit_record(
        event=JobEvent.QUEUED,
        actor=actor,
        target=job,
        organisation=job.organisation,
        details=_details(job),
    )
    return job


@transaction.atomic
def job_queue_once(*, actor: Actor, kind: str) -> Job | None:
    """Queue a job of `kind` of no user (the platform's own work, such as renewing the public
    search index after a publication), unless one of that kind is already waiting: the one
    waiting does the work for every change made before it starts. None when one was waiting."""
    get_kind(kind)
    if Job.objects.filter(kind=kind, status=Job.Status.QUEUED).exists():
        return None
    job = _create(kind=kind, owner=None, organisation=None, parameters=None)
    audit_record(
        event=JobEvent.QUEUED,
        actor=actor,
        target=job,
        organisation=None,
        details=_details(job),
    )
    return job


def _may_stop(actor: Actor, job: Job) -> bool:
    user = actor.user
    if user is None:
        return False
    return job.owner_id == actor.user_id or bool(getattr(user, "is_superuser", False))


@transaction.atomic
def job_cancel(*, actor: Actor, job_id: Any) -> Job:
    """Stop a job: one still waiting ends at once; a running one is asked to stop and stops
    at its next progress point, its writes rolled back. Only its owner or a system
    administrator may."""
    job = (
        Job.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=job_id)
        .first()
    )
    if job is None or not _may_stop(actor, job):
        raise PermissionDenied
    now = timezone.now()
    if job.status == Job.Status.QUEUED:
        job.status = Job.Status.CANCELLED
        job.cancel_requested_at = now
        job.finished_at = now
        job.save(update_fields=["status", "cancel_requested_at", "finished_at"])
        audit_record(
            event=JobEvent.CANCELLED,
            actor=actor,
            target=job,
            organisation=job.organisation,
            details=_details(job),
        )
    elif job.status == Job.Status.RUNNING:
        if job.cancel_requested_at is None:
            job.cancel_requested_at = now
            job.save(update_fields=["cancel_requested_at"])
            audit_record(
                event=JobEvent.CANCEL_REQUESTED,
                actor=actor,
                target=job,
                organisation=job.organisation,
                details=_details(job),
            )
    else:
        raise ValidationError(_("This job has already finished."), code="finished")
    return job


@transaction.atomic
def job_result_download_record(*, actor: Actor, job: Job) -> None:
    """Record that the actor downloaded the job's result file."""
    audit_record(
        event=JobEvent.RESULT_DOWNLOADED,
        actor=actor,
        target=job,
        organisation=job.organisation,
        details=_details(job),
    )


@transaction.atomic
def jobs_mark_seen(*, actor: Actor) -> int:
    """The actor has looked at their finished jobs: the "ready" notice goes away."""
    if actor.user is None:
        return 0
    return (
        Job.objects.filter(owner_id=actor.user_id, seen_at__isnull=True)
        .exclude(status__in=Job.ACTIVE)
        .update(seen_at=timezone.now())
    )


# --- Housekeeping, done by the workers ----------------------------------------------------


@transaction.atomic
def jobs_recover_interrupted(
    *,
    actor: Actor,
    now: datetime | None = None,
    older_than: timedelta | None = None,
    max_attempts: int | None = None,
) -> list[Job]:
    """Jobs whose worker stopped while running them (not heard from for `older_than`).

    Such a job is queued again if it has had fewer than JOBS_MAX_ATTEMPTS runs and committed
    no writes (its writes commit with the run's ownership checked, so a second run never
    doubles them); otherwise it fails as interrupted. One asked to stop ends as stopped.
    """
    now = now or timezone.now()
    cutoff = now - (older_than if older_than is not None else config.stale_after())
    limit = max_attempts or config.max_attempts()
    stale = (
        Job.objects.select_for_update(skip_locked=True)
        .filter(status=Job.Status.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
    )
    recovered = []
    for job in stale:
        old_task = job.task_id
        if job.cancel_requested_at is not None:
            _end(job, status=Job.Status.CANCELLED, now=now)
            audit_record(
                event=JobEvent.CANCELLED,
                actor=actor.within(job.organisation),
                target=job,
                details=_details(job),
            )
        elif job.attempts < limit and not job.writes_committed:
            job.status = Job.Status.QUEUED
            job.worker_id = ""
            job.heartbeat_at = None
            job.save(update_fields=["status", "worker_id", "heartbeat_at"])
            _enqueue(job)
            audit_record(
                event=JobEvent.REQUEUED,
                actor=actor.within(job.organisation),
                target=job,
                details=_details(job, attempt=job.attempts),
            )
        else:
            _end(job, status=Job.Status.FAILED, now=now, failure=Job.Failure.INTERRUPTED)
            audit_record(
                event=JobEvent.FAILED,
                actor=actor.within(job.organisation),
                target=job,
                details=_details(job, failure=Job.Failure.INTERRUPTED.value),
            )
        if old_task:
            # The queue's own entry of the interrupted run ends too.
            DBTaskResult.objects.filter(id=old_task, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now
            )
        logger.warning("job %s was interrupted; now %s", job.pk, job.status)
        recovered.append(job)
    return recovered


def _end(job: Job, *, status: str, now: datetime, failure: str = "") -> None:
    job.status = status
    job.failure = failure
    job.finished_at = now
    job.heartbeat_at = None
    job.save(update_fields=["status", "failure", "finished_at", "heartbeat_at"])


@transaction.atomic
def jobs_queue_nightly(*, actor: Actor, now: datetime | None = None) -> list[Job]:
    """Queue each nightly job kind once a day, at the first check from JOBS_NIGHTLY_HOUR
    (local time) on. Several workers may check at once: one of them queues it."""
    local = timezone.localtime(now or timezone.now())
    if local.hour < config.nightly_hour():
        return []
    today = local.date()
    queued = []
    for kind in nightly_kinds():
        JobSchedule.objects.get_or_create(kind=kind.name)
        claimed = (
            JobSchedule.objects.filter(kind=kind.name)
            .exclude(last_run_on=today)
            .update(last_run_on=today)
        )
        if not claimed:
            continue
        job = _create(kind=kind.name, owner=None, organisation=None, parameters=None)
        audit_record(
            event=JobEvent.QUEUED,
            actor=actor,
            target=job,
            organisation=job.organisation,
            details=_details(job),
        )
        queued.append(job)
    return queued


@transaction.atomic
def job_results_purge_expired(*, actor: Actor, now: datetime | None = None) -> int:
    """Delete the result files past their expiry (and files no job names any more), and
    forget finished jobs and queue entries older than JOBS_KEEP_DAYS. The number of result
    files deleted."""
    now = now or timezone.now()
    expired = list(
        Job.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(result_expires_at__lte=now)
        .exclude(result_stored_name="")
    )
    for job in expired:
        stored_name = job.result_stored_name
        transaction.on_commit(partial(files.remove_file, stored_name))
        job.result_stored_name = ""
        job.save(update_fields=["result_stored_name"])
        audit_record(
            event=JobEvent.RESULT_DELETED,
            actor=actor.within(job.organisation),
            target=job,
            details=_details(job),
        )

    named = set(
        Job.objects.exclude(result_stored_name="").values_list("result_stored_name", flat=True)
    )
    orphan_before = (now - ORPHAN_FILE_AGE).timestamp()
    for stored_name, written_at in files.stored_files():
        if stored_name not in named and written_at < orphan_before:
            transaction.on_commit(partial(files.remove_file, stored_name))

    keep = now - config.keep_for()
    Job.objects.filter(finished_at__lt=keep, result_stored_name="").exclude(
        status__in=Job.ACTIVE
    ).delete()
    DBTaskResult.objects.filter(
        finished_at__lt=now - timedelta(days=7),
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
    ).delete()
    return len(expired)
