"""Keeps cached indicator figures exact, project by project.

Every service that writes a record a computed or manual indicator reads (service records and
shelter stays, trainings and participations, communication activities, supported
organisations, manual values, and the person and case fields figures are broken down by) calls
`indicators_changed` with the projects concerned, and the people or trainees whose pre-counted
facts (`facts.py`) the write changes. Bulk loaders that write around the services
(COPY, `bulk_create`) call it too. The new token is written in the caller's transaction: it
commits with the records it describes or not at all, so a reader that sees the new token
also sees the new records, and figures cached for other projects stay valid.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import transaction

from donghanh.indicators.models import ProjectFigures


def indicators_changed(
    *,
    project_ids: Iterable[int | None],
    person_ids: Iterable[int] = (),
    participant_ids: Iterable[int] = (),
) -> None:
    """Make the cached figures of these projects stale (None, a record without a project,
    is ignored), and rewrite the pre-counted facts of the people and trainees whose records
    changed (`facts.refresh_units`)."""
    from donghanh.indicators.facts import refresh_units

    wanted = sorted({pk for pk in project_ids if pk is not None})
    if not wanted:
        return
    with transaction.atomic():
        for project_id in wanted:  # in order, so that two writers never wait on each other
            ProjectFigures.objects.update_or_create(
                project_id=project_id, defaults={"token": secrets.token_hex(16)}
            )
        refresh_units(project_ids=wanted, person_ids=person_ids, participant_ids=participant_ids)


def figures_token(project_id: int) -> str:
    """The token the project's figures are cached under, made at the first read (a project
    id reused after a rollback gets a new token, never the figures of its predecessor)."""
    token = (
        ProjectFigures.objects.filter(project_id=project_id).values_list("token", flat=True).first()
    )
    if token is None:
        token = ProjectFigures.objects.get_or_create(
            project_id=project_id, defaults={"token": secrets.token_hex(16)}
        )[0].token
    return token


# The fields of a person or a case that computed figures are broken down by.
PERSON_FIELDS_COUNTED = frozenset(
    {"sex", "date_of_birth", "estimated_age", "current_commune", "area_type"}
)
CASE_FIELDS_COUNTED = frozenset({"case_type"})


def indicators_changed_for_people(*, person_ids: Iterable[int]) -> None:
    """A person's sex, age, place or case type changed: the projects that counted them."""
    from donghanh.casework.models import ServiceDelivery, ShelterStay

    people = list(person_ids)
    projects = set(
        ServiceDelivery.objects.filter(case__person_id__in=people, project__isnull=False)
        .values_list("project_id", flat=True)
        .distinct()
    )
    projects.update(
        ShelterStay.objects.filter(case__person_id__in=people, project__isnull=False)
        .values_list("project_id", flat=True)
        .distinct()
    )
    indicators_changed(project_ids=projects, person_ids=people)
