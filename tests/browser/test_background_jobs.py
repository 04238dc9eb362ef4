"""A user starts a job, watches its progress bar fill, and downloads its result file; the
job runs in a real worker process beside the live server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from donghanh.jobs.models import Job
from donghanh.jobs.tests import kinds
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.jobs import start_worker, stop_worker
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.browser.job_urls")]


@pytest.fixture
def media_root(settings: Any, tmp_path) -> Any:
    root = tmp_path / "private"
    settings.MEDIA_ROOT = root
    return root


def test_a_job_runs_in_the_background_and_its_file_is_downloaded(
    page: Page, live_server, worker_database, media_root
) -> None:
    member = MembershipFactory(role=Role.DONOR_VIEWER)
    base = live_server.url
    sign_in_verified(page, base, member.user)

    page.goto(base + "/test-jobs/start/")
    page.get_by_role("button", name="Start counting").click()
    expect(page).to_have_url(re.compile(r"/app/jobs/$"))
    expect(page.locator("h1")).to_have_text("Công việc chạy nền")
    card = page.locator("section.job").first
    expect(card.locator(".badge")).to_have_text("Đang chờ bắt đầu")

    worker = start_worker(worker_database, media_root)
    try:
        # HTMX swaps the list in as the job moves: the bar fills without a reload.
        expect(card.locator("progress")).to_have_attribute("value", re.compile(r"^[1-9]"))
        expect(card.locator(".badge")).to_have_text("Đã xong", timeout=30_000)
    finally:
        stop_worker(worker)
    expect(card.locator("progress")).to_have_attribute("value", "100")
    expect(card).to_contain_text("20 / 20")

    with page.expect_download() as download_info:
        card.get_by_role("link", name=re.compile("Tải xuống")).click()
    download = download_info.value
    assert download.suggested_filename == "số đếm.csv"
    content = download.path().read_text(encoding="utf-8")
    assert content.splitlines() == ["number", *[str(n) for n in range(1, 21)]]
    job = Job.objects.get(kind=kinds.COUNT)
    assert job.status == Job.Status.SUCCEEDED

    # The home page no longer announces it: the jobs page was seen after it finished.
    page.goto(base + "/app/")
    expect(page.locator(".job-notice")).to_have_count(0)
