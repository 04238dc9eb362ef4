"""What the workers do between jobs: interrupted runs, the nightly jobs, expired results."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.jobs import files
from donghanh.jobs.models import Job, JobSchedule
from donghanh.jobs.registry import job_kind, unregister
from donghanh.jobs.selectors import finished_unseen_count
from donghanh.jobs.services import (
    job_results_purge_expired,
    job_start,
    jobs_mark_seen,
    jobs_queue_nightly,
    jobs_recover_interrupted,
)
from donghanh.jobs.tests import kinds
from donghanh.jobs.worker import JobsWorker
from donghanh.testing.factories import MembershipFactory
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test housekeeping")
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def member():
    return MembershipFactory()


def _running(member, *, heard_seconds_ago: float, attempts: int = 1, **fields) -> Job:
    """A job a worker took and was last heard from that long ago."""
    job = job_start(actor=Actor.for_user(member.user), kind=kinds.COUNT, parameters={"steps": 2})
    DBTaskResult.objects.filter(id=job.task_id).update(status=TaskResultStatus.RUNNING)
    heard = timezone.now() - timedelta(seconds=heard_seconds_ago)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        attempts=attempts,
        worker_id="gone",
        started_at=heard,
        heartbeat_at=heard,
        **fields,
    )
    job.refresh_from_db()
    return job


def test_an_interrupted_job_is_queued_again_and_then_runs(member, settings):
    settings.JOBS_STALE_AFTER_SECONDS = 60
    job = _running(member, heard_seconds_ago=90)
    alive = _running(member, heard_seconds_ago=10)
    old_entry = job.task_id

    recovered = jobs_recover_interrupted(actor=SYSTEM)

    assert [j.pk for j in recovered] == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.task_id != old_entry
    assert DBTaskResult.objects.get(id=old_entry).status == TaskResultStatus.FAILED
    assert AuditEntry.objects.filter(event="job.requeued", target_id=str(job.pk)).count() == 1
    alive.refresh_from_db()
    assert alive.status == Job.Status.RUNNING

    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 2


def test_a_job_interrupted_on_its_last_attempt_fails_clearly(member, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    job = _running(member, heard_seconds_ago=600, attempts=2)

    jobs_recover_interrupted(actor=SYSTEM)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == Job.Failure.INTERRUPTED
    assert job.finished_at is not None
    row = AuditEntry.objects.get(event="job.failed", target_id=str(job.pk))
    assert row.details == {"kind": kinds.COUNT, "failure": "interrupted"}
    assert "interrupted" in row.summary


def test_a_job_interrupted_after_its_writes_committed_is_not_run_again(member):
    job = _running(member, heard_seconds_ago=600, writes_committed=True)
    jobs_recover_interrupted(actor=SYSTEM)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == Job.Failure.INTERRUPTED


def test_an_interrupted_job_that_was_asked_to_stop_ends_stopped(member):
    job = _running(member, heard_seconds_ago=600, cancel_requested_at=timezone.now())
    jobs_recover_interrupted(actor=SYSTEM)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


@pytest.fixture
def nightly_kind():
    ran = []

    @job_kind("tests.nightly", label="Nightly", nightly=True)
    def nightly(ctx):
        ran.append(ctx.actor)

    yield ran
    unregister("tests.nightly")


def test_a_nightly_kind_is_queued_once_a_day_from_its_hour(nightly_kind, settings):
    settings.JOBS_NIGHTLY_HOUR = 3
    before = datetime(2026, 12, 6, 2, 59, tzinfo=HANOI)
    at = datetime(2026, 12, 6, 3, 0, tzinfo=HANOI)
    later = datetime(2026, 12, 6, 23, 0, tzinfo=HANOI)
    next_day = datetime(2026, 12, 7, 4, 0, tzinfo=HANOI)

    assert jobs_queue_nightly(actor=SYSTEM, now=before) == []
    first = [job.kind for job in jobs_queue_nightly(actor=SYSTEM, now=at)]
    assert "tests.nightly" in first
    assert jobs_queue_nightly(actor=SYSTEM, now=later) == []
    assert "tests.nightly" in [job.kind for job in jobs_queue_nightly(actor=SYSTEM, now=next_day)]
    assert str(JobSchedule.objects.get(kind="tests.nightly").last_run_on) == "2026-12-07"

    jobs = Job.objects.filter(kind="tests.nightly")
    assert jobs.count() == 2
    assert all(job.owner_id is None for job in jobs)
    run_queued_jobs()
    assert len(nightly_kind) == 2
    assert nightly_kind[0].user is None
    assert nightly_kind[0].name == "job tests.nightly"


def test_the_worker_housekeeping_queues_the_nightly_jobs(nightly_kind, settings):
    settings.JOBS_NIGHTLY_HOUR = 0
    worker = JobsWorker(batch=True, housekeeping=True, inline=True)
    worker.run()
    assert len(nightly_kind) == 1
    # The clean-up of the jobs app itself is a nightly kind.
    assert Job.objects.filter(kind="jobs.purge_expired_results").exists()


def test_expired_result_files_are_deleted_and_audited(
    member, media_root, django_capture_on_commit_callbacks
):
    job_start(
        actor=Actor.for_user(member.user),
        kind=kinds.COUNT,
        parameters={"steps": 1, "result": True},
    )
    job_start(
        actor=Actor.for_user(member.user),
        kind=kinds.COUNT,
        parameters={"steps": 2, "result": True},
    )
    run_queued_jobs()
    expired, fresh = Job.objects.order_by("created_at")
    Job.objects.filter(pk=expired.pk).update(result_expires_at=timezone.now())
    orphan = media_root / "jobs" / files.new_stored_name()
    orphan.write_bytes(b"left by a run that was interrupted")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(orphan, (two_days_ago, two_days_ago))
    young_orphan = media_root / "jobs" / files.new_stored_name()
    young_orphan.write_bytes(b"being written right now")
    old_path = media_root / "jobs" / expired.result_stored_name

    # The files go once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert job_results_purge_expired(actor=SYSTEM) == 1

    expired.refresh_from_db()
    fresh.refresh_from_db()
    assert expired.result_stored_name == ""
    assert not old_path.exists()
    assert (media_root / "jobs" / fresh.result_stored_name).exists()
    assert not orphan.exists()
    assert young_orphan.exists()
    row = AuditEntry.objects.get(event="job.result_deleted")
    assert row.target_id == str(expired.pk)
    assert row.actor_username == "test housekeeping"


def test_old_finished_jobs_are_forgotten(member, settings):
    settings.JOBS_KEEP_DAYS = 30
    job = job_start(actor=Actor.for_user(member.user), kind=kinds.COUNT)
    run_queued_jobs()
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=31))
    DBTaskResult.objects.filter(id=job.task_id).update(
        finished_at=timezone.now() - timedelta(days=8)
    )
    job_results_purge_expired(actor=SYSTEM)
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not DBTaskResult.objects.filter(id=job.task_id).exists()


def test_finished_jobs_are_noticed_until_their_owner_looks(member):
    actor = Actor.for_user(member.user)
    job_start(actor=actor, kind=kinds.COUNT)
    assert finished_unseen_count(member.user) == 0
    run_queued_jobs()
    assert finished_unseen_count(member.user) == 1
    assert jobs_mark_seen(actor=actor) == 1
    assert finished_unseen_count(member.user) == 0
