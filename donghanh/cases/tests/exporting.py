"""Ask for a case export as a member does, let the worker write it, and download it."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.urls import reverse

from donghanh.core.idempotency import new_key
from donghanh.jobs.models import Job
from donghanh.testing.jobs import run_queued_jobs


def export_url(name: str, organisation_slug: str) -> str:
    return reverse(f"case_exports:{name}", kwargs={"org": organisation_slug})


def ask_for_export(client, name, organisation_slug, *, query="", key=None, **filters):
    """Post the export page's form (the filters and the search key as its fields)."""
    data = {"idempotency_key": key or new_key(), **dict(parse_qsl(query)), **filters}
    return client.post(export_url(name, organisation_slug), data)


def exported(client, name, organisation_slug, *, query="", **filters):
    """The downloaded file of an export asked for now, once the worker has written it."""
    asked = ask_for_export(client, name, organisation_slug, query=query, **filters)
    assert asked.status_code == 302 and asked.url == reverse("jobs:list"), asked
    run_queued_jobs()
    job = Job.objects.order_by("-created_at").first()
    assert job is not None and job.status == Job.Status.SUCCEEDED, job
    response = client.get(reverse("jobs:download", kwargs={"job_id": job.pk}))
    assert response.status_code == 200
    return response
