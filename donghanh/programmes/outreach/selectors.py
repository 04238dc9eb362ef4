"""Reads of a project's outreach: communication activities, organisations supported,
publications."""

from __future__ import annotations

from django.db.models import QuerySet

from donghanh.programmes.outreach.models import (
    CommunicationActivity,
    Publication,
    SupportedOrganisation,
)
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.selectors import ProjectAccess, one_or_404


def project_publication(access: ProjectAccess, publication_id: int) -> Publication:
    return one_or_404(Publication.objects.filter(project=access.project), publication_id)


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


def project_publications(project: Project) -> QuerySet[Publication]:
    return Publication.objects.filter(project=project)
