"""Each role finds its pages from its home, by clicking: a donor viewer reaches the dashboards
of the programmes it funds and is offered no directory that would refuse it; a programme
officer reaches Programmes; a supervisor reaches the plans and closures awaiting approval and
decides from there."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from donghanh.cases.tests.conftest import make_case
from donghanh.casework import services as casework_services
from donghanh.core.actor import Actor
from donghanh.organisations.roles import Role
from donghanh.people import services as person_services
from donghanh.programmes.projects.models import Project
from donghanh.testing import factories
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_donor_viewer_clicks_through_to_a_dashboard(page: Page, live_server) -> None:
    donor = MembershipFactory(role=Role.DONOR_VIEWER)
    project = Project.objects.create(
        implementing_organisation=OrganisationFactory(), code="UK1", name="Dự án an toàn di cư"
    )
    project.donors.add(donor.organisation)
    sign_in_verified(page, live_server.url, donor.user)

    expect(page.get_by_role("link", name="Danh bạ dịch vụ")).to_have_count(0)
    page.get_by_role("link", name="UK1 · Dự án an toàn di cư").click()
    expect(page).to_have_url(
        f"{live_server.url}/app/o/{donor.organisation.slug}/programmes/{project.pk}/dashboard/"
    )
    expect(page.locator("h1")).to_be_visible()


def test_a_programme_officer_clicks_through_to_programmes(page: Page, live_server) -> None:
    officer = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    sign_in_verified(page, live_server.url, officer.user)

    page.get_by_role("link", name="Chương trình, dự án", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/app/o/{officer.organisation.slug}/programmes/")


def test_a_supervisor_decides_a_plan_from_the_approvals_queue(page: Page, live_server) -> None:
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    organisation = supervisor.organisation
    worker = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER).user
    person = person_services.person_register(
        organisation=organisation,
        actor=Actor.for_user(worker, organisation=organisation),
        full_name="Lò Thị Mây",
        sex="female",
    )
    case = make_case(person, worker)
    casework_services.goal_add(
        case=case, domain="psychological", text="Ổn định tâm lý", actor=Actor.for_user(worker)
    )
    casework_services.plan_submit(case=case, expected_version=2, actor=Actor.for_user(worker))
    sign_in_verified(page, live_server.url, supervisor.user)

    page.get_by_role("link", name="Kế hoạch và yêu cầu đóng hồ sơ chờ duyệt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chờ bạn phê duyệt")
    page.get_by_role("link", name="Phê duyệt hoặc trả lại kế hoạch").click()
    expect(page).to_have_url(
        f"{live_server.url}/app/o/{organisation.slug}/casework/{case.pk}/plan/decision/"
    )


# Every role's home opens, and only opens (issue 11, item 7) ----------------------------------

# The entry each role's home must have, by its Vietnamese name (None: no particular entry).
EXPECTED_ENTRY = {
    Role.DONOR_VIEWER: "UK1 · Dự án an toàn di cư",
    Role.PROGRAMME_OFFICER: "Chương trình, dự án",
    Role.SUPERVISOR: "Kế hoạch và yêu cầu đóng hồ sơ chờ duyệt",
    Role.CASE_WORKER: "Danh sách trường hợp",
    Role.ORG_ADMIN: "Thành viên và quyền truy cập",
}


@pytest.mark.parametrize("role", list(EXPECTED_ENTRY))
def test_every_link_of_a_roles_home_opens(page: Page, live_server, role) -> None:
    """Each link the home offers (its menu and its page) answers 200: nothing it leads to
    refuses the role (403) or does not exist for it (404)."""
    member = MembershipFactory(role=role)
    project = Project.objects.create(
        implementing_organisation=member.organisation
        if role != Role.DONOR_VIEWER
        else OrganisationFactory(),
        code="UK1",
        name="Dự án an toàn di cư",
    )
    if role == Role.DONOR_VIEWER:
        project.donors.add(member.organisation)
    sign_in_verified(page, live_server.url, member.user)

    expect(page.get_by_role("link", name=EXPECTED_ENTRY[role], exact=True).first).to_be_visible()
    hrefs = page.eval_on_selector_all(
        "header a[href], nav a[href], main a[href]",
        "links => links.map(link => link.getAttribute('href'))",
    )
    own = sorted(
        {
            href
            for href in hrefs
            if href.startswith("/") and not href.startswith("//") and "#" not in href
        }
    )
    assert len(own) >= 3, own
    answers = {href: page.request.get(live_server.url + href).status for href in own}
    assert {href: status for href, status in answers.items() if status != 200} == {}
    if role == Role.DONOR_VIEWER:
        expect(page.get_by_role("link", name="Danh bạ dịch vụ")).to_have_count(0)
