"""A supervisor registers a person, opens a case and records the identification, in a browser."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.testing import factories
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, membership: Any) -> None:
    sign_in_verified(page, base, membership.user)


def test_supervisor_registers_a_person_and_opens_a_case(page: Page, live_server):
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    org = supervisor.organisation
    sign_in(page, live_server.url, supervisor)

    page.get_by_role("link", name="Người được hỗ trợ").click()
    page.goto(f"{live_server.url}/app/o/{org.slug}/people/new/")
    page.fill("input[name=full_name]", "Nguyễn Thị Hoa")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=date_of_birth]", "12/03/2001")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Hoa")
    person = Person.objects.get()

    # Search ignores diacritics, and the name searched for stays out of the address.
    page.goto(f"{live_server.url}/app/o/{org.slug}/people/")
    page.fill("main input[name=q]", "nguyen thi hoa")
    page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("Nguyễn Thị Hoa")
    expect(page).to_have_url(re.compile(r"/people/\?search=[\w-]+$"))

    page.goto(f"{live_server.url}/app/o/{org.slug}/cases/new/{person.pk}/")
    page.select_option("select[name=case_type]", "trafficking_victim")
    page.select_option("select[name=intake_channel]", "hotline_111")
    page.fill("input[name=intake_date]", "20/07/2025")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    expect(page.locator("main")).to_contain_text("53/2024")

    page.goto(f"{live_server.url}/app/o/{org.slug}/cases/")
    page.fill("main input[name=q]", "nguyen thi hoa")
    page.select_option("main select[name=status]", "open")
    page.locator("main form[role=search] button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("Nguyễn Thị Hoa")
    expect(page).to_have_url(re.compile(r"/cases/\?status=open&search=[\w-]+$"))
    assert "hoa" not in page.url.lower()
    # Back and forward keep the search: the address holds its key.
    page.go_back()
    page.go_forward()
    expect(page.locator("main table")).to_contain_text("Nguyễn Thị Hoa")


def test_supervisor_sets_up_a_team_and_gives_it_a_case(page: Page, live_server):
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    org = supervisor.organisation
    worker = MembershipFactory(organisation=org, role=Role.CASE_WORKER)
    sign_in(page, live_server.url, supervisor)

    page.goto(f"{live_server.url}/app/o/{org.slug}/")
    page.get_by_role("link", name="Các nhóm").click()
    page.get_by_role("link", name="Tạo nhóm mới").click()
    page.fill("input[name=name]", "Nhóm nhà tạm lánh")
    page.get_by_label(re.compile(worker.user.display_name)).check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("Nhóm nhà tạm lánh")
    expect(page.locator("main table")).to_contain_text(worker.user.display_name)


def test_staff_search_the_directory_by_an_old_place_name(page: Page, live_server):
    call_command("load_directory_demo", verbosity=0)
    worker = MembershipFactory(role=Role.CASE_WORKER)
    sign_in(page, live_server.url, worker)
    page.get_by_role("link", name="Danh bạ dịch vụ").click()
    page.fill("input[name=q]", "nha binh yen")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Ngôi nhà Bình yên")
    page.get_by_role("link", name=re.compile("Ngôi nhà Bình yên")).first.click()
    expect(page.locator("h1")).to_contain_text("Ngôi nhà Bình yên")


def test_a_case_does_not_close_while_the_person_is_in_a_shelter(page: Page, live_server):
    """Closing is refused with what to finish first; after the discharge it goes through. The
    shelter's staff find its beds, and how many are taken, from their home page."""
    import datetime

    from django.utils import timezone

    from donghanh.cases.tests.conftest import make_case, make_person
    from donghanh.casework import services as casework_services
    from donghanh.core.actor import Actor
    from donghanh.organisations.models import Organisation

    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    org = supervisor.organisation
    shelter = cast(
        Organisation,
        factories.OrganisationFactory(kind=Organisation.Kind.SHELTER, name="Ngôi nhà Bình yên"),
    )
    case = make_case(make_person(org, supervisor.user, full_name="Trần Thị Mai"), supervisor.user)
    today = timezone.localdate()
    casework_services.shelter_capacity_set(
        shelter=shelter,
        beds=4,
        effective_from=today - datetime.timedelta(days=30),
        actor=Actor.system("tests"),
    )
    casework_services.shelter_admit(
        case=case,
        shelter=shelter,
        admitted_on=today - datetime.timedelta(days=10),
        actor=Actor.for_user(supervisor.user),
    )
    sign_in(page, live_server.url, supervisor)

    page.goto(f"{live_server.url}/app/o/{org.slug}/cases/{case.pk}/")
    page.get_by_role("link", name="Đề nghị đóng hồ sơ").click()
    page.select_option("select[name=reason]", "goals_achieved")
    page.select_option("select[name=reintegration_outcome]", "with_family")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Chưa thể đóng hồ sơ")
    expect(page.locator("main")).to_contain_text("Người được hỗ trợ vẫn đang ở Ngôi nhà Bình yên")

    page.goto(f"{live_server.url}/app/o/{org.slug}/cases/{case.pk}/")
    page.get_by_role("link", name="Rời cơ sở", exact=True).click()
    page.fill("input[name=discharged_on]", today.isoformat())
    page.select_option("select[name=reason]", "reintegrated")
    page.locator("main form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))

    page.get_by_role("link", name="Đề nghị đóng hồ sơ").click()
    page.select_option("select[name=reason]", "goals_achieved")
    page.select_option("select[name=reintegration_outcome]", "with_family")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("main")).to_contain_text("Đã đề nghị đóng hồ sơ")


