"""One survivor's whole case, in Vietnamese, in a real browser.

A case worker of organisation A registers the person and records her consents, opens the case,
screens it and records the identification; a supervisor of A approves the case plan; the worker
records a service and refers the case to organisation B, whose case worker accepts it seeing only
what was shared; the worker records a follow-up and asks to close the case; the supervisor
approves the closure. Three people, three browser contexts, every page checked by axe-core.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import Browser, Locator, Page, Response, expect

from donghanh.cases.models import Case
from donghanh.organisations.roles import Role
from donghanh.testing import factories
from donghanh.testing.factories import TEST_PASSWORD, confirmed_totp_device
from tests.browser.conftest import AxeChecker, _new_page

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "0912 345 678"
RECRUITER = "Một người quen cùng xã hứa việc làm ở nhà máy"


class Staff:
    """One user's page in a browser context of its own. Every document is checked by axe-core
    before the test leaves it, however quickly it moves on."""

    def __init__(self, page: Page, axe: AxeChecker) -> None:
        self.page = page
        self.axe = axe

    def leave(self) -> None:
        if self.page.url != "about:blank":
            self.axe.ensure_checked(self.page)

    def goto(self, url: str) -> Response | None:
        self.leave()
        return self.page.goto(url)

    def reload(self) -> None:
        self.leave()
        self.page.reload()

    def follow(self, name: str, within: Locator | None = None) -> None:
        self.leave()
        (within or self.page.locator("main")).get_by_role("link", name=name).first.click()

    def press(self, name: str) -> None:
        self.leave()
        self.page.get_by_role("button", name=name, exact=True).click()

    def submit(self) -> None:
        self.leave()
        self.page.locator("main form[method=post] button[type=submit]").last.click()

    def sign_in(self, base: str, membership: Any) -> None:
        key = confirmed_totp_device(membership.user).bin_key
        self.goto(base + "/app/login/")
        self.page.fill("input[name=username]", membership.user.username)
        self.page.fill("input[name=password]", TEST_PASSWORD)
        self.leave()
        self.page.locator("main form button[type=submit]").first.click()
        self.page.fill("input[name=otp_token]", f"{totp(key, step=30, t0=0, digits=6):06d}")
        self.leave()
        # The first button verifies the code; the page's other form signs out.
        self.page.locator("main form button[type=submit]").first.click()
        expect(self.page).to_have_url(re.compile(r"/app/$"))
        expect(self.page.locator("h1")).to_contain_text(membership.user.display_name)

    def message(self, text: str) -> None:
        expect(self.page.locator(".messages")).to_contain_text(text)

    def section(self, heading_id: str) -> Locator:
        return self.page.locator(f"section[aria-labelledby={heading_id}]")


@pytest.fixture
def sign_in(
    browser: Browser, axe: AxeChecker, live_server: Any
) -> Iterator[Callable[[Any], Staff]]:
    """Signs a member in (with their second factor) on a phone-sized page of their own."""
    opened: list[tuple[Staff, Iterator[Page]]] = []

    def sign_in_(membership: Any) -> Staff:
        pages = _new_page(browser, axe, viewport={"width": 360, "height": 780})
        staff = Staff(next(pages), axe)
        opened.append((staff, pages))
        staff.sign_in(live_server.url, membership)
        return staff

    yield sign_in_
    for staff, pages in opened:
        staff.leave()
        next(pages, None)  # closes the context


def iso(day: datetime.date) -> str:
    """Case work's date fields are the browser's date picker, which takes ISO dates."""
    return day.isoformat()


def test_a_whole_case_from_intake_to_closure(
    sign_in: Callable[[Any], Staff], axe: AxeChecker, live_server: Any
) -> None:
    base = live_server.url
    org_a = OrganisationFactory(name="Trung tâm Công tác xã hội tỉnh Nghệ An")
    org_b = OrganisationFactory(name="Ngôi nhà Bình yên")
    worker = MembershipFactory(organisation=org_a, role=Role.CASE_WORKER)
    supervisor = MembershipFactory(organisation=org_a, role=Role.SUPERVISOR)
    receiver = MembershipFactory(organisation=org_b, role=Role.CASE_WORKER)
    today = timezone.localdate()
    a_url = f"{base}/app/o/{org_a.slug}"

    # Intake: the case worker registers the person.
    me = sign_in(worker)
    page = me.page
    me.follow("Người được hỗ trợ", within=page.locator("body"))
    expect(page.locator("h1")).to_have_text("Người được hỗ trợ")
    me.goto(f"{a_url}/people/new/")
    page.fill("input[name=full_name]", "Phạm Thị Lan")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=date_of_birth]", "05/09/2003")
    page.fill("input[name=phone]", PHONE)
    me.submit()
    expect(page.locator("h1")).to_have_text("Phạm Thị Lan")
    me.message("Đã đăng ký")

    # Her consent to case management, then to sharing with organisation B.
    consents = me.section("consents")
    me.follow("Ghi nhận sự đồng ý", within=consents)
    page.check("input[name=purpose][value=case_management]")
    page.select_option("select[name=method]", "written")
    page.check("input[name=given_by][value=person]")
    me.submit()
    me.message("Đã ghi nhận sự đồng ý.")
    expect(consents).to_contain_text("Quản lý trường hợp")
    expect(consents).to_contain_text("Còn hiệu lực")

    me.follow("Ghi nhận sự đồng ý", within=consents)
    page.check("input[name=purpose][value=sharing]")
    page.select_option("select[name=recipient_organisation]", label=org_b.name)
    page.select_option("select[name=method]", "written")
    page.check("input[name=given_by][value=person]")
    me.submit()
    me.message("Đã ghi nhận sự đồng ý.")
    expect(consents).to_contain_text(f"Chia sẻ với một tổ chức cụ thể: {org_b.name}")

    # The case is opened from the person's page.
    me.follow("Mở hồ sơ trường hợp")
    page.select_option("select[name=case_type]", "trafficking_victim")
    page.select_option("select[name=intake_channel]", "hotline_111")
    page.fill("input[name=intake_date]", "20/05/2025")
    me.submit()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    case = Case.objects.get()
    case_url = f"{a_url}/cases/{case.pk}/"
    me.message(case.number)
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator("main .badge").first).to_have_text("Đang mở")
    expect(me.section("intake")).to_contain_text("Tổng đài 111")
    # Before any identification decision the regime follows from the intake date.
    expect(me.section("identification")).to_contain_text("Luật 66/2011/QH12")

    # Screening: the journey, the exploitation and the ILO indicators.
    me.follow("Sửa hành trình và sàng lọc")
    page.select_option("select[name=destination_country]", "MY")
    page.fill("input[name=departure_date]", "02/01/2025")
    page.fill("input[name=return_date]", "10/05/2025")
    page.select_option("select[name=recruiter_relation]", "Friend")
    page.fill("textarea[name=recruiter_details]", RECRUITER)
    page.check("input[name=exploitation_types][value=ForcedLabour]")
    page.check("input[name=control_means][value=WithholdsDocuments]")
    page.check("input[name=ilo_deception][value=yes]")
    page.check("input[name=ilo_retention_of_identity_documents][value=yes]")
    page.check("input[name=ilo_withholding_of_wages][value=yes]")
    page.check("input[name=ilo_debt_bondage][value=no]")
    page.fill("input[name=screened_on]", "21/05/2025")
    me.submit()
    expect(page).to_have_url(case_url)
    screening = me.section("screening")
    expect(screening).to_contain_text("Lao động cưỡng bức")
    expect(screening).to_contain_text(re.compile(r"\b3\D+11\b"))
    expect(me.section("journey")).to_contain_text("Malaysia")
    expect(me.section("journey")).to_contain_text(RECRUITER)

    # Identification after 1 July 2025: the regime moves to Law 53/2024.
    me.follow("Sửa thông tin xác định nạn nhân")
    page.check("input[name=identification_status][value=identified_victim]")
    page.fill("input[name=identified_on]", "15/07/2025")
    page.fill("input[name=identifying_agency]", "Công an tỉnh Nghệ An")
    me.submit()
    expect(page).to_have_url(case_url)
    identification = me.section("identification")
    expect(identification).to_contain_text("Đã xác định là nạn nhân")
    expect(identification).to_contain_text("15/07/2025")
    expect(identification).to_contain_text("Công an tỉnh Nghệ An")
    expect(identification).to_contain_text("Luật 53/2024/QH15")
    expect(identification).to_contain_text("Căn cứ vào ngày xác định nạn nhân.")

    # The case plan: a goal, an action, sent to a supervisor.
    plan = me.section("cw-plan")
    me.follow("Thêm mục tiêu", within=plan)
    page.select_option("select[name=domain]", "vocational")
    page.fill("textarea[name=text]", "Lan học nghề may và có việc làm ổn định tại quê.")
    me.submit()
    expect(plan).to_contain_text("Lan học nghề may")
    me.follow("Thêm hoạt động", within=plan)
    page.fill("textarea[name=description]", "Đăng ký khóa học nghề may ba tháng")
    page.select_option("select[name=owner]", label=worker.user.display_name)
    page.fill("input[name=due_on]", iso(today + datetime.timedelta(days=30)))
    me.submit()
    expect(plan).to_contain_text("Đăng ký khóa học nghề may ba tháng")
    expect(plan.locator(".badge").first).to_have_text("Bản nháp")
    me.follow("Gửi để phê duyệt", within=plan)
    me.submit()
    expect(plan.locator(".badge").first).to_have_text("Đã gửi chờ phê duyệt")

    # A supervisor of A approves it.
    boss = sign_in(supervisor)
    boss.goto(case_url)
    boss.follow("Phê duyệt hoặc trả lại kế hoạch")
    expect(boss.page.locator("main")).to_contain_text("Đăng ký khóa học nghề may ba tháng")
    boss.page.get_by_label("Phê duyệt kế hoạch").check()
    boss.submit()
    expect(boss.page).to_have_url(case_url)
    boss_plan = boss.section("cw-plan")
    expect(boss_plan.locator(".badge").first).to_have_text("Đã phê duyệt")
    expect(boss_plan).to_contain_text(supervisor.user.display_name)

    # A service delivered, with its cost in dong.
    me.reload()
    expect(plan.locator(".badge").first).to_have_text("Đã phê duyệt")
    me.follow("Ghi nhận dịch vụ", within=me.section("cw-services"))
    page.select_option("select[name=domain]", "health")
    page.fill("input[name=provider_name]", "Bệnh viện Đa khoa tỉnh Nghệ An")
    page.fill("input[name=delivered_on]", iso(today - datetime.timedelta(days=3)))
    page.fill("input[name=cost_vnd]", "1500000")
    me.submit()
    services = me.section("cw-services")
    expect(services).to_contain_text("Chăm sóc y tế")
    expect(services).to_contain_text("Bệnh viện Đa khoa tỉnh Nghệ An")
    expect(services).to_contain_text("1.500.000 ₫")

    # A referral to organisation B, sharing her identity and the case summary only.
    me.follow("Chuyển gửi hoặc chuyển giao hồ sơ")
    page.select_option("select[name=kind]", "referral")
    page.select_option("select[name=to_organisation]", label=org_b.name)
    page.select_option("select[name=domain]", "psychological")
    page.check("input[name=shared_sections][value=identity]")
    page.check("input[name=shared_sections][value=case]")
    page.fill("textarea[name=message]", "Đề nghị hỗ trợ tâm lý cho Lan trong ba tháng.")
    me.submit()
    me.message("Đã gửi chuyển gửi.")
    expect(me.section("status").locator(".badge").first).to_have_text("Đã gửi")

    # B's case worker accepts it, seeing only what was shared.
    other = sign_in(receiver)
    other.follow("Chuyển gửi")
    expect(other.page.locator("h1")).to_contain_text("Chuyển gửi nhận được")
    received = other.page.locator("main tbody tr", has_text=org_a.name)
    expect(received).to_contain_text("Hỗ trợ tâm lý")
    expect(received.locator(".badge")).to_have_text("Đã gửi")
    other.follow(today.strftime("%d/%m/%Y"), within=received)
    expect(other.page.locator("h1")).to_contain_text(org_a.name)
    shared = other.section("shared")
    expect(shared).to_contain_text("Phạm Thị Lan")
    expect(shared).to_contain_text("Đề nghị hỗ trợ tâm lý")
    expect(shared).to_contain_text("Luật 53/2024/QH15")
    expect(shared).not_to_contain_text(PHONE)
    expect(shared).not_to_contain_text("Malaysia")
    expect(other.page.locator("main")).not_to_contain_text(RECRUITER)
    other.press("Nhận")
    other.message("Đã nhận chuyển gửi.")
    expect(other.section("status").locator(".badge").first).to_have_text("Đã nhận")
    referral_url = other.page.url
    # The case itself stays A's: B cannot open it under either organisation's address, and
    # the person is not among B's people.
    for url in (case_url, f"{base}/app/o/{org_b.slug}/cases/{case.pk}/"):
        response = other.goto(url)
        assert response is not None and response.status == 404
    other.goto(f"{base}/app/o/{org_b.slug}/people/")
    expect(other.page.locator("main")).not_to_contain_text("Phạm Thị Lan")

    # The sender sees the answer on the case.
    me.goto(case_url)
    referrals = me.section("referrals")
    expect(referrals).to_contain_text(org_b.name)
    expect(referrals.locator(".badge")).to_have_text("Đã nhận")

    # A follow-up visit at home.
    me.follow("Thêm lần theo dõi", within=me.section("cw-follow-ups"))
    page.fill("input[name=planned_on]", iso(today - datetime.timedelta(days=1)))
    page.select_option("select[name=method]", "home_visit")
    page.fill("input[name=done_on]", iso(today - datetime.timedelta(days=1)))
    page.fill("textarea[name=outcome]", "Lan đã đi học nghề đều, gia đình ủng hộ.")
    me.submit()
    follow_ups = me.section("cw-follow-ups")
    expect(follow_ups).to_contain_text("Thăm tại nhà")
    expect(follow_ups).to_contain_text("Lan đã đi học nghề đều")
    expect(follow_ups.locator(".badge")).to_have_count(0)  # done, so not overdue

    # B reports the service done: a case does not close while a referral is still open.
    other.goto(referral_url)
    other.follow("Hoàn thành và gửi phản hồi")
    other.page.fill("textarea[name=feedback]", "Lan đã tham gia đủ các buổi tư vấn tâm lý.")
    other.submit()
    expect(other.section("status").locator(".badge").first).to_have_text("Đã hoàn thành")

    # Closure: the worker asks, the supervisor approves.
    me.follow("Đề nghị đóng hồ sơ")
    page.select_option("select[name=reason]", "goals_achieved")
    page.select_option("select[name=reintegration_outcome]", "with_family")
    me.submit()
    me.message("Đã đề nghị đóng hồ sơ: cán bộ giám sát sẽ quyết định.")
    expect(page.locator("main .badge").first).to_have_text("Đề nghị đóng")

    boss.goto(case_url)
    boss.follow("Quyết định việc đóng hồ sơ")
    boss.page.get_by_label("Phê duyệt: đóng hồ sơ").check()
    boss.submit()
    expect(boss.page).to_have_url(case_url)
    expect(boss.page.locator("main .badge").first).to_have_text("Đã đóng")
    summary = boss.section("summary")
    expect(summary).to_contain_text("Đã đạt mục tiêu của kế hoạch hỗ trợ")
    expect(summary).to_contain_text("Tái hòa nhập cùng gia đình")
    expect(boss.section("history")).to_contain_text("Phê duyệt đóng hồ sơ")

    me.reload()
    expect(page.locator("main .badge").first).to_have_text("Đã đóng")
    case.refresh_from_db()
    assert case.status == "closed"
