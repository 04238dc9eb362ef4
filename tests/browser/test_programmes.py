"""A programme officer builds a small results framework, records a training, sees the
computed indicator move on the dashboard and downloads the XLSX logframe and the PDF report."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import Indicator
from donghanh.programmes.trainings.models import Training
from donghanh.testing import factories
from tests.browser.signing_in import sign_in_verified

MembershipFactory: Any = factories.MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, membership: Any) -> None:
    sign_in_verified(page, base, membership.user)


def submit(page: Page, form: str = "main form") -> None:
    page.locator(form).locator("button[type=submit]").last.click()


def test_officer_builds_a_framework_and_sees_a_training_count(page: Page, live_server) -> None:
    officer = MembershipFactory(role=Role.PROGRAMME_OFFICER)
    org = officer.organisation.slug
    base = live_server.url
    sign_in(page, base, officer)

    page.goto(f"{base}/app/o/{org}/programmes/new/")
    page.fill("input[name=code]", "P1")
    page.fill("input[name=name]", "Dự án phòng, chống mua bán người")
    submit(page)
    project = Project.objects.get(code="P1")
    programme = f"{base}/app/o/{org}/programmes/{project.pk}"

    page.goto(f"{programme}/results/")
    goal_form = "main form[action$='results/goal/new/']"
    page.locator(goal_form).locator("[name=code]").fill("1")
    page.locator(goal_form).locator("[name=name]").fill("Giảm nguy cơ bị mua bán người")
    submit(page, goal_form)
    outcome_form = "main form[action$='results/outcome/new/']"
    page.locator(outcome_form).locator("[name=code]").fill("1.1")
    page.locator(outcome_form).locator("[name=name]").fill("Cán bộ hỗ trợ có năng lực")
    submit(page, outcome_form)
    output_form = "main form[action$='results/output/new/']"
    page.locator(output_form).locator("[name=code]").fill("1.1.1")
    page.locator(output_form).locator("[name=name]").fill("Cán bộ được tập huấn")
    submit(page, output_form)

    page.goto(f"{programme}/indicators/new/")
    page.select_option("select[name=output]", index=1)
    page.fill("input[name=code]", "1.1.1.a")
    page.fill("input[name=name]", "Số cán bộ được tập huấn")
    page.select_option("select[name=aggregation]", "unique_people")
    page.select_option("select[name=source]", "computed")
    page.select_option("select[name=computed_definition]", "trained_participants")
    submit(page)
    indicator = Indicator.objects.get(code="1.1.1.a")
    expect(page.locator("h1")).to_contain_text("Số cán bộ được tập huấn")
    target_form = "main form[action$='/targets/']"
    page.locator(target_form).locator("[name=period_start]").fill("2026-01-01")
    page.locator(target_form).locator("[name=period_end]").fill("2026-12-31")
    page.locator(target_form).locator("[name=target_value]").fill("20")
    submit(page, target_form)
    assert indicator.targets.count() == 1

    page.goto(f"{programme}/dashboard/")
    expect(page.locator('[data-indicator="1.1.1.a"]')).to_have_text("0")

    page.goto(f"{programme}/trainings/")
    page.fill("input[name=title]", "Tập huấn nhận diện nạn nhân")
    page.select_option("select[name=level]", "province")
    page.fill("input[name=start_on]", "2026-03-02")
    page.fill("input[name=end_on]", "2026-03-03")
    submit(page)
    training = Training.objects.get()
    page.goto(f"{programme}/trainings/{training.pk}/participants/new/")
    page.fill("input[name=full_name]", "Phạm Thị Lan")
    page.select_option("select[name=sex]", "female")
    page.select_option("select[name=role]", "social_worker")
    page.select_option("select[name=sector]", "labour")
    submit(page)

    page.goto(f"{programme}/dashboard/")
    expect(page.locator('[data-indicator="1.1.1.a"]')).to_have_text("1")
    expect(page.locator("main svg[role=img]").first).to_be_visible()

    with page.expect_download() as xlsx:
        page.locator("main a[href$='logframe.xlsx']").click()
    assert xlsx.value.suggested_filename.endswith("logframe.xlsx")
    with page.expect_download() as pdf:
        page.locator("main a[href$='report.pdf']").click()
    assert pdf.value.suggested_filename.endswith("report.pdf")
