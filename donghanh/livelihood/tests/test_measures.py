"""Savings group measures from the records, against figures worked out by hand."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from donghanh.livelihood.savings import selectors, services
from donghanh.livelihood.savings.lines import LoanRequest, MeetingLine
from donghanh.livelihood.savings.models import Cycle

from .conftest import add_members, make_group, meeting, open_cycle, system

pytestmark = pytest.mark.django_db

D = datetime.date


def line(member, shares=1, attendance="present", **kwargs):
    return MeetingLine(member_id=member.pk, attendance=attendance, shares=shares, **kwargs)


@pytest.fixture
def cycle(group) -> Cycle:
    """By hand (share 10.000 đồng, interest 10 % a month, flat), cycle from 5/1/2026:

    2/2  An 5 shares, Bình 3, Cúc 2, Dung 1 (110.000). Bình borrows 60.000 for 2 months
         (36.000 due on 2/3 and on 2/4), An 30.000 for a month (33.000 due on 2/3).
         Loan fund 20.000.
    20/2 Dung leaves: her 10.000 back. Loan fund 10.000.
    2/3  An, Bình, Cúc (sent someone) 1 share each; An repays 33.000, on time; Bình pays
         nothing. Loan fund 73.000.
    15/4 1 share each; Bình repays all 72.000, six weeks after her first instalment and
         thirteen days after her last. Loan fund 175.000.
    """
    an, binh, cuc, dung = add_members(group, "An", "Bình", "Cúc", "Dung")
    cycle = open_cycle(group)
    meeting(
        cycle,
        D(2026, 2, 2),
        line(an, 5, loan=LoanRequest(amount=30_000, months=1, purpose="small_trade")),
        line(binh, 3, loan=LoanRequest(amount=60_000, months=2, purpose="livestock")),
        line(cuc, 2),
        line(dung, 1),
    )
    services.member_leave(actor=system(), member=dung, left_on=D(2026, 2, 20), reason="moved")
    meeting(
        cycle,
        D(2026, 3, 2),
        line(an, repayment=33_000),
        line(binh),
        line(cuc, attendance="represented"),
    )
    meeting(cycle, D(2026, 4, 15), line(an), line(binh, repayment=72_000), line(cuc))
    return cycle


def measured(cycle: Cycle, on: datetime.date):
    (measures,) = selectors.measures_of_cycles([cycle], on)
    return measures


def test_a_loan_repaid_late_is_at_risk_once_thirty_days_overdue(cycle):
    # 20/3: Bình's first instalment (2/3) is 18 days late: late, not yet at risk.
    early = measured(cycle, D(2026, 3, 20))
    assert early.outstanding == 60_000
    assert early.portfolio_at_risk == 0
    # 10/4: 39 days late: all of her 60.000 still owed is at risk, and it is all that is owed.
    late = measured(cycle, D(2026, 4, 10))
    assert (late.at_risk, late.outstanding) == (60_000, 60_000)
    assert late.portfolio_at_risk == 1
    assert late.loans_late == 1  # past its final due date (2/4) and still owed
    # 20/4: repaid, nothing at risk; it still counts as a loan repaid late, An's does not.
    after = measured(cycle, D(2026, 4, 20))
    assert after.portfolio_at_risk is None  # nothing owed at all
    assert (after.loans_made, after.loans_late) == (2, 1)


def test_the_measures_of_a_cycle_by_hand(cycle):
    measures = measured(cycle, D(2026, 4, 20))
    # Savings 110.000 + 30.000 + 30.000 − 10.000 returned; profit 3.000 + 12.000 interest.
    assert (measures.savings, measures.profit) == (160_000, 15_000)
    assert measures.days == 105
    assert measures.annualised_return == Fraction(15_000, 160_000) * Fraction(365, 105)
    assert round(float(measures.annualised_return) * 100, 1) == 32.6
    # Attendance: 4 of 4, 2 of 3 (Cúc sent someone), 3 of 3. Drop-out: Dung, 1 of 4.
    assert (measures.attended, measures.expected) == (9, 10)
    assert measures.drop_out == Fraction(1, 4)
    # Utilisation at the close of each meeting: 90/110, 60/133, 0.
    assert measures.utilisation_average == (Fraction(90, 110) + Fraction(60, 133)) / 3
    assert measured(cycle, D(2026, 4, 10)).utilisation == Fraction(60_000, 133_000)


def test_a_programme_adds_its_groups_up(staff, cycle):
    from donghanh.programmes.projects.services import project_create

    project = project_create(
        organisation=staff.organisation, code="DA8", name="Dự án 8", actor=system()
    )
    cycle.group.project = project
    cycle.group.save(update_fields=["project"])
    other = make_group(staff.organisation, "Tổ Hà Thôn")
    other.project = project
    other.save(update_fields=["project"])
    (lan,) = add_members(other, "Lan")
    second = open_cycle(other)
    meeting(second, D(2026, 2, 2), line(lan, 4))
    make_group(staff.organisation, "Tổ chưa có chu kỳ")  # no cycle: not measured

    (programme,) = selectors.programme_measures(staff.organisation.pk, D(2026, 4, 20))
    assert programme.project == project
    totals = programme.totals
    assert (totals.groups, totals.members, totals.savings) == (2, 4, 200_000)
    # The group that lent nothing weighs in by its savings: 15.000 / 160.000 × 365/105 and
    # 0 over 40.000.
    assert totals.annualised_return == Fraction(15_000, 160_000) * Fraction(365, 105) * Fraction(
        160, 200
    )
    assert totals.attendance == Fraction(10, 11)


def test_the_measures_pages_show_the_figures_and_hide_small_counts_from_donors(staff, cycle):
    from django.urls import reverse

    from donghanh.organisations.roles import Role

    page = reverse("livelihood:measures", kwargs={"org": staff.organisation.slug})
    officer = staff.client(Role.PROGRAMME_OFFICER).get(page)
    assert officer.status_code == 200
    text = officer.content.decode()
    assert "Tổ tiết kiệm thôn Bảo Ninh" in text  # group by group
    assert "160.000\u00a0₫" in text
    donor = staff.client(Role.DONOR_VIEWER).get(page)
    assert donor.status_code == 200
    text = donor.content.decode()
    assert "Tổ tiết kiệm thôn Bảo Ninh" not in text  # totals only
    assert "&lt;11" in text  # three members
    assert "160.000\u00a0₫" in text

    group_page = reverse(
        "livelihood:group_measures",
        kwargs={"org": staff.organisation.slug, "group_id": cycle.group_id},
    )
    response = staff.client(Role.CASE_WORKER).get(group_page)
    assert response.status_code == 200
    assert [bar.css for bar in response.context["chart"].bars] == [
        "bar-return",
        "bar-attendance",
        "bar-risk",
    ]


def test_the_group_measures_workbook_keeps_money_and_dates_as_numbers(staff, cycle):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    from donghanh.audit.models import AuditEntry
    from donghanh.livelihood.savings.models import SavingsGroup
    from donghanh.organisations.roles import Role

    # A name typed like a formula is shown as the text it is, never run.
    SavingsGroup.objects.filter(pk=cycle.group_id).update(name='=HYPERLINK("x") Tổ Bảo Ninh')
    url = reverse(
        "livelihood:group_measures_xlsx",
        kwargs={"org": staff.organisation.slug, "group_id": cycle.group_id},
    )
    response = staff.client(Role.CASE_WORKER).get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == '\'=HYPERLINK("x") Tổ Bảo Ninh'
    assert sheet["A1"].data_type == "s"
    headers = [cell.value for cell in sheet[2]]
    assert headers[:5] == ["Chu kỳ", "Ngày bắt đầu", "Tính đến", "Thành viên", "Tiền tiết kiệm"]
    row = dict(zip(headers, sheet[3], strict=True))
    savings, profit = row["Tiền tiết kiệm"], row["Tiền lãi và tiền phạt"]
    assert (savings.value, profit.value) == (160_000, 15_000)  # numbers, not text
    assert savings.data_type == profit.data_type == "n"
    assert savings.number_format == profit.number_format == "#,##0 [$₫-42A]"
    started = row["Ngày bắt đầu"]
    assert started.value.date() == cycle.started_on and started.number_format == "DD/MM/YYYY"
    assert row["Điểm danh"].value == pytest.approx(0.9)
    assert row["Điểm danh"].number_format == "0.0%"
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith("=")
        for line in sheet.iter_rows()
        for cell in line
    )
    (entry,) = AuditEntry.objects.filter(event="savings_group.measures_exported")
    assert entry.details == {"cycles": 1} and entry.action == "export"
    assert staff.client(Role.DONOR_VIEWER).get(url).status_code == 403
