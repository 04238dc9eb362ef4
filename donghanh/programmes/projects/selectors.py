"""Reads of projects, and the one access check every programme page goes through.

Who sees a project: members of its implementing organisation, of its partner organisations and
of its donors. Everyone else gets 404, as if it did not exist. Editing is for the implementing
and partner organisations only (a donor follows, it does not write); trainee names are for the
same two, and only for roles holding Perm.VIEW_TRAINEES.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from donghanh.organisations.models import Membership, Organisation
from donghanh.organisations.roles import Perm, role_allows
from donghanh.organisations.selectors import access_membership
from donghanh.programmes.projects.models import Project


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


def projects_visible_to_any(organisations: Iterable[Organisation]) -> QuerySet[Project]:
    """The projects any of `organisations` implements, is a partner of or funds, each once,
    in code order."""
    chosen = list(organisations)
    linked = (
        Q(implementing_organisation__in=chosen)
        | Q(partner_organisations__in=chosen)
        | Q(donors__in=chosen)
    )
    ids = Project.objects.filter(linked).values("pk")
    return (
        Project.objects.filter(pk__in=ids)
        .select_related("implementing_organisation")
        .order_by("code", "pk")
    )


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


def one_or_404(queryset: QuerySet[Any], pk: int) -> Any:
    """The record `pk` among `queryset` (the records of one project), or 404."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
