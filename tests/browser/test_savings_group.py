"""A Women's Union officer records a whole savings group meeting on a 360-px phone, in
Vietnamese, and the ledger reconciles."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from donghanh.core.actor import Actor
from donghanh.livelihood.savings import services
from donghanh.livelihood.savings.models import Loan, Meeting, SavingsGroup
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _group(organisation: Any) -> SavingsGroup:
    actor = Actor.system("test")
    today = timezone.localdate()
    group = services.group_create(
        actor=actor,
        organisation=organisation,
        name="Tổ tiết kiệm thôn Hà Thôn",
        formed_on=today - datetime.timedelta(days=60),
    )
    for name in ("Lê Thị An", "Phạm Thị Bình", "Hoàng Thị Cúc"):
        services.member_add(
            actor=actor, group=group, full_name=name, joined_on=today - datetime.timedelta(days=60)
        )
    services.cycle_open(
        actor=actor,
        group=group,
        started_on=today - datetime.timedelta(days=30),
        planned_end_on=today + datetime.timedelta(days=270),
        meeting_frequency="monthly",
        share_price=50_000,
        min_shares=1,
        max_shares=5,
        interest_bp=150,
        loan_multiple=3,
        max_loan=5_000_000,
        max_loan_months=6,
        social_contribution=10_000,
        fine_absence=10_000,
        fine_late=5_000,
        fine_late_repayment=20_000,
    )
    return group


def _fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_officer_records_a_whole_meeting_on_a_phone(page: Page, live_server):
    officer = MembershipFactory(role=Role.COLLABORATOR)
    group = _group(officer.organisation)
    sign_in_verified(page, live_server.url, officer.user)

    page.goto(f"{live_server.url}/app/o/{officer.organisation.slug}/")
    page.get_by_role("link", name="Tổ tiết kiệm").click()
    page.get_by_role("link", name="Tổ tiết kiệm thôn Hà Thôn").click()
    page.get_by_role("link", name="Ghi buổi họp hôm nay").click()
    expect(page.locator("h1")).to_have_text("Buổi họp hôm nay")
    assert _fits_the_screen(page)

    an, binh, cuc = page.locator("#member-1"), page.locator("#member-2"), page.locator("#member-3")
    an.get_by_label("Cổ phần").fill("5")
    an.get_by_label("Đã đóng quỹ tương trợ").check()
    binh.get_by_label("Cổ phần").fill("4")
    binh.get_by_label("Đã đóng quỹ tương trợ").check()
    binh.locator("summary", has_text="Vay mới").click()
    binh.get_by_label("Khoản vay mới").fill("400000")
    binh.get_by_label("Số tháng").fill("3")
    binh.get_by_label("Để").select_option("livestock")
    cuc.get_by_label("Vắng mặt").check()
    # By hand: shares 250.000 + 200.000 = 450.000, lent 400.000: 50.000 in the loan fund and
    # 20.000 in the social fund.
    page.get_by_label(re.compile("Số tiền người đếm tiền đếm được")).fill("70000")
    assert _fits_the_screen(page)
    page.get_by_role("button", name="Lưu cả buổi họp").click()

    expect(page.locator("h1")).to_contain_text("Buổi họp số 1")
    expect(page.locator(".figures")).to_contain_text("50.000")
    expect(page.locator("main table")).to_contain_text("Vắng mặt")
    assert _fits_the_screen(page)
    assert Meeting.objects.filter(cycle__group=group).count() == 1
    loan = Loan.objects.get()
    assert (loan.principal, loan.interest) == (400_000, 18_000)

    # A mistake is refused beside the member, in Vietnamese, and nothing is saved.
    page.get_by_role("link", name="Chu kỳ 1").click()
    page.get_by_role("link", name="Ghi buổi họp hôm nay").click()
    page.locator("#member-1").get_by_label("Cổ phần").fill("9")
    page.locator("#member-2").get_by_label("Cổ phần").fill("1")
    page.locator("#member-3").get_by_label("Cổ phần").fill("1")
    page.get_by_role("button", name="Lưu cả buổi họp").click()
    expect(page.locator(".error-summary")).to_contain_text("Buổi họp chưa được lưu")
    expect(page.locator("#member-1")).to_contain_text("5")
    assert Meeting.objects.count() == 1

    page.get_by_role("link", name="Chu kỳ 1").click()
    page.get_by_role("link", name="Sổ quỹ").first.click()
    expect(page.locator("main")).to_contain_text("Sổ quỹ khớp")
    assert _fits_the_screen(page)


def test_a_case_worker_places_her_safely_updates_her_plan_and_sees_the_score_trend(
    page: Page, live_server
):
    from donghanh.cases.tests.conftest import make_case
    from donghanh.livelihood.plans import services as plan_services
    from donghanh.livelihood.plans.items import ITEMS
    from donghanh.livelihood.safe_addresses.services import safe_address_add
    from donghanh.people.tests.conftest import make_person

    worker = MembershipFactory(role=Role.CASE_WORKER)
    case = make_case(make_person(worker.organisation, worker.user), worker.user)
    plan_services.assessment_record(
        actor=Actor.for_user(worker.user),
        case=case,
        point="intake",
        assessed_on=timezone.localdate() - datetime.timedelta(days=200),
        answers={item.code: 2 for item in ITEMS},
    )
    safe_address_add(
        actor=Actor.system("test"),
        organisation=worker.organisation,
        name="Nhà bà Tư",
        kind="union_member",
        address="Xóm 2, thôn Hà Thôn, xã Bảo Ninh",
        capacity=2,
        vouched_by="Chủ tịch Hội Phụ nữ xã",
        last_checked_on=timezone.localdate(),
    )
    sign_in_verified(page, live_server.url, worker.user)

    # An emergency first: she spends two nights at a safe address, listed on her case page.
    page.goto(f"{live_server.url}/app/o/{worker.organisation.slug}/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("Chưa có lần tạm lánh khẩn cấp nào.")
    page.get_by_role("link", name="Đưa chị đến tạm lánh tại một địa chỉ an toàn").click()
    page.get_by_label("Địa chỉ an toàn").select_option(label="Nhà bà Tư")
    page.get_by_label("Số đêm").fill("2")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận lần tạm lánh khẩn cấp")
    placements = page.get_by_role("table").filter(has_text="Nhà bà Tư")
    today = timezone.localdate()
    expect(placements).to_contain_text(f"{today:%d/%m/%Y}")
    expect(placements).to_contain_text(f"{today + datetime.timedelta(days=2):%d/%m/%Y}")
    assert _fits_the_screen(page)

    page.get_by_role("link", name="Kế hoạch sinh kế và các lần đánh giá của chị").click()
    page.get_by_role("button", name="Bắt đầu kế hoạch sinh kế của chị").click()
    page.get_by_label("Mục tiêu của chị").fill("Nuôi bò sinh sản và bán sữa")
    page.get_by_label("Sinh kế chị đã chọn").select_option("livestock")
    page.get_by_label("Thu nhập hằng tháng của chị lúc bắt đầu (đồng)").fill("1500000")
    page.get_by_role("button", name="Lưu kế hoạch").click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu kế hoạch sinh kế")
    assert _fits_the_screen(page)

    # One point on the chart so far: her intake assessment.
    expect(page.locator("figure.chart circle")).to_have_count(1)

    # The support she was given, written as people write money.
    page.get_by_role("link", name="Ghi hỗ trợ đã nhận").click()
    page.get_by_label("Hình thức hỗ trợ").select_option("cash_grant")
    page.get_by_label("Giá trị (đồng)").fill("1.500.000")
    page.get_by_label("Đơn vị hỗ trợ (khác)").fill("UBND xã Sơn Kim 1")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi hỗ trợ")
    support = page.get_by_role("table").filter(has_text="Hỗ trợ tiền mặt")
    expect(support).to_contain_text("1.500.000 ₫")
    expect(support).to_contain_text("UBND xã Sơn Kim 1")

    # A review of her income: she now earns more than at the start.
    page.get_by_role("link", name="Ghi một lần rà soát").click()
    page.get_by_label("Thu nhập hằng tháng hiện nay của chị (đồng)").fill("2.300.000")
    page.get_by_label("Tình hình sinh kế").fill("Bò đã đẻ, bán sữa cho hợp tác xã")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi lần rà soát")
    reviews = page.get_by_role("table").filter(has_text="Bò đã đẻ")
    expect(reviews.get_by_role("row").filter(has_text="Lúc bắt đầu")).to_contain_text("1.500.000 ₫")
    expect(reviews).to_contain_text("2.300.000 ₫")
    assert _fits_the_screen(page)

    # The 6-month assessment is due: she is doing better on every question.
    expect(page.locator("main")).to_contain_text("Quá hạn")
    page.get_by_role("link", name="Ghi một lần đánh giá").click()
    expect(page.get_by_label("Thời điểm")).to_have_value("month_6")
    for item in ITEMS:
        page.locator(f"input[name={item.code}][value='4']").check()
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi đánh giá")
    expect(page.locator("main")).to_contain_text("Điểm tổng hợp của chị đã tăng 50 điểm")
    assert _fits_the_screen(page)

    # The trend shows the new point: a second dot on the chart, a second column in the table.
    chart = page.get_by_role("img", name=re.compile("Điểm tổng hợp của chị ở mỗi lần đánh giá"))
    expect(chart.locator("circle")).to_have_count(2)
    expect(chart.locator("circle").last.locator("title")).to_have_text(f"{today:%d/%m/%Y}: 75")
    scores = page.get_by_role("table").filter(has_text="Tổng hợp").first
    expect(scores.locator("thead th")).to_have_count(3)
    expect(scores.locator("thead")).to_contain_text(f"{today:%d/%m/%Y}")
    expect(scores.get_by_role("row").filter(has_text="Tổng hợp")).to_contain_text("75")
