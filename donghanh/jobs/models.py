"""Background jobs: one row per piece of work a user (or the nightly schedule) asked for.

The queue itself is django-tasks' database backend (`django_tasks_db`): a job is queued by
enqueuing one task that names the job's id. This row is what people see and what the
services change: its state, its progress, whether its owner asked to stop it, and the result
file it produced. The parameters and the result's file name are encrypted (they may name a
person); the result file itself lives encrypted under MEDIA_ROOT with a random name, never
served by URL (`donghanh/jobs/files.py`).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from donghanh.core.crypto import EncryptedCharField, EncryptedTextField


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Finished")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Failure(models.TextChoices):
        ERROR = "error", _("The job stopped on an error.")
        INTERRUPTED = "interrupted", _("The job was interrupted: the worker running it stopped.")
        UNKNOWN_KIND = "unknown_kind", _("This kind of job no longer exists.")
        OWNER_INACTIVE = (
            "owner_inactive",
            _("The account that asked for the job can no longer sign in."),
        )

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    # A random id: addresses name a job without letting anyone count or guess the others.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # The owner's language when the job was asked for: its messages and files are in it.
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    parameters_json = EncryptedTextField(_("parameters"), default="{}")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    failure = models.CharField(_("failure"), max_length=16, choices=Failure.choices, blank=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # The run: which attempt, on which worker, last heard from when. A run whose worker has
    # not been heard from for JOBS_STALE_AFTER_SECONDS is taken as interrupted.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("last heard from"), null=True, blank=True)
    task_id = models.CharField(_("queue entry"), max_length=64, blank=True)
    # Set in the same transaction as the job's own writes: such a job is never run again.
    writes_committed = models.BooleanField(_("writes committed"), default=False)

    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    cancel_requested_at = models.DateTimeField(_("stop asked for"), null=True, blank=True)

    result_name = EncryptedCharField(_("result file name"), max_length=200, blank=True)
    result_content_type = models.CharField(_("result file type"), max_length=100, blank=True)
    # Path under the jobs folder: random, says nothing about the job or its content.
    result_stored_name = models.CharField(max_length=100, blank=True, editable=False)
    result_size = models.PositiveBigIntegerField(_("result size in bytes"), null=True, blank=True)
    result_expires_at = models.DateTimeField(_("result kept until"), null=True, blank=True)
    # When the owner last looked at the job after it finished (the "ready" notice).
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="jobs_owner_recent_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="jobs_status_heartbeat_idx"),
            models.Index(fields=["result_expires_at"], name="jobs_result_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["queued", "running", "succeeded", "failed", "cancelled"]
                ),
                name="jobs_job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def parameters(self) -> dict[str, Any]:
        value = json.loads(self.parameters_json or "{}")
        return value if isinstance(value, dict) else {}

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_finished(self) -> bool:
        return not self.is_active

    @property
    def has_result(self) -> bool:
        return bool(self.result_stored_name)

    @property
    def percent(self) -> int | None:
        """How far along the job is, 0–100, or None when its total is not known."""
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return None
        return min(100, int(100 * self.progress_done / self.progress_total))


class JobSchedule(models.Model):
    """The last day a nightly job kind was queued: several workers queue it once a day."""

    kind = models.CharField(_("kind"), max_length=100, unique=True)
    last_run_on = models.DateField(_("last queued on"), null=True, blank=True)

    class Meta:
        verbose_name = _("nightly job")
        verbose_name_plural = _("nightly jobs")

    def __str__(self) -> str:
        return self.kind
