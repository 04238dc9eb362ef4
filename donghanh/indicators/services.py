"""Every write of the programme figures: tokens, pre-counted facts and running tallies.

Writers in other apps never call these directly: they tell `donghanh.core.records` what they
changed, and `listener.on_record_change` (registered in `IndicatorsConfig.ready()`) decides
what to count again, in the writer's transaction, so figures and records commit together:

- records counted under projects changed (`RecordsChanged`): the projects get a new token
  (their cached figures are stale), and the facts of the people and trainees the records are
  about are rewritten, with the tallies moved by the difference (`figures_refresh`);
- fields of people or of their cases changed (`PeopleChanged`): if the facts count one of
  them (`facts.PERSON_FIELDS_COUNTED`, `facts.CASE_FIELDS_COUNTED`), the same for every
  project that counts those people (`people_figures_refresh`);
- an indicator was added or its definition, breakdowns or targets changed
  (`IndicatorChanged`): a new token and its tally counted afresh (`indicator_recount`);
- a project was created (`ProjectCreated`): its empty facts are complete from the start
  (`project_facts_start`).

`project_facts_rebuild` builds a project's facts afresh from all its records, for loaders that
write around the services and for `manage.py rebuild_indicator_facts`. A write that names no
project or no unit runs no query.

The figures are derived from records whose writers audit their own changes, so these services
write no audit row; the pages' reads and downloads of the figures are audited here
(`indicator_records_view_record`, `report_download_record`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from donghanh.audit.services import audit_record
from donghanh.casework.models import ServiceDelivery, ShelterStay
from donghanh.core.actor import Actor
from donghanh.indicators.events import IndicatorEvent
from donghanh.indicators.facts import (
    PERSON_SOURCES,
    TRAINEE_SOURCES,
    anchor_for,
    people_facts,
    ready_anchors,
    save_facts,
    trainee_facts,
)
from donghanh.indicators.models import ProjectFigures, UnitFact, new_token
from donghanh.indicators.tallies import recount, tally_changes, tally_specs
from donghanh.people.models import Person
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import Indicator, IndicatorSource
from donghanh.programmes.trainings.models import Participant


def figures_refresh(
    *,
    actor: Actor,
    project_ids: Iterable[int | None],
    person_ids: Iterable[int] = (),
    participant_ids: Iterable[int] = (),
) -> None:
    """Make the cached figures of these projects stale (None, a record without a project,
    is left out), and rewrite the facts of these people and trainees in them
    (`unit_facts_refresh`). Atomic once there is a project to refresh."""
    wanted = sorted({pk for pk in project_ids if pk is not None})
    if not wanted:
        return
    with transaction.atomic():
        for project_id in wanted:  # in order, so that two writers never wait on each other
            ProjectFigures.objects.update_or_create(
                project_id=project_id, defaults={"token": new_token()}
            )
        unit_facts_refresh(
            actor=actor,
            project_ids=wanted,
            person_ids=person_ids,
            participant_ids=participant_ids,
        )


@transaction.atomic
def people_figures_refresh(*, actor: Actor, person_ids: Iterable[int]) -> None:
    """A person's counted fields changed: refresh the projects that count them."""
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
    figures_refresh(actor=actor, project_ids=projects, person_ids=people)


def unit_facts_refresh(
    *,
    actor: Actor,
    project_ids: Iterable[int],
    person_ids: Iterable[int] = (),
    participant_ids: Iterable[int] = (),
) -> None:
    """Rewrite the facts of these people and trainees in these projects from their records,
    and move the projects' tallies by what the units count in now minus what they counted in
    before. Atomic once there is a unit of a project with facts to rewrite.

    The unit's row is locked first, so two writers of the same unit take turns and the second
    one reads the records of the first: a fact never misses a committed record."""
    people = sorted(set(person_ids))
    trainees = sorted(set(participant_ids))
    if not (people or trainees):
        return
    anchors = ready_anchors(project_ids)
    if not anchors:
        return
    with transaction.atomic():
        if people:
            list(Person.objects.select_for_update().filter(pk__in=people).order_by("pk")
                 .values_list("pk", flat=True))  # fmt: skip
        if trainees:
            list(Participant.objects.select_for_update().filter(pk__in=trainees).order_by("pk")
                 .values_list("pk", flat=True))  # fmt: skip
        specs = tally_specs(anchors)
        for sources, units, build in (
            (PERSON_SOURCES, people, people_facts),
            (TRAINEE_SOURCES, trainees, trainee_facts),
        ):
            if not units:
                continue
            old = UnitFact.objects.filter(
                project_id__in=list(anchors), source__in=sources, unit__in=units
            )
            before = list(old)
            old.delete()
            after = list(build(anchors, units))
            save_facts(after)
            tally_changes(specs, before, after)


@transaction.atomic
def indicator_recount(*, actor: Actor, indicator: Indicator) -> None:
    """The indicator was added, or its definition, breakdowns or targets changed: its
    project's cached figures are stale, and its tally is counted afresh from the facts."""
    figures_refresh(actor=actor, project_ids=[indicator.project_id])
    recount(indicator)


@transaction.atomic
def project_recount(*, actor: Actor, project: Project) -> None:
    """Count every computed indicator of the project afresh from its facts."""
    computed = Indicator.objects.filter(project=project, source=IndicatorSource.COMPUTED)
    for indicator in computed.order_by("pk"):
        recount(indicator)


@transaction.atomic
def project_facts_start(*, actor: Actor, project: Project) -> None:
    """A new project has no records: its (empty) facts are complete from the start."""
    ProjectFigures.objects.update_or_create(
        project=project,
        defaults={"token": new_token(), "facts_ready": True, "facts_anchor": anchor_for(project)},
    )


@transaction.atomic
def project_facts_rebuild(*, actor: Actor, project: Project) -> int:
    """Build a project's facts afresh from all its records, and count its tallies from them
    (loaders that write around the services, `manage.py rebuild_indicator_facts`). Returns
    the number of fact rows."""
    anchor = anchor_for(project)
    ProjectFigures.objects.update_or_create(
        project=project,
        defaults={"token": new_token(), "facts_ready": True, "facts_anchor": anchor},
    )
    UnitFact.objects.filter(project=project).delete()
    anchors = {project.pk: anchor}
    written = save_facts(people_facts(anchors, None)) + save_facts(trainee_facts(anchors, None))
    project_recount(actor=actor, project=project)
    return written


@transaction.atomic
def indicator_records_view_record(*, actor: Actor, indicator: Indicator) -> None:
    """Record that the actor was shown the records behind a computed figure."""
    audit_record(
        event=IndicatorEvent.RECORDS_VIEWED,
        actor=actor,
        target=indicator,
        details={"indicator": indicator.pk},
    )


@transaction.atomic
def report_download_record(*, actor: Actor, project: Project, kind: str) -> None:
    """Record that the actor downloaded a report of the project's figures (`kind` names the
    file: "logframe.xlsx", "report.pdf", "iati-results.json")."""
    audit_record(
        event=IndicatorEvent.REPORT_DOWNLOADED,
        actor=actor,
        target=project,
        details={"kind": kind, "project": project.pk},
    )
