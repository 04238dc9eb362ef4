"""The user's own background jobs: their progress, stopping them, downloading their results."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from donghanh.core.actor import request_actor
from donghanh.jobs import files, services
from donghanh.jobs.config import result_expiry
from donghanh.jobs.selectors import access_job, access_job_result, jobs_of_user, result_available

# Seconds between two refreshes of the page while a job runs, without JavaScript.
REFRESH_SECONDS = 5


@never_cache
@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's jobs; while one runs, the list refreshes itself (HTMX, or the page)."""
    jobs = jobs_of_user(request.user)
    if any(job.is_finished and job.seen_at is None for job in jobs):
        # The user sees them now: the home page's "finished" notice goes away.
        services.jobs_mark_seen(actor=request_actor(request))
    context = {
        "jobs": [(job, result_available(job)) for job in jobs],
        "any_active": any(job.is_active for job in jobs),
        "refresh_seconds": REFRESH_SECONDS,
        "result_expiry_days": result_expiry().days,
    }
    if request.headers.get("HX-Request"):
        return render(request, "jobs/_jobs.html", context)
    return render(request, "jobs/list.html", context)


@require_POST
@login_required
def job_cancel(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access_job(request.user, job_id)
    try:
        job = services.job_cancel(actor=request_actor(request, job.organisation), job_id=job.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if job.status == job.Status.CANCELLED:
            messages.success(request, _("The job was stopped."))
        else:
            messages.success(request, _("The job will stop at its next step."))
    return redirect("jobs:list")


@never_cache
@require_GET
@login_required
def job_download(request: HttpRequest, job_id: str) -> HttpResponseBase:
    """The job's result file, to its owner only, as a download; every download is audited."""
    job = access_job_result(request.user, job_id)
    chunks = files.read_decrypted(job.result_stored_name)
    # Decrypt the first piece before answering: a file that cannot be read fails here.
    first = next(chunks, b"")
    services.job_result_download_record(actor=request_actor(request, job.organisation), job=job)
    response = StreamingHttpResponse(
        itertools.chain([first], chunks),
        content_type=files.served_content_type(job.result_content_type),
    )
    if job.result_size is not None:
        response["Content-Length"] = str(job.result_size)
    name = job.result_name or "result"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
