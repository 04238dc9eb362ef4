"""Reads of a project's funding and budget: the totals its pages show and the money rules
check."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from donghanh.programmes.finance.models import BudgetLine, Spending
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.selectors import ProjectAccess, one_or_404


def project_budget_line(access: ProjectAccess, line_id: int) -> BudgetLine:
    return one_or_404(BudgetLine.objects.filter(project=access.project), line_id)


def project_spending(access: ProjectAccess, spending_id: int) -> Spending:
    return one_or_404(Spending.objects.filter(budget_line__project=access.project), spending_id)


@dataclass(frozen=True)
class FundingSummary:
    budget_vnd: int
    funded_vnd: int

    @property
    def balanced(self) -> bool:
        return self.budget_vnd == self.funded_vnd

    @property
    def gap_vnd(self) -> int:
        return self.budget_vnd - self.funded_vnd


def funding_summary(project: Project) -> FundingSummary:
    funded = project.funding_sources.aggregate(total=Sum("amount_vnd"))["total"] or 0
    return FundingSummary(budget_vnd=project.budget_vnd, funded_vnd=funded)


@dataclass(frozen=True)
class BudgetRow:
    line: BudgetLine
    spent_vnd: int

    @property
    def remaining_vnd(self) -> int:
        return self.line.amount_vnd - self.spent_vnd

    @property
    def overspent(self) -> bool:
        return self.spent_vnd > self.line.amount_vnd


@dataclass(frozen=True)
class BudgetSummary:
    rows: list[BudgetRow]
    budget_vnd: int

    @property
    def planned_vnd(self) -> int:
        return sum(row.line.amount_vnd for row in self.rows)

    @property
    def spent_vnd(self) -> int:
        return sum(row.spent_vnd for row in self.rows)

    @property
    def unplanned_vnd(self) -> int:
        return self.budget_vnd - self.planned_vnd


def budget_summary(project: Project) -> BudgetSummary:
    lines = BudgetLine.objects.filter(project=project).annotate(spent=Sum("spendings__amount_vnd"))
    rows = [BudgetRow(line=line, spent_vnd=line.spent or 0) for line in lines]
    return BudgetSummary(rows=rows, budget_vnd=project.budget_vnd)


def line_spent_vnd(line: BudgetLine) -> int:
    return int(line.spendings.aggregate(total=Sum("amount_vnd"))["total"] or 0)


def project_spent_vnd(project: Project) -> int:
    total = Spending.objects.filter(budget_line__project=project).aggregate(t=Sum("amount_vnd"))
    return int(total["t"] or 0)
