"""The jobs page, stopping a job and downloading its result: the owner's alone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.jobs.models import Job
from donghanh.jobs.services import job_start
from donghanh.jobs.tests import kinds
from donghanh.testing.clients import signed_in_client
from donghanh.testing.factories import MembershipFactory, UserFactory
from donghanh.testing.jobs import run_queued_jobs

pytestmark = pytest.mark.django_db

LIST = reverse("jobs:list")


@pytest.fixture
def owner():
    return MembershipFactory().user


@pytest.fixture
def other():
    return MembershipFactory().user


def _start(user, kind=kinds.COUNT, **parameters) -> Job:
    return job_start(actor=Actor.for_user(user), kind=kind, parameters=parameters)


def _finished_with_result(user) -> Job:
    job = _start(user, steps=3, result=True)
    run_queued_jobs()
    job.refresh_from_db()
    return job


def test_the_list_shows_the_users_own_jobs_only(owner, other):
    mine = _start(owner)
    _start(other, kind=kinds.WRITES)

    response = signed_in_client(owner).get(LIST)

    assert response.status_code == 200
    jobs = [job for job, _ in response.context["jobs"]]
    assert jobs == [mine]
    assert "Writing" not in response.content.decode()


def test_the_list_refreshes_itself_while_a_job_runs(owner):
    job = _start(owner)
    client = signed_in_client(owner)

    page = client.get(LIST).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert 'hx-trigger="every 2s"' in page
    assert "htmx.min.js" in page
    assert f'action="/app/jobs/{job.pk}/cancel/"' in page

    fragment = client.get(LIST, headers={"HX-Request": "true"})
    assert fragment.templates[0].name == "jobs/_jobs.html"
    assert not fragment.content.decode().lstrip().startswith("<!doctype")

    run_queued_jobs()
    page = client.get(LIST).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "hx-trigger" not in page
    assert 'value="100"' in page


def test_a_running_job_shows_its_progress_bar_without_javascript(owner):
    job = _start(owner)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, progress_done=3, progress_total=12, progress_message="rows"
    )
    page = signed_in_client(owner).get(LIST).content.decode()
    assert '<progress max="100" value="25"' in page
    assert "3 / 12 · rows" in page


def test_the_list_asks_as_many_queries_for_one_job_as_for_many(owner):
    client = signed_in_client(owner)
    _finished_with_result(owner)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _ in range(5):
        _finished_with_result(owner)
    client.get(LIST)
    with CaptureQueriesContext(connection) as six:
        response = client.get(LIST)
    assert len(response.context["jobs"]) == 6
    assert len(six) == len(one) <= 22


def test_the_owner_stops_a_job_and_others_get_404(owner, other):
    job = _start(owner)
    url = reverse("jobs:cancel", kwargs={"job_id": job.pk})

    assert signed_in_client(other).post(url).status_code == 404
    assert signed_in_client(owner).get(url).status_code == 405
    response = signed_in_client(owner).post(url, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert len(list(response.context["messages"])) == 1
    again = signed_in_client(owner).post(url, follow=True)
    assert again.status_code == 200
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_the_owner_downloads_the_result_and_it_is_audited(owner):
    job = _finished_with_result(owner)
    url = reverse("jobs:download", kwargs={"job_id": job.pk})

    response = signed_in_client(owner).get(url)

    assert response.status_code == 200
    assert response.getvalue() == b"number\n1\n2\n3\n"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''s%E1%BB%91%20%C4%91%E1%BA%BFm.csv" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    row = AuditEntry.objects.get(event="job.result_downloaded")
    assert row.actor_id == owner.pk
    assert row.target_id == str(job.pk)
    assert row.action == "export"


def test_nobody_else_downloads_a_result(owner, other, client):
    job = _finished_with_result(owner)
    url = reverse("jobs:download", kwargs={"job_id": job.pk})

    assert signed_in_client(other).get(url).status_code == 404
    assert client.get(url).status_code == 302  # to the sign-in page
    assert signed_in_client(owner).post(url).status_code == 405
    assert not AuditEntry.objects.filter(event="job.result_downloaded").exists()


def test_an_expired_or_missing_result_is_404(owner, media_root):
    job = _finished_with_result(owner)
    url = reverse("jobs:download", kwargs={"job_id": job.pk})
    Job.objects.filter(pk=job.pk).update(result_expires_at=timezone.now())
    assert signed_in_client(owner).get(url).status_code == 404
    page = signed_in_client(owner).get(LIST).content.decode()
    assert url not in page

    job = _finished_with_result(owner)
    (media_root / "jobs" / job.result_stored_name).unlink()
    url = reverse("jobs:download", kwargs={"job_id": job.pk})
    assert signed_in_client(owner).get(url).status_code == 404


def test_an_unknown_job_is_404(owner):
    url = reverse("jobs:download", kwargs={"job_id": uuid.uuid4()})
    assert signed_in_client(owner).get(url).status_code == 404


def test_the_home_page_says_when_a_job_finished_until_the_jobs_page_is_seen(owner):
    client = signed_in_client(owner)
    _start(owner)
    assert "job-notice" not in client.get(reverse("workspace:home")).content.decode()
    run_queued_jobs()
    home = client.get(reverse("workspace:home")).content.decode()
    assert "job-notice" in home
    assert f'href="{LIST}"' in home
    client.get(LIST)
    assert "job-notice" not in client.get(reverse("workspace:home")).content.decode()


def test_the_user_menu_links_to_the_jobs_page(owner):
    page = signed_in_client(owner).get(reverse("workspace:home")).content.decode()
    assert f'href="{LIST}"' in page


def test_a_system_administrator_stops_a_job_from_the_admin(owner):
    job = _start(owner, note="Nguyễn Văn A")
    admin: Any = UserFactory(is_superuser=True, is_staff=True)
    client = signed_in_client(admin)

    listing = client.get(reverse("admin:jobs_job_changelist"))
    assert listing.status_code == 200
    detail = client.get(reverse("admin:jobs_job_change", args=[job.pk]))
    assert detail.status_code == 200
    assert "Nguy" not in detail.content.decode()
    assert "Nguy" not in listing.content.decode()  # never the job's parameters
    response = client.post(
        reverse("admin:jobs_job_changelist"),
        {"action": "stop_jobs", "_selected_action": [str(job.pk)]},
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert AuditEntry.objects.get(event="job.cancelled").actor_id == admin.pk
    # Owners stop their jobs on their own page; the admin is for system administrators.
    assert signed_in_client(owner).get(reverse("admin:jobs_job_changelist")).status_code == 302
