"""Background jobs in the system administration: read-only, with one action, to stop jobs.

A system administrator sees every job (never its parameters or its result) and may ask jobs
to stop, through the same service as their owners.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from donghanh.core.actor import request_actor
from donghanh.jobs import services
from donghanh.jobs.models import Job, JobSchedule

_FIELDS = (
    "id",
    "kind",
    "status",
    "failure",
    "owner",
    "organisation",
    "created_at",
    "started_at",
    "finished_at",
    "cancel_requested_at",
    "attempts",
    "worker_id",
    "heartbeat_at",
    "task_id",
    "writes_committed",
    "progress_done",
    "progress_total",
    "result_content_type",
    "result_size",
    "result_expires_at",
)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "status",
        "owner",
        "organisation",
        "created_at",
        "finished_at",
        "attempts",
        "progress_done",
        "progress_total",
    ]
    list_filter = ["status", "kind"]
    list_per_page = 50
    date_hierarchy = "created_at"
    fields = _FIELDS
    readonly_fields = _FIELDS
    actions = ["stop_jobs"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Job]:
        return super().get_queryset(request).select_related("owner", "organisation")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=_("Stop the selected jobs"))
    def stop_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        stopped = 0
        for job in queryset.filter(status__in=Job.ACTIVE):
            try:
                services.job_cancel(actor=request_actor(request, job.organisation), job_id=job.pk)
            except (PermissionDenied, ValidationError):
                continue
            stopped += 1
        message = ngettext("%(count)s job asked to stop.", "%(count)s jobs asked to stop.", stopped)
        self.message_user(request, message % {"count": stopped}, messages.SUCCESS)


@admin.register(JobSchedule)
class JobScheduleAdmin(admin.ModelAdmin):
    list_display = ["kind", "last_run_on"]
    readonly_fields = ["kind", "last_run_on"]

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
