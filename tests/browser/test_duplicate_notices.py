"""A supervisor finds, from her home, that another organisation registered someone likely to be
one of her people, opens the queue (nothing of who registered them) and dismisses the notice."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people import services as person_services
from donghanh.people.models import DuplicateNotice
from donghanh.testing import factories
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supervisor_reviews_a_notice_from_her_home(page: Page, live_server) -> None:
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    holder = supervisor.organisation
    person_services.person_register(
        organisation=holder,
        actor=Actor.for_user(supervisor.user, organisation=holder),
        full_name="Vàng Thị Dua",
        sex="female",
        date_of_birth=datetime.date(2001, 5, 17),
        id_number="011201000777",
    )
    registrant = MembershipFactory(role=Role.CASE_WORKER)
    person_services.person_register_once(
        actor=Actor.for_user(registrant.user, organisation=registrant.organisation),
        membership=registrant,
        full_name="Giàng Thị Pà",
        sex="female",
        id_number="011 201 000 777",
    )
    assert DuplicateNotice.objects.filter(organisation=holder).count() == 1

    sign_in_verified(page, live_server.url, supervisor.user)
    page.get_by_role("link", name="Hồ sơ có thể trùng được đăng ký ở nơi khác").click()
    expect(page).to_have_url(f"{live_server.url}/app/o/{holder.slug}/people/duplicates/")
    main = page.locator("main")
    expect(main.get_by_role("row", name="Vàng Thị Dua")).to_contain_text("trùng số giấy tờ")
    expect(main).not_to_contain_text("Giàng Thị Pà")
    expect(main).not_to_contain_text(registrant.organisation.name)

    page.get_by_role("button", name="Bỏ qua thông báo về Vàng Thị Dua").click()
    expect(page.locator("main")).to_contain_text("Không có thông báo nào cần xem xét.")
    assert DuplicateNotice.objects.get().dismissed_at is not None
