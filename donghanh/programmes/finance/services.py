"""Writes of a project's funding and budget. Each one checks its rule, saves, and writes its
audit row in the same transaction, so a refused write leaves nothing behind.

Money rules (docs/programmes.md):
- Funding: the sources of a project are replaced as a whole, and must add up to the total
  budget, to the đồng. Anything else is refused.
- Budget lines: together they may not exceed the total budget.
- Spending: a spending that would take its line over the line's budget is refused unless a
  reason is given; with a reason it is recorded, marked as an overspend and audited as such.
  A spending that would take the project over its total budget is always refused.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.core.actor import Actor
from donghanh.organisations.models import Organisation
from donghanh.programmes.events import ProgrammeEvent
from donghanh.programmes.finance.models import BudgetLine, FundingKind, FundingSource, Spending
from donghanh.programmes.finance.selectors import line_spent_vnd, project_spent_vnd
from donghanh.programmes.projects.models import Phase, Project
from donghanh.programmes.projects.records import (
    check_dates,
    check_version,
    record_audit,
    record_create,
    record_update,
)


def _vnd_text(amount: int) -> str:
    """1.000.000 ₫, for error messages (the template filter is for pages)."""
    return f"{amount:,}".replace(",", ".") + " ₫"


@dataclass(frozen=True)
class FundingSourceData:
    kind: str
    amount_vnd: int
    donor: Organisation | None = None
    donor_name: str = ""
    note: str = ""


@transaction.atomic
def funding_split_set(
    *,
    project: Project,
    expected_version: int,
    budget_vnd: int,
    sources: Sequence[FundingSourceData],
    actor: Actor,
) -> list[FundingSource]:
    """Replace the project's total budget and its funding sources; they must add up exactly."""
    check_version(project, expected_version)
    for source in sources:
        if source.kind not in FundingKind.values:
            raise ValidationError(_("Choose the kind of every funding source."))
        if source.amount_vnd <= 0:
            raise ValidationError(_("Every funding source needs an amount above zero."))
        if source.donor is None and not source.donor_name.strip():
            raise ValidationError(_("Name the funder of every funding source."))
    funded = sum(source.amount_vnd for source in sources)
    if funded != budget_vnd:
        raise ValidationError(
            _(
                "The funding sources add up to %(funded)s but the total budget is %(budget)s: "
                "a difference of %(gap)s. Correct the amounts so that they add up exactly."
            )
            % {
                "funded": _vnd_text(funded),
                "budget": _vnd_text(budget_vnd),
                "gap": _vnd_text(abs(budget_vnd - funded)),
            },
            code="funding_mismatch",
        )
    planned = sum(project.budget_lines.values_list("amount_vnd", flat=True))
    if budget_vnd < planned:
        raise ValidationError(
            _(
                "The total budget (%(budget)s) cannot be less than the budget lines already "
                "planned (%(planned)s)."
            )
            % {"budget": _vnd_text(budget_vnd), "planned": _vnd_text(planned)}
        )
    project.funding_sources.all().delete()
    created = FundingSource.objects.bulk_create(
        [
            FundingSource(
                project=project,
                kind=source.kind,
                donor=source.donor,
                donor_name=source.donor_name.strip(),
                amount_vnd=source.amount_vnd,
                note=source.note,
            )
            for source in sources
        ]
    )
    project.budget_vnd = budget_vnd
    project.version += 1
    project.save(update_fields=["budget_vnd", "version", "updated_at"])
    record_audit(
        ProgrammeEvent.FUNDING_SPLIT_SET,
        target=project,
        project=project,
        actor=actor,
        changed_fields=["budget_vnd", "funding_sources"],
        sources=len(created),
    )
    return created


def _check_lines_fit(project: Project, amount: int, *, excluding: int | None = None) -> None:
    others = project.budget_lines.exclude(pk=excluding) if excluding else project.budget_lines
    planned = sum(others.values_list("amount_vnd", flat=True)) + amount
    if planned > project.budget_vnd:
        raise ValidationError(
            _(
                "The budget lines would add up to %(planned)s, more than the project's total "
                "budget of %(budget)s."
            )
            % {"planned": _vnd_text(planned), "budget": _vnd_text(project.budget_vnd)},
            code="lines_over_budget",
        )


