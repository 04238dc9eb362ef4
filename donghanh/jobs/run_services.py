"""The run of a job, as the worker records it: started, then ended with an outcome.

Both writes are conditional on the run still being this worker's (the job's `attempts`
counts runs, and a run taken as interrupted is no longer the old worker's): two workers never
both record a run of one job.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from donghanh.audit.services import audit_record
from donghanh.core.actor import Actor
from donghanh.jobs.config import result_expiry
from donghanh.jobs.context import ResultFile
from donghanh.jobs.events import JobEvent
from donghanh.jobs.models import Job

_OUTCOME_EVENTS = {
    Job.Status.SUCCEEDED: JobEvent.SUCCEEDED,
    Job.Status.FAILED: JobEvent.FAILED,
    Job.Status.CANCELLED: JobEvent.CANCELLED,
}


@transaction.atomic
def job_claim(*, actor: Actor, job: Job, worker_id: str) -> int | None:
    """Start the queued `job` on this worker: the number of this run, or None when the job
    is not waiting any more (stopped before it started, or taken by another worker)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        attempts=F("attempts") + 1,
        worker_id=worker_id[:64],
        started_at=now,
        heartbeat_at=now,
    )
    if not claimed:
        return None
    job.refresh_from_db(fields=["status", "attempts", "worker_id", "started_at", "heartbeat_at"])
    audit_record(
        event=JobEvent.STARTED,
        actor=actor,
        target=job,
        organisation=job.organisation,
        details={"kind": job.kind, "attempt": job.attempts},
    )
    return job.attempts


@transaction.atomic
def job_finish(
    *,
    actor: Actor,
    job: Job,
    attempt: int,
    status: str,
    failure: str = "",
    progress: tuple[int, int | None, str] | None = None,
    result: ResultFile | None = None,
) -> bool:
    """Record how the run ended; False when the run was no longer this worker's (nothing is
    written then: the run that took over records its own end)."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "status": status,
        "failure": failure,
        "finished_at": now,
        "heartbeat_at": None,
    }
    if progress is not None:
        done, total, message = progress
        if status == Job.Status.SUCCEEDED and total is not None:
            done = total
        fields.update(progress_done=done, progress_total=total, progress_message=message)
    if result is not None:
        fields.update(
            result_name=result.name,
            result_content_type=result.content_type,
            result_stored_name=result.stored_name,
            result_size=result.size,
            result_expires_at=now + result_expiry(),
        )
    mine = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=attempt)
    # Each field through the model, so the encrypted file name is stored encrypted.
    for name, value in fields.items():
        setattr(job, name, value)
    if not list(mine.select_for_update().values_list("pk", flat=True)):
        return False
    job.save(update_fields=list(fields))
    details: dict[str, Any] = {"kind": job.kind, "attempt": attempt}
    if failure:
        details["failure"] = failure
    audit_record(
        event=_OUTCOME_EVENTS[Job.Status(status)],
        actor=actor,
        target=job,
        organisation=job.organisation,
        details=details,
    )
    return True
