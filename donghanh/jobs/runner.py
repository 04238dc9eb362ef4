"""Running one job: claim it, call its kind with a context, record how it ended.

The outcome is one of: finished (the callable returned), stopped (it raised JobCancelledError,
from a progress point after someone asked it to stop), failed (any other exception: the
owner sees "stopped on an error"; the log names the job and the exception's class, never its
message, which may hold personal data). A result file of a run that did not finish is
deleted. An exception that ends the process (the worker killed or told twice to stop) leaves
the job running in the database: the housekeeping of the workers takes it as interrupted.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils import translation

from donghanh.jobs import run_services
from donghanh.jobs.context import JobCancelledError, JobContext, JobLostError, Reporter
from donghanh.jobs.models import Job
from donghanh.jobs.registry import UnknownJobKindError, get_kind
from donghanh.jobs.selectors import actor_for_job, job_for_run

logger = logging.getLogger(__name__)

_background_reporting: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "jobs_background_reporting", default=True
)


@contextmanager
def reporting(*, background: bool) -> Iterator[None]:
    """Run the jobs started inside with progress written by a thread (a worker) or on the
    caller's own connection (jobs run inside a test's transaction)."""
    token = _background_reporting.set(background)
    try:
        yield
    finally:
        _background_reporting.reset(token)


def run_job(job_id: Any, *, worker_id: str) -> str:
    """Run the queued job `job_id`; its status afterwards ("skipped" when it was not
    waiting to run, "lost" when its run was taken from this worker)."""
    job = job_for_run(job_id)
    if job is None or job.status != Job.Status.QUEUED:
        return "skipped"
    actor = actor_for_job(job)
    attempt = run_services.job_claim(actor=actor, job=job, worker_id=worker_id)
    if attempt is None:
        return "skipped"

    def finish(status: str, failure: str = "", **extra: Any) -> bool:
        return run_services.job_finish(
            actor=actor, job=job, attempt=attempt, status=status, failure=failure, **extra
        )

    if job.owner is not None and not job.owner.is_active:
        finish(Job.Status.FAILED, Job.Failure.OWNER_INACTIVE)
        return Job.Status.FAILED
    try:
        kind = get_kind(job.kind)
    except UnknownJobKindError:
        logger.error("job %s: no job kind is registered as %s", job.pk, job.kind)
        finish(Job.Status.FAILED, Job.Failure.UNKNOWN_KIND)
        return Job.Status.FAILED

    reporter = Reporter(job.pk, attempt, background=_background_reporting.get())
    ctx = JobContext(job=job, attempt=attempt, actor=actor, reporter=reporter)
    status, failure = Job.Status.SUCCEEDED, ""
    reporter.start()
    try:
        with translation.override(job.language):
            kind.run(ctx)
    except JobCancelledError:
        status = Job.Status.CANCELLED
    except JobLostError:
        logger.warning("job %s: its run was taken from this worker", job.pk)
        ctx.discard_result()
        return "lost"
    except Exception as error:  # any failure of the job's own code ends it as failed
        status, failure = Job.Status.FAILED, Job.Failure.ERROR
        if settings.DEBUG:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
        else:
            logger.error("job %s (%s) failed: %s", job.pk, job.kind, type(error).__name__)
    except BaseException:
        ctx.discard_result()
        raise
    finally:
        reporter.stop()
    if status != Job.Status.SUCCEEDED:
        ctx.discard_result()
    recorded = finish(status, failure, progress=reporter.latest, result=ctx.result)
    if not recorded:
        ctx.discard_result()
        return "lost"
    return status