@transaction.atomic
def budget_line_add(
    *,
    project: Project,
    code: str,
    name: str,
    amount_vnd: int,
    actor: Actor,
    phase: Phase | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> BudgetLine:
    Project.objects.select_for_update().filter(pk=project.pk).first()
    if project.budget_lines.filter(code=code.strip()).exists():
        raise ValidationError(
            _("This project already has a budget line %(code)s.") % {"code": code}
        )
    _check_lines_fit(project, amount_vnd)
    check_dates(period_start, period_end)
    line = BudgetLine(
        project=project,
        code=code.strip(),
        name=name,
        amount_vnd=amount_vnd,
        phase=phase,
        period_start=period_start,
        period_end=period_end,
    )
    record_create(line, project=project, actor=actor)
    return line


@transaction.atomic
def budget_line_update(
    *,
    line: BudgetLine,
    expected_version: int,
    actor: Actor,
    **changes: Any,
) -> BudgetLine:
    project = line.project
    if "amount_vnd" in changes:
        _check_lines_fit(project, changes["amount_vnd"], excluding=line.pk)
        spent = line_spent_vnd(line)
        if changes["amount_vnd"] < spent:
            raise ValidationError(
                _("The line has already spent %(spent)s: its budget cannot be less.")
                % {"spent": _vnd_text(spent)}
            )
    result: BudgetLine = record_update(
        line,
        expected_version=expected_version,
        changes=changes,
        project=project,
        actor=actor,
    )
    return result


@transaction.atomic
def spending_record(
    *,
    line: BudgetLine,
    spent_on: datetime.date,
    amount_vnd: int,
    description: str,
    evidence_text: str,
    actor: Actor,
    overspend_reason: str = "",
    evidence_file: UploadedFile | None = None,
) -> Spending:
    project = line.project
    # Lock the line so that two spendings recorded at once are checked one after the other.
    BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
    if amount_vnd <= 0:
        raise ValidationError(_("Enter an amount above zero."))
    if spent_on > timezone.localdate():
        raise ValidationError(_("The date of a spending cannot be in the future."))
    if not evidence_text.strip():
        raise ValidationError(_("Say where the evidence is: a voucher number or where it is kept."))
    project_total = project_spent_vnd(project) + amount_vnd
    if project_total > project.budget_vnd:
        raise ValidationError(
            _(
                "This spending would bring the project's spending to %(total)s, more than its "
                "total budget of %(budget)s. It was not recorded."
            )
            % {"total": _vnd_text(project_total), "budget": _vnd_text(project.budget_vnd)},
            code="project_overspent",
        )
    line_total = line_spent_vnd(line) + amount_vnd
    overspent = line_total > line.amount_vnd
    if overspent and not overspend_reason.strip():
        raise ValidationError(
            _(
                "This spending would bring line %(code)s to %(total)s, over its budget of "
                "%(budget)s by %(over)s. Give the reason for going over the line to record it."
            )
            % {
                "code": line.code,
                "total": _vnd_text(line_total),
                "budget": _vnd_text(line.amount_vnd),
                "over": _vnd_text(line_total - line.amount_vnd),
            },
            code="line_overspent",
        )
    spending = Spending(
        budget_line=line,
        spent_on=spent_on,
        amount_vnd=amount_vnd,
        description=description,
        evidence_text=evidence_text.strip(),
        overspend_reason=overspend_reason.strip() if overspent else "",
        created_by_id=actor.user_id,
    )
    if evidence_file is not None:
        spending.evidence_file.save(evidence_file.name or "evidence", evidence_file, save=False)
    record_create(
        spending,
        project=project,
        actor=actor,
        exclude=["created_by", "evidence_file"],
        event=ProgrammeEvent.LINE_OVERSPENT if overspent else ProgrammeEvent.RECORD_ADDED,
    )
    return spending
