"""Reads of programmes, and the one access check every programme page goes through.

Who sees a project: members of its implementing organisation, of its partner organisations and
of its donors. Everyone else gets 404, as if it did not exist. Editing is for the implementing
and partner organisations only (a donor follows, it does not write); trainee names are for the
same two, and only for roles holding Perm.VIEW_TRAINEES.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.programmes.models import (
    BudgetLine,
    CommunicationActivity,
    Indicator,
    ManualValue,
    Participant,
    Project,
    Publication,
    Spending,
    SupportedOrganisation,
    Training,
    TrainingParticipation,
)


class ProjectRelation(StrEnum):
    IMPLEMENTING = "implementing"
    PARTNER = "partner"
    DONOR = "donor"


# Permissions that write or name people: a donor organisation never gets them on a project.
_IMPLEMENTERS_ONLY = frozenset({Perm.EDIT_PROGRAMMES, Perm.VIEW_TRAINEES})


@dataclass(frozen=True)
class ProjectAccess:
    membership: Membership
    project: Project
    relation: ProjectRelation

    @property
    def organisation(self) -> Organisation:
        return self.membership.organisation

    @property
    def implements(self) -> bool:
        return self.relation in (ProjectRelation.IMPLEMENTING, ProjectRelation.PARTNER)

    @property
    def can_edit(self) -> bool:
        return self.implements and role_allows(self.membership.role, Perm.EDIT_PROGRAMMES)

    @property
    def sees_trainees(self) -> bool:
        return self.implements and role_allows(self.membership.role, Perm.VIEW_TRAINEES)


def projects_visible_to(organisation: Organisation) -> QuerySet[Project]:
    linked = (
        Q(implementing_organisation=organisation)
        | Q(partner_organisations=organisation)
        | Q(donors=organisation)
    )
    ids = Project.objects.filter(linked).values("pk")
    return Project.objects.filter(pk__in=ids).select_related("implementing_organisation")


def relation_of(project: Project, organisation: Organisation) -> ProjectRelation | None:
    if project.implementing_organisation_id == organisation.pk:
        return ProjectRelation.IMPLEMENTING
    if project.partner_organisations.filter(pk=organisation.pk).exists():
        return ProjectRelation.PARTNER
    if project.donors.filter(pk=organisation.pk).exists():
        return ProjectRelation.DONOR
    return None


def access_project(user: Any, org_slug: str, project_id: int, perm: Perm) -> ProjectAccess:
    """The project seen through the user's membership of `org_slug`, if that allows `perm`.

    Not a member of the organisation, or the organisation has nothing to do with the project:
    404. A member whose role lacks `perm`, or a donor asking to write or to see names: 403.
    """
    membership = access_membership(user, org_slug, perm)
    project = projects_visible_to(membership.organisation).filter(pk=project_id).first()
    if project is None:
        raise Http404
    relation = relation_of(project, membership.organisation)
    if relation is None:  # pragma: no cover - the query above only returns linked projects
        raise Http404
    if perm in _IMPLEMENTERS_ONLY and relation == ProjectRelation.DONOR:
        raise PermissionDenied
    return ProjectAccess(membership=membership, project=project, relation=relation)


def _one(queryset: QuerySet[Any], pk: int) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def project_training(access: ProjectAccess, training_id: int) -> Training:
    return _one(Training.objects.filter(project=access.project), training_id)


def project_budget_line(access: ProjectAccess, line_id: int) -> BudgetLine:
    return _one(BudgetLine.objects.filter(project=access.project), line_id)


def project_indicator(access: ProjectAccess, indicator_id: int) -> Indicator:
    return _one(
        Indicator.objects.filter(project=access.project).select_related("output"), indicator_id
    )


def training_participation(training: Training, participation_id: int) -> TrainingParticipation:
    return _one(
        TrainingParticipation.objects.filter(training=training).select_related(
            "participant", "participant__organisation", "participant__province", "training"
        ),
        participation_id,
    )


def project_evidence(access: ProjectAccess, kind: str, record_id: int) -> Any:
    """A record of the project that holds an uploaded file: spending, manual value, publication."""
    querysets: dict[str, QuerySet[Any]] = {
        "spending": Spending.objects.filter(budget_line__project=access.project),
        "value": ManualValue.objects.filter(indicator__project=access.project),
        "publication": Publication.objects.filter(project=access.project),
    }
    if kind not in querysets:
        raise Http404
    return _one(querysets[kind], record_id)


# --- lists and totals -------------------------------------------------------------------------


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


def project_trainings(project: Project) -> QuerySet[Training]:
    return (
        Training.objects.filter(project=project)
        .select_related("province")
        .annotate(
            participant_count=Count("participations", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
    )


def training_participations(training: Training) -> QuerySet[TrainingParticipation]:
    return (
        TrainingParticipation.objects.filter(training=training)
        .select_related("participant", "participant__organisation", "participant__province")
        .annotate(attended=Count("sessions_attended"))
        .order_by("id")
    )


def unique_trainees(project: Project) -> int:
    """People trained by the project: each counts once, whatever the number of trainings."""
    return Participant.objects.filter(participations__training__project=project).distinct().count()


def project_communication(project: Project) -> QuerySet[CommunicationActivity]:
    return (
        CommunicationActivity.objects.filter(project=project)
        .select_related("province")
        .prefetch_related("audience")
    )


def project_supported_organisations(project: Project) -> QuerySet[SupportedOrganisation]:
    return SupportedOrganisation.objects.filter(project=project).select_related(
        "organisation", "province"
    )


def project_framework(project: Project) -> list[Any]:
    """Goals with their outcomes, outputs and indicators, in three queries."""
    from django.db.models import Prefetch

    from donghanh.programmes.models import Goal, Outcome, Output

    outputs = Output.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.prefetch_related("targets"))
    )
    outcomes = Outcome.objects.prefetch_related(Prefetch("outputs", queryset=outputs))
    return list(
        Goal.objects.filter(project=project).prefetch_related(
            Prefetch("outcomes", queryset=outcomes)
        )
    )


def indicators_without_output(project: Project) -> QuerySet[Indicator]:
    return Indicator.objects.filter(project=project, output__isnull=True).prefetch_related(
        "targets"
    )
