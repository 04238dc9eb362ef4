"""Jobs run through the real worker loop, in this process and the test's transaction."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.jobs import files
from donghanh.jobs.models import Job
from donghanh.jobs.registry import UnknownJobKindError
from donghanh.jobs.services import job_cancel, job_start
from donghanh.jobs.tests import kinds
from donghanh.organisations.models import Organisation
from donghanh.testing.factories import MembershipFactory, UserFactory
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db


def _events(job: Job) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="jobs.job", target_id=str(job.pk))
        .order_by("pk")
        .values_list("event", flat=True)
    )


@pytest.fixture
def member():
    return MembershipFactory()


def _start(member, kind: str, **parameters) -> Job:
    actor = Actor.for_user(member.user, organisation=member.organisation)
    return job_start(actor=actor, kind=kind, parameters=parameters)


def test_a_job_is_queued_with_its_queue_entry_and_an_audit_row(member):
    job = _start(member, kinds.COUNT, steps=2)

    assert job.status == Job.Status.QUEUED
    assert job.owner == member.user
    assert job.organisation == member.organisation
    assert job.parameters == {"steps": 2}
    entry = DBTaskResult.objects.get(id=job.task_id)
    assert entry.status == TaskResultStatus.READY
    assert entry.args_kwargs == {"args": [str(job.pk)], "kwargs": {}}
    assert _events(job) == ["job.queued"]
    row = AuditEntry.objects.get(event="job.queued")
    assert row.actor_id == member.user.pk
    assert row.organisation_id == member.organisation.pk
    assert row.summary == f"Background job asked for: {kinds.COUNT}"


def test_parameters_and_the_result_name_are_stored_encrypted(member):
    job = _start(member, kinds.COUNT, note="Nguyễn Văn A")
    Job.objects.filter(pk=job.pk).update(result_name="Nguyễn Văn A.xlsx")
    raw = (
        Job.objects.filter(pk=job.pk)
        .annotate(
            raw_parameters=Cast("parameters_json", TextField()),
            raw_name=Cast("result_name", TextField()),
        )
        .values_list("raw_parameters", "raw_name")
        .get()
    )
    assert not any("Nguy" in value for value in raw)
    job.refresh_from_db()
    assert job.parameters == {"note": "Nguyễn Văn A"}
    assert job.result_name == "Nguyễn Văn A.xlsx"


def test_a_job_of_an_unknown_kind_cannot_be_queued(member):
    with pytest.raises(UnknownJobKindError):
        _start(member, "nobody.registered_this")


def test_the_worker_runs_a_job_to_its_end_reporting_progress(member):
    job = _start(member, kinds.COUNT, steps=4)

    assert run_queued_jobs() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.progress_message) == (4, 4, "step 4")
    assert job.percent == 100
    assert job.attempts == 1
    assert job.worker_id == "test-worker"
    assert job.started_at is not None and job.finished_at is not None
    assert job.failure == ""
    assert _events(job) == ["job.queued", "job.started", "job.succeeded"]
    started = AuditEntry.objects.get(event="job.started")
    assert started.actor_id == member.user.pk
    assert started.organisation_id == member.organisation.pk
    assert started.details == {"kind": kinds.COUNT, "attempt": 1}
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL
    # Nothing left to run.
    assert run_queued_jobs() == 0


def test_a_result_file_is_stored_encrypted_with_an_expiry(member, media_root, settings):
    settings.JOBS_RESULT_EXPIRY_DAYS = 3
    job = _start(member, kinds.COUNT, steps=3, result=True)
    run_queued_jobs()

    job.refresh_from_db()
    assert job.result_name == "số đếm.csv"
    assert job.result_content_type == "text/csv"
    assert job.result_size == len(b"number\n1\n2\n3\n")
    assert job.result_expires_at and job.finished_at
    assert job.result_expires_at - job.finished_at == timedelta(days=3)
    stored = media_root / "jobs" / job.result_stored_name
    assert stored.exists()
    assert stored.stat().st_mode & 0o077 == 0
    assert b"number" not in stored.read_bytes()
    assert b"".join(files.read_decrypted(job.result_stored_name)) == b"number\n1\n2\n3\n"


def test_a_failing_job_ends_failed_without_its_message_in_the_log(member, media_root, caplog):
    job = _start(member, kinds.FAILS, result=True)
    with caplog.at_level(logging.DEBUG):
        run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == Job.Failure.ERROR
    assert job.result_stored_name == ""
    assert not list((media_root / "jobs").iterdir())
    assert "ValueError" in caplog.text
    assert kinds.SECRET not in caplog.text
    assert _events(job)[-1] == "job.failed"
    assert AuditEntry.objects.get(event="job.failed").details == {
        "kind": kinds.FAILS,
        "attempt": 1,
        "failure": "error",
    }


def test_a_job_stopped_from_inside_its_writes_keeps_nothing(member, media_root):
    job = _start(member, kinds.STOPS_ITSELF)
    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert not Organisation.objects.filter(slug="stopped-row").exists()
    assert not list((media_root / "jobs").iterdir())
    assert _events(job)[-1] == "job.cancelled"


def test_a_job_asked_to_stop_while_writing_rolls_its_writes_back(member):
    job = _start(member, kinds.WRITES, rows=5, prefix="rollback", cancel_at=2)
    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.progress_done == 2
    assert not Organisation.objects.filter(slug__startswith="rollback").exists()
    assert not job.writes_committed


def test_a_job_that_writes_commits_them_and_says_so(member):
    job = _start(member, kinds.WRITES, rows=3, prefix="kept", result=True)
    run_queued_jobs()

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.writes_committed
    assert Organisation.objects.filter(slug__startswith="kept").count() == 3


def test_a_queued_job_stopped_by_its_owner_never_runs(member):
    job = _start(member, kinds.WRITES, rows=1, prefix="never")
    actor = Actor.for_user(member.user)
    job_cancel(actor=actor, job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.finished_at is not None
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.attempts == 0
    assert not Organisation.objects.filter(slug__startswith="never").exists()
    assert _events(job) == ["job.queued", "job.cancelled"]
    with pytest.raises(ValidationError):
        job_cancel(actor=actor, job_id=job.pk)


def test_only_the_owner_or_a_system_administrator_may_stop_a_job(member):
    job = _start(member, kinds.COUNT)
    stranger = MembershipFactory(organisation=member.organisation).user
    with pytest.raises(PermissionDenied):
        job_cancel(actor=Actor.for_user(stranger), job_id=job.pk)
    with pytest.raises(PermissionDenied):
        job_cancel(actor=Actor.system("script"), job_id=job.pk)
    admin: Any = UserFactory(is_superuser=True, is_staff=True)
    job_cancel(actor=Actor.for_user(admin), job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert AuditEntry.objects.get(event="job.cancelled").actor_id == admin.pk


def test_a_running_job_is_asked_to_stop_once(member):
    job = _start(member, kinds.COUNT)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1)
    actor = Actor.for_user(member.user)

    job_cancel(actor=actor, job_id=job.pk)
    job_cancel(actor=actor, job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.cancel_requested_at is not None
    assert _events(job).count("job.cancel_requested") == 1


def test_a_job_whose_kind_is_gone_fails_clearly(member):
    job = _start(member, kinds.COUNT)
    Job.objects.filter(pk=job.pk).update(kind="gone.away")
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == Job.Failure.UNKNOWN_KIND


def test_a_job_of_an_account_that_can_no_longer_sign_in_does_not_run(member):
    job = _start(member, kinds.WRITES, rows=1, prefix="inactive")
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure == Job.Failure.OWNER_INACTIVE
    assert not Organisation.objects.filter(slug__startswith="inactive").exists()


def test_a_run_taken_from_its_worker_records_nothing(member):
    """The run's end is written only while the run is still the worker's."""
    from donghanh.jobs import run_services

    job = _start(member, kinds.COUNT)
    actor = Actor.for_user(member.user)
    attempt = run_services.job_claim(actor=actor, job=job, worker_id="a")
    assert attempt == 1
    assert run_services.job_claim(actor=actor, job=job, worker_id="b") is None
    # Taken as interrupted and run again elsewhere: the first run's end is refused.
    Job.objects.filter(pk=job.pk).update(attempts=2)
    assert not run_services.job_finish(
        actor=actor, job=job, attempt=attempt, status=Job.Status.SUCCEEDED
    )
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.finished_at is None


def test_the_worker_does_not_run_jobs_left_for_later(member):
    job = _start(member, kinds.COUNT)
    DBTaskResult.objects.filter(id=job.task_id).update(
        run_after=timezone.now() + timedelta(hours=1)
    )
    assert run_queued_jobs() == 0
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
