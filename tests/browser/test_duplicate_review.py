"""A supervisor starts a scan of her organisation's records from her home, reviews the pair it
finds side by side (why they match, field by field), merges the two records keeping the phone
written on the second, finds the old record's address leading to the one kept, and undoes the
merge. The scan runs in a real worker process beside the live server."""

from __future__ import annotations

import datetime
import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from donghanh.core.actor import Actor
from donghanh.duplicates.models import PersonMerge, RegistryScan
from donghanh.organisations.roles import Role
from donghanh.people import services as person_services
from donghanh.people.models import Person
from donghanh.testing import factories
from donghanh.testing.jobs import start_worker, stop_worker
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings: Any, tmp_path: Any) -> Any:
    root = tmp_path / "private"
    settings.MEDIA_ROOT = root
    return root


def _register(organisation: Any, user: Any, **details: Any) -> Person:
    return person_services.person_register(
        organisation=organisation,
        actor=Actor.for_user(user, organisation=organisation),
        sex="female",
        date_of_birth=datetime.date(1999, 3, 14),
        **details,
    )


def test_a_supervisor_reviews_and_merges_two_records_of_one_person(
    page: Page, live_server: Any, worker_database: str, media_root: Any
) -> None:
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    organisation = supervisor.organisation
    kept = _register(organisation, supervisor.user, full_name="Vàng Thị Dua", phone="")
    other = _register(organisation, supervisor.user, full_name="Vang Thi Dua", phone="0912 345 678")
    _register(organisation, supervisor.user, full_name="Lò Văn Pao", phone="0987654321")
    base = live_server.url
    queue = f"{base}/app/o/{organisation.slug}/duplicates/"

    sign_in_verified(page, base, supervisor.user)
    page.get_by_role("link", name="Hồ sơ trùng của cùng một người").click()
    expect(page).to_have_url(queue)
    expect(page.locator("main")).to_contain_text("Chưa có lần rà soát nào.")
    page.get_by_role("button", name="Rà soát ngay").click()
    expect(page.get_by_role("status").first).to_contain_text("đang chạy nền")

    worker = start_worker(worker_database, media_root)
    try:
        deadline = time.monotonic() + 60
        while not RegistryScan.objects.filter(outcome=RegistryScan.Outcome.SUCCEEDED).exists():
            assert time.monotonic() < deadline, "the scan did not finish"
            time.sleep(0.5)
    finally:
        stop_worker(worker)

    page.goto(queue)
    main = page.locator("main")
    expect(main).to_contain_text("1 cặp cần xem xét")
    expect(main).not_to_contain_text("Lò Văn Pao")
    main.get_by_role("link", name="So sánh Vàng Thị Dua và Vang Thi Dua").click()

    expect(page.locator("h1")).to_have_text("So sánh hai hồ sơ")
    why = page.get_by_role("table", name="Vì sao hai hồ sơ khớp nhau")
    expect(why.get_by_role("row", name=re.compile("Ngày sinh"))).to_contain_text("trùng khớp")
    expect(why.get_by_role("row", name=re.compile("Số điện thoại"))).to_contain_text(
        "một bên không có thông tin"
    )
    page.get_by_role("group", name="Hồ sơ giữ lại").get_by_label(
        f"Hồ sơ bên trái (#{kept.pk})"
    ).check()
    page.get_by_role("group", name=re.compile("Số điện thoại", re.IGNORECASE)).get_by_label(
        "0912 345 678"
    ).check()
    page.get_by_role("button", name="Gộp", exact=True).click()

    expect(page.locator("main")).to_contain_text("Hai hồ sơ đã được gộp thành một.")
    expect(page.locator("h1")).to_have_text("Gộp hai hồ sơ")
    merged = Person.objects.get(pk=other.pk)
    assert merged.merged_into_id == kept.pk
    assert Person.objects.get(pk=kept.pk).phone == "0912 345 678"

    # The merged record's address leads to the record kept.
    page.goto(f"{base}/app/o/{organisation.slug}/people/{other.pk}/")
    expect(page).to_have_url(f"{base}/app/o/{organisation.slug}/people/{kept.pk}/")
    expect(page.locator("h1")).to_have_text("Vàng Thị Dua")

    merge = PersonMerge.objects.get()
    page.goto(f"{queue}merges/{merge.pk}/")
    page.get_by_role("button", name="Hoàn tác việc gộp").click()
    expect(page.locator("main")).to_contain_text("Đã hoàn tác việc gộp")
    assert Person.objects.get(pk=other.pk).merged_into_id is None
    assert Person.objects.get(pk=kept.pk).phone == ""
