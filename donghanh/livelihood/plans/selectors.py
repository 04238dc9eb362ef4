"""Reads of livelihood plans and reintegration assessments. Every page opens the case first
through `case_access_audited` (404 for a case the member may not see, 403 without the
permission, a view row in the audit log)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from donghanh.cases.models import Case, CaseStatus
from donghanh.cases.selectors import cases_visible_to
from donghanh.core.queries import CompiledRead
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Perm, role_allows

from ..safe_addresses.selectors import case_placements, may_see_placements, placements_of_case
from ..savings.rules import add_months
from .items import ITEMS, Dimension
from .models import (
    POINT_MONTHS,
    AssessmentPoint,
    LivelihoodPlan,
    LivelihoodSupport,
    ReintegrationAssessment,
)

_OVERALL = _("Overall")


# Compiled once per process: the case page reads them on every request (donghanh.core.queries).
_plan_of_case = CompiledRead(
    lambda case_id: LivelihoodPlan.objects.filter(case_id=case_id).order_by("pk")[:1]
)
_assessments_of_case = CompiledRead(
    lambda case_id: ReintegrationAssessment.objects.filter(case_id=case_id).order_by(
        "assessed_on", "pk"
    )
)


def plan_of(case: Case) -> LivelihoodPlan | None:
    """The case's livelihood plan with its support (and who gave it) and reviews, if any."""
    plans = _plan_of_case(case.pk)
    if not plans:
        return None
    plan = plans[0]
    prefetch_related_objects([plan], "support__given_by", "reviews")
    plan.case = case
    return plan


def assessments_of(case: Case) -> list[ReintegrationAssessment]:
    return _assessments_of_case(case.pk)


def access_assessment(case: Case, assessment_id: int) -> ReintegrationAssessment:
    """One assessment of a case already opened through `case_access_audited`; 404 otherwise."""
    assessment = ReintegrationAssessment.objects.filter(case=case, pk=assessment_id).first()
    if assessment is None:
        raise Http404
    assessment.case = case
    return assessment


@dataclass(frozen=True)
class DueReview:
    point: str
    due_on: datetime.date

    @property
    def label(self) -> Any:
        return AssessmentPoint(self.point).label

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()


def reviews_due(assessments: list[ReintegrationAssessment]) -> list[DueReview]:
    """The 6- and 12-month assessments not yet recorded, due from the intake assessment."""
    intake = next((a for a in assessments if a.point == AssessmentPoint.INTAKE), None)
    if intake is None:
        return []
    done = {assessment.point for assessment in assessments}
    return [
        DueReview(point=point, due_on=add_months(intake.assessed_on, months))
        for point, months in POINT_MONTHS.items()
        if point not in done
    ]


@dataclass(frozen=True)
class Trend:
    """Her scores over her assessments, dimension by dimension (0–100)."""

    assessments: list[ReintegrationAssessment]

    @property
    def rows(self) -> list[tuple[str, list[int | None]]]:
        return [
            (str(label), [getattr(a, name) for a in self.assessments])
            for name, label in (*Dimension.choices, ("overall", _OVERALL))
        ]

    @property
    def change_size(self) -> int | None:
        change = self.change
        return None if change is None else abs(change)

    @property
    def change(self) -> int | None:
        """Her overall score now less at her first assessment."""
        scored = [a.overall for a in self.assessments if a.overall is not None]
        return scored[-1] - scored[0] if len(scored) > 1 else None


def answers_table(assessments: list[ReintegrationAssessment]) -> list[tuple[Any, list[Any]]]:
    """Each item with her answer at each assessment."""
    return [(item, [a.answers.get(item.code) for a in assessments]) for item in ITEMS]


# The amounts of the support given under the case's plan: the case page shows their total.
_support_of_case = CompiledRead(
    lambda case_id: LivelihoodSupport.objects.filter(plan__case_id=case_id).only(
        "plan_id", "amount"
    )
)

# What the case page shows of her plan (the livelihood chosen: not its encrypted texts) and of
# her assessments (the scores, not the answers and notes).
_plan_shown = CompiledRead(
    lambda case_id: (
        LivelihoodPlan.objects.filter(case_id=case_id).only("case_id", "livelihood").order_by("pk")
    )
)
_scores_of_case = CompiledRead(
    lambda case_id: (
        ReintegrationAssessment.objects.filter(case_id=case_id)
        .only("case_id", "point", "assessed_on", "overall", *Dimension.values)
        .order_by("assessed_on", "pk")
    )
)

# What the case page reads of livelihood (run with its other reads, `donghanh.core.sections`).
CASE_PAGE_READS: dict[str, CompiledRead[Any]] = {
    "plan": _plan_shown,
    "support": _support_of_case,
    "assessments": _scores_of_case,
    "placements": case_placements,
}


def case_section(
    membership: Membership, case: Case, rows: dict[str, list[Any]] | None = None
) -> dict[str, Any]:
    """What the case page's livelihood section shows (the member has opened the case), from
    the rows of `CASE_PAGE_READS`; without them (the plan's own page), read here."""
    if rows is None:
        assessments = assessments_of(case)
        plan = plan_of(case)
        # From the support the plan's query already read: no query of its own.
        support_total = sum(item.amount for item in plan.support.all()) if plan else 0
        # Her emergency placements at the organisation's safe addresses: one query.
        placements = placements_of_case(membership, case)
    else:
        assessments = rows["assessments"]
        plan = rows["plan"][0] if rows["plan"] else None
        if plan is not None:
            plan.case = case
        support_total = sum(
            item.amount for item in rows["support"] if plan is not None and item.plan_id == plan.pk
        )
        placements = rows["placements"] if may_see_placements(membership, case) else []
    return {
        "plan": plan,
        "trend": Trend(assessments),
        "due": reviews_due(assessments),
        "support_total": support_total,
        "placements": placements,
    }


@dataclass(frozen=True)
class CaseReviewDue:
    case: Case
    due: DueReview


def reviews_due_for(membership: Membership) -> list[CaseReviewDue]:
    """The member's open cases whose 6- or 12-month reintegration assessment is due, soonest
    first: the caseload of reviews."""
    if not role_allows(membership.role, Perm.VIEW_CASES):
        return []
    cases: QuerySet[Case] = cases_visible_to(membership).exclude(status=CaseStatus.CLOSED)
    by_case: dict[int, list[ReintegrationAssessment]] = {}
    for assessment in ReintegrationAssessment.objects.filter(case__in=cases).order_by(
        "assessed_on", "pk"
    ):
        by_case.setdefault(assessment.case_id, []).append(assessment)
    found = {case.pk: case for case in cases.filter(pk__in=list(by_case))}
    rows = [
        CaseReviewDue(case=found[case_id], due=due)
        for case_id, assessments in by_case.items()
        if case_id in found
        for due in reviews_due(assessments)
    ]
    return sorted(rows, key=lambda row: (row.due.due_on, row.case.number))


def review_due() -> Any:
    """When the case's next 6- or 12-month review falls due (for `Case.next_due_on`)."""
    return Subquery(
        ReintegrationAssessment.objects.filter(
            case_id=OuterRef("pk"), point=AssessmentPoint.INTAKE
        ).values("next_review_on")[:1]
    )
