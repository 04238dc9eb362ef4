"""The 003 livelihood demo: loaded through the services, its ledgers reconcile, its figures
come from its records, and loading it again changes nothing."""

from __future__ import annotations

import io
import re

import pytest
from django.db.models import Sum
from django.utils import timezone
from openpyxl import load_workbook

from donghanh.accounts.models import User
from donghanh.api.tests.conftest import api_client, issue_token
from donghanh.audit.models import AuditEntry
from donghanh.demo import livelihood_data as data
from donghanh.demo.livelihood_services import demo_livelihood_load
from donghanh.demo.programme_services import demo_programmes_load
from donghanh.demo.services import demo_load
from donghanh.livelihood.plans.models import LivelihoodPlan, ReintegrationAssessment
from donghanh.livelihood.safe_addresses.models import SafeAddress
from donghanh.livelihood.savings.ledger import check_reconciled
from donghanh.livelihood.savings.models import (
    CycleStatus,
    EntryKind,
    GroupMember,
    LedgerEntry,
    SavingsGroup,
)
from donghanh.livelihood.savings.selectors import programme_measures
from donghanh.organisations.models import Organisation
from donghanh.programmes.projects.models import Project
from donghanh.programmes.trainings.models import TrainingParticipation
from donghanh.testing.clients import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db: object):
    demo_load()
    demo_programmes_load()
    report = demo_livelihood_load()
    assert report.changed
    return report


def test_the_model_of_the_003_programme_is_loaded(loaded) -> None:
    cwd = Organisation.objects.get(slug=data.CWD)
    assert LivelihoodPlan.objects.filter(case__organisation=cwd).count() == len(data.WOMEN)
    assert ReintegrationAssessment.objects.filter(point="month_12").count() == 2
    assert SafeAddress.objects.filter(organisation=cwd).count() == 3
    participants = TrainingParticipation.objects.filter(training__project__code="003")
    assert participants.count() == 51
    assert set(participants.values_list("training__place", flat=True)) == {
        "Hà Nội",
        "Huế",
        "Cần Thơ",
    }
    groups = SavingsGroup.objects.filter(organisation=cwd)
    assert groups.count() == 3
    for group in groups:
        check_reconciled(group)  # every fund holds what its entries say
    shared_out = {
        group.name
        for group in groups
        if group.cycles.filter(status=CycleStatus.SHARED_OUT).exists()
    }
    assert shared_out == {"Tổ tiết kiệm Hoa Ban", "Tổ tiết kiệm Hướng Dương"}
    # The returned women who joined a group are linked with their case, with their consent.
    linked = GroupMember.objects.filter(case__isnull=False)
    assert {member.full_name for member in linked} == {s.full_name for s in data.WOMEN if s.group}


def test_the_programme_measures_come_from_the_records(loaded) -> None:
    cwd = Organisation.objects.get(slug=data.CWD)
    (programme,) = programme_measures(cwd.pk, timezone.localdate())
    assert programme.project is not None and programme.project.code == "003"
    totals = programme.totals
    assert totals.groups == 3
    assert totals.savings > 0 and totals.outstanding > 0
    assert totals.annualised_return is not None and totals.annualised_return > 0
    # The group still in its first cycle has a member months behind on her loan.
    assert totals.portfolio_at_risk is not None and totals.portfolio_at_risk > 0
    assert totals.attendance is not None and 0.8 < totals.attendance < 1


def test_a_second_load_changes_nothing(loaded) -> None:
    before = AuditEntry.objects.count()
    assert not demo_livelihood_load().changed
    assert AuditEntry.objects.count() == before


def test_the_003_dashboard_counts_the_livelihood_records(loaded) -> None:
    """The 003 dashboard, its spreadsheet and the API show the livelihood indicators, each
    counted from the demo records (checked here against the records themselves)."""
    project = Project.objects.get(implementing_organisation__slug=data.CWD, code="003")
    cwd = project.implementing_organisation
    shares = LedgerEntry.objects.filter(group__project=project, kind=EntryKind.SHARES)
    (programme,) = programme_measures(cwd.pk, timezone.localdate())
    expected = {
        "2.1.1": len(data.WOMEN),
        "2.2.1": SavingsGroup.objects.filter(project=project, cycles__meetings__isnull=False)
        .distinct()
        .count(),
        "2.2.3": shares.aggregate(total=Sum("amount"))["total"],
        "2.2.4": programme.totals.outstanding,
    }
    assert expected["2.1.1"] > 0 and expected["2.2.3"] > 0 and expected["2.2.4"] > 0
    supervisor = User.objects.get(username=data.SUPERVISOR)
    page = signed_in_client(supervisor).get(f"/app/o/{cwd.slug}/programmes/{project.pk}/dashboard/")
    assert page.status_code == 200
    actuals = dict(re.findall(r'data-indicator="([^"]+)">([^<]+)<', page.content.decode()))
    assert {code for code in actuals if code.startswith("2.")} == {
        "2.1.1", "2.1.2", "2.2.1", "2.2.2", "2.2.3", "2.2.4",
    }  # fmt: skip
    answer = api_client(issue_token(supervisor)).get(f"/api/v1/projects/{project.pk}/indicators/")
    values = {row["code"]: row["actual"]["value"] for row in answer.json()["results"]}
    for code, value in expected.items():
        assert values[code] == value, code
    assert 0 < values["2.1.2"] <= values["2.1.1"]
    linked = GroupMember.objects.filter(group__project=project, case__isnull=False)
    linked_women = set(linked.values_list("case__person_id", flat=True))
    assert values["2.2.2"] == GroupMember.objects.filter(
        group__project=project, case__isnull=True
    ).count() + len(linked_women)
    sheet = signed_in_client(supervisor).get(
        f"/app/o/{cwd.slug}/programmes/{project.pk}/reports/logframe.xlsx"
    )
    assert sheet.status_code == 200
    cells = [
        cell
        for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
        for cell in row
    ]
    assert "2.2.3" in cells and expected["2.2.3"] in cells
