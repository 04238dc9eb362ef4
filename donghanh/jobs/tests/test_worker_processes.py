"""Real worker processes on the test database: several at once, killed, asked to stop.

On SQLite the test database is copied to a file for these tests (see
`donghanh.testing.jobs.worker_database`), as `make run` keeps it; on PostgreSQL the workers
open the test database itself.
"""

from __future__ import annotations

import pytest
from django.db import connection

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.jobs.models import Job
from donghanh.jobs.services import job_cancel, job_start
from donghanh.jobs.tests import kinds
from donghanh.organisations.models import Organisation
from donghanh.testing.factories import MembershipFactory
from donghanh.testing.jobs import start_worker, stop_worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _job(job_id) -> Job:
    return Job.objects.get(pk=job_id)


def _events(job: Job) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="jobs.job", target_id=str(job.pk))
        .order_by("pk")
        .values_list("event", flat=True)
    )


def test_two_workers_never_run_the_same_job(worker_database, media_root, tmp_path):
    member = MembershipFactory()
    log = tmp_path / "runs.log"
    # The workers may also queue and run the nightly clean-up: only the counting jobs count.
    counted = Job.objects.filter(kind=kinds.COUNT)
    first = start_worker(worker_database, media_root, "--worker-id", "first")
    second = start_worker(worker_database, media_root, "--worker-id", "second")
    try:
        actor = Actor.for_user(member.user)
        jobs = [
            job_start(
                actor=actor,
                kind=kinds.COUNT,
                parameters={"steps": 2, "delay": 0.05, "log": str(log)},
            )
            for _ in range(16)
        ]
        wait_for(
            lambda: counted.filter(status=Job.Status.SUCCEEDED).count() == len(jobs),
            timeout=120,
            what="every job to finish",
        )
    finally:
        outputs = stop_worker(first) + stop_worker(second)

    runs = log.read_text(encoding="utf-8").split()[::2]
    assert sorted(runs) == sorted(str(job.pk) for job in jobs), outputs
    assert set(counted.values_list("attempts", flat=True)) == {1}
    started = AuditEntry.objects.filter(event="job.started", details__kind=kinds.COUNT)
    assert started.count() == len(jobs)
    # Both took a share of the work.
    assert set(counted.values_list("worker_id", flat=True)) == {"first", "second"}


def test_a_job_whose_worker_was_killed_is_run_again_by_the_next(
    worker_database, media_root, tmp_path
):
    member = MembershipFactory()
    fast_recovery = {"JOBS_STALE_AFTER_SECONDS": "4"}
    log = tmp_path / "runs.log"
    worker = start_worker(worker_database, media_root, "--worker-id", "doomed", env=fast_recovery)
    job = job_start(
        actor=Actor.for_user(member.user),
        kind=kinds.COUNT,
        parameters={"steps": 30, "delay": 0.1, "log": str(log)},
    )
    try:
        wait_for(lambda: _job(job.pk).progress_done >= 3, what="the job to make progress")
    finally:
        stop_worker(worker, kill=True)
    interrupted = _job(job.pk)
    assert interrupted.status == Job.Status.RUNNING
    assert interrupted.worker_id == "doomed"

    # The next worker notices the silence, queues the job again and runs it.
    successor = start_worker(worker_database, media_root, "--worker-id", "next", env=fast_recovery)
    try:
        wait_for(
            lambda: _job(job.pk).status == Job.Status.SUCCEEDED,
            timeout=90,
            what="the job to be run again",
        )
    finally:
        output = stop_worker(successor)
    done = _job(job.pk)
    assert done.attempts == 2, output
    assert done.worker_id == "next"
    assert done.progress_done == 30
    assert log.read_text(encoding="utf-8").split() == [str(job.pk), "2"]
    assert _events(done) == [
        "job.queued",
        "job.started",
        "job.requeued",
        "job.started",
        "job.succeeded",
    ]


def test_a_running_job_stops_cleanly_when_its_owner_asks(worker_database, media_root):
    member = MembershipFactory()
    worker = start_worker(worker_database, media_root)
    try:
        job = job_start(
            actor=Actor.for_user(member.user),
            kind=kinds.COUNT,
            parameters={"steps": 200, "delay": 0.05, "result": True},
        )
        wait_for(lambda: _job(job.pk).progress_done >= 2, what="the job to make progress")
        job_cancel(actor=Actor.for_user(member.user), job_id=job.pk)
        wait_for(lambda: _job(job.pk).status == Job.Status.CANCELLED, what="the job to stop")
        stopped = _job(job.pk)
        assert stopped.progress_done < 200
        assert not stopped.has_result
        results = media_root / "jobs"
        assert not results.exists() or not list(results.iterdir())
        # The worker goes on with the next job.
        after = job_start(actor=Actor.for_user(member.user), kind=kinds.COUNT)
        wait_for(lambda: _job(after.pk).status == Job.Status.SUCCEEDED, what="the next job")
    finally:
        stop_worker(worker)
    assert _events(stopped)[-2:] == ["job.cancel_requested", "job.cancelled"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has one writer at a time: a stop asked for during a job's write "
    "transaction waits for it to end (docs/jobs.md); the rollback itself is tested in-process",
)
def test_a_job_stopped_while_writing_keeps_none_of_its_writes(worker_database, media_root):
    member = MembershipFactory()
    worker = start_worker(worker_database, media_root)
    try:
        job = job_start(
            actor=Actor.for_user(member.user),
            kind=kinds.WRITES,
            parameters={"rows": 200, "delay": 0.05, "prefix": "halfway"},
        )
        # The progress shows while the job's transaction is still open.
        wait_for(lambda: _job(job.pk).progress_done >= 3, what="the job to write rows")
        assert not Organisation.objects.filter(slug__startswith="halfway").exists()
        job_cancel(actor=Actor.for_user(member.user), job_id=job.pk)
        wait_for(lambda: _job(job.pk).status == Job.Status.CANCELLED, what="the job to stop")
    finally:
        stop_worker(worker)
    assert not Organisation.objects.filter(slug__startswith="halfway").exists()
    assert not _job(job.pk).writes_committed