def test_shelter_staff_find_the_beds_from_home(page: Page, live_server):
    from donghanh.organisations.models import Organisation

    shelter = factories.OrganisationFactory(kind=Organisation.Kind.SHELTER)
    worker = MembershipFactory(organisation=shelter, role=Role.CASE_WORKER)
    sign_in(page, live_server.url, worker)
    page.get_by_role("link", name="Số giường").click()
    expect(page.locator("h1")).to_contain_text("Số giường")
    expect(page.locator("main")).to_contain_text("giường có người")


def test_the_beds_page_shows_occupancy_and_refuses_fewer_beds_than_taken(page: Page, live_server):
    """Issue 11, item 4: the shelter's administrator reaches the beds page from the menu of
    their home, sees how many beds are taken, and cannot record fewer beds than that until
    the person has left; then the smaller number is saved."""
    import datetime

    from django.utils import timezone

    from donghanh.cases.tests.conftest import make_case, make_person
    from donghanh.casework import services as casework_services
    from donghanh.casework.models import ShelterCapacity, ShelterStay
    from donghanh.core.actor import Actor
    from donghanh.organisations.models import Organisation

    shelter = cast(
        Organisation,
        factories.OrganisationFactory(kind=Organisation.Kind.SHELTER, name="Ngôi nhà Bình yên"),
    )
    admin = MembershipFactory(organisation=shelter, role=Role.ORG_ADMIN)
    worker = MembershipFactory(role=Role.SUPERVISOR)
    case = make_case(
        make_person(worker.organisation, worker.user, full_name="Lê Thị Hằng"), worker.user
    )
    today = timezone.localdate()
    casework_services.shelter_capacity_set(
        shelter=shelter,
        beds=4,
        effective_from=today - datetime.timedelta(days=30),
        actor=Actor.system("tests"),
    )
    casework_services.shelter_admit(
        case=case,
        shelter=shelter,
        admitted_on=today - datetime.timedelta(days=3),
        actor=Actor.for_user(worker.user),
    )
    sign_in(page, live_server.url, admin)

    page.get_by_role("link", name="Số giường của nhà tạm lánh").click()
    expect(page.locator("h1")).to_have_text("Số giường")
    expect(page.locator("main .occupancy")).to_have_text("1/4 giường có người, còn trống 3.")

    page.fill("input[name=beds]", "0")
    page.fill("input[name=effective_from]", today.isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(
        "đang có 1 giường có người: cơ sở bảo trợ không thể có ít giường hơn"
    )
    assert not ShelterCapacity.objects.filter(shelter=shelter, beds=0).exists()

    stay = ShelterStay.objects.get(case=case)
    casework_services.shelter_discharge(
        stay=stay,
        discharged_on=today,
        reason="reintegrated",
        actor=Actor.for_user(worker.user),
    )
    page.goto(f"{live_server.url}/app/o/{shelter.slug}/casework/beds/")
    expect(page.locator("main .occupancy")).to_have_text("0/4 giường có người, còn trống 4.")
    page.fill("input[name=beds]", "0")
    page.fill("input[name=effective_from]", today.isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("0/0 giường có người")
    assert ShelterCapacity.objects.filter(shelter=shelter, beds=0).exists()


def test_a_supervisor_searching_a_common_name_sees_about_how_many_and_can_count_them(
    page: Page, live_server, settings, monkeypatch
):
    from donghanh.cases import selectors
    from donghanh.cases.tests.conftest import make_case, make_person

    # Read newest first from a few dozen filtered cases on (in production: 2,000).
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 10
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    org = supervisor.organisation
    names = ("Nguyễn Thị Hoa", "Nguyễn Thị Hao", "Phạm Văn Đức")
    for number in range(120):
        person = make_person(org, supervisor.user, full_name=names[number % 3])
        make_case(person, supervisor.user)
    sign_in(page, live_server.url, supervisor)

    page.goto(f"{live_server.url}/app/o/{org.slug}/cases/")
    page.fill("main input[name=q]", "nguyen thi hoa")
    page.locator("main form[role=search] button[type=submit]").click()
    status = page.locator("main p[role=status]")
    expect(status).to_contain_text(re.compile(r"^Khoảng \d+ trường hợp · Đếm chính xác$"))
    expect(page.locator("main tbody tr")).to_have_count(25)
    expect(page.locator("main tbody")).not_to_contain_text("Nguyễn Thị Hao")
    expect(page.locator("nav.pagination span")).to_have_text("Trang 1")

    # A page past the exact matches found early is ranked and counted whole: the last 15
    # exact matches, then the names one letter off.
    page.get_by_role("link", name="Trang sau").click()
    expect(page.locator("nav.pagination span")).to_have_text("Trang 2 / 4")
    expect(status).to_have_text("80 trường hợp")
    expect(page.locator("main tbody tr").filter(has_text="Nguyễn Thị Hoa")).to_have_count(15)
    expect(page.locator("main tbody tr").filter(has_text="Nguyễn Thị Hao")).to_have_count(10)

    # Back on the first page, estimated again; counted exactly when asked.
    page.get_by_role("link", name="Trang trước").click()
    expect(status).to_contain_text(re.compile(r"^Khoảng \d+ trường hợp"))
    page.get_by_role("link", name="Đếm chính xác").click()
    expect(status).to_have_text("80 trường hợp")
    expect(page.locator("nav.pagination span")).to_have_text("Trang 1 / 4")


def test_a_supervisor_searching_a_rarer_name_sees_its_exact_matches_first_then_all(
    page: Page, live_server, settings, monkeypatch
):
    from donghanh.cases import selectors
    from donghanh.cases.tests.conftest import make_case, make_person

    # The newest cases are other names: the newest-first read gives up, the pairs of the
    # name's words find its exact matches (in production: past 2,000 cases).
    settings.CASELOAD_NAME_SEARCH_EXACT_BELOW = 10
    monkeypatch.setattr(selectors, "_NEWEST_STEPS", (6, 30, 60))
    monkeypatch.setattr(selectors, "_NEWEST_SAMPLE", 0)
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    org = supervisor.organisation
    names = ["Sùng Văn Páo"] * 40 + ["Sùng Văn Páu"] * 10 + ["Phạm Văn Đức"] * 60
    for name in names:
        make_case(make_person(org, supervisor.user, full_name=name), supervisor.user)
    sign_in(page, live_server.url, supervisor)

    page.goto(f"{live_server.url}/app/o/{org.slug}/cases/")
    page.fill("main input[name=q]", "sung van pao")
    page.locator("main form[role=search] button[type=submit]").click()
    status = page.locator("main p[role=status]")
    expect(status).to_have_text("40 trường hợp đúng tên · Đếm cả tên gần giống")
    expect(page.locator("main tbody tr").filter(has_text="Sùng Văn Páo")).to_have_count(25)
    expect(page.locator("nav.pagination span")).to_have_text("Trang 1")

    # The next page reaches past the 40 exact matches: ranked and counted whole.
    page.get_by_role("link", name="Trang sau").click()
    expect(status).to_have_text("50 trường hợp")
    expect(page.locator("nav.pagination span")).to_have_text("Trang 2 / 2")
    expect(page.locator("main tbody tr").filter(has_text="Sùng Văn Páo")).to_have_count(15)
    expect(page.locator("main tbody tr").filter(has_text="Sùng Văn Páu")).to_have_count(10)

    page.get_by_role("link", name="Trang trước").click()
    expect(status).to_have_text("40 trường hợp đúng tên · Đếm cả tên gần giống")
    page.get_by_role("link", name="Đếm cả tên gần giống").click()
    expect(status).to_have_text("50 trường hợp")
    expect(page.locator("nav.pagination span")).to_have_text("Trang 1 / 2")
