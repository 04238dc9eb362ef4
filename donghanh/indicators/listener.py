"""The figures' ear on `donghanh.core.records`: what they do when records change.

Registered in `IndicatorsConfig.ready()` (a system check fails without it). It runs in the
writer's transaction and hands each change to the services, acting as the figures themselves:
the writer's own service has already recorded who changed what.
"""

from __future__ import annotations

from typing import assert_never

from donghanh.core.actor import Actor
from donghanh.core.records import (
    IndicatorChanged,
    PeopleChanged,
    ProjectCreated,
    RecordChange,
    RecordsChanged,
)
from donghanh.indicators.facts import CASE_FIELDS_COUNTED, PERSON_FIELDS_COUNTED
from donghanh.indicators.services import (
    figures_refresh,
    indicator_recount,
    people_figures_refresh,
    project_facts_start,
)
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import Indicator

FIGURES = Actor.system("indicators")


def on_record_change(change: RecordChange) -> None:
    """What the figures do when records change (the listener of `donghanh.core.records`)."""
    match change:
        case RecordsChanged():
            figures_refresh(
                actor=FIGURES,
                project_ids=change.project_ids,
                person_ids=change.person_ids,
                participant_ids=change.participant_ids,
            )
        case PeopleChanged():
            if PERSON_FIELDS_COUNTED & change.person_fields or (
                CASE_FIELDS_COUNTED & change.case_fields
            ):
                people_figures_refresh(actor=FIGURES, person_ids=change.person_ids)
        case IndicatorChanged():
            indicator_recount(
                actor=FIGURES, indicator=Indicator.objects.get(pk=change.indicator_id)
            )
        case ProjectCreated():
            project_facts_start(actor=FIGURES, project=Project.objects.get(pk=change.project_id))
        case _:
            assert_never(change)
