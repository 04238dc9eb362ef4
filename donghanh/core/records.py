"""The port writers call when records that other apps count change.

Programme figures (`donghanh.indicators`) count records written by apps below them in the
layers: people and cases, service records and shelter stays, trainings and participations,
communication activities, supported organisations, manual values, the indicators themselves.
Those writers must not import the figures. Instead, each tells this port *what changed*, in its
own transaction, right after writing:

    records_changed(project_ids=[service.project_id], person_ids=[case.person_id])

and the app that keeps the figures listens: it decides what to count again. A writer never
says what to recompute and never needs to know which fields are counted: it names the
records, people and fields it changed. The four calls:

- `records_changed(project_ids=…, person_ids=…, participant_ids=…)`: records counted under
  these projects were added, changed, moved to another project or deleted; `person_ids` and
  `participant_ids` are the people and trainees those records are about (a record moved
  between projects names both projects).
- `people_changed(person_ids=…, person_fields=…, case_fields=…)`: fields of these people, or
  of one of their cases, changed (a de-identification names every field it blanked).
- `indicator_changed(indicator_id=…)`: an indicator was added, or its definition,
  breakdowns or reporting periods (its targets) changed.
- `project_created(project_id=…)`: a project was created (it has no records yet).

Listeners are registered explicitly, in the `AppConfig.ready()` of the app that keeps the
figures (`register_listener`); no Django signals. They run at once, in the writer's
transaction, so figures and records commit together or not at all: calling the port outside a
transaction is an error, and so is calling it while nothing listens (a write must never leave
the figures behind in silence). Bulk loaders that write around the services (COPY,
`bulk_create`) either call the port too or rebuild the figures of what they loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.transaction import TransactionManagementError


@dataclass(frozen=True)
class RecordsChanged:
    """Records counted under these projects changed; they are about these people and
    trainees."""

    project_ids: frozenset[int]
    person_ids: frozenset[int] = frozenset()
    participant_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PeopleChanged:
    """Fields of these people (`person_fields`), or of one of their cases (`case_fields`),
    changed."""

    person_ids: frozenset[int]
    person_fields: frozenset[str] = frozenset()
    case_fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class IndicatorChanged:
    """An indicator was added, or its definition, breakdowns or targets changed."""

    indicator_id: int


@dataclass(frozen=True)
class ProjectCreated:
    """A project was created."""

    project_id: int


RecordChange = RecordsChanged | PeopleChanged | IndicatorChanged | ProjectCreated
Listener = Callable[[RecordChange], None]

_listeners: list[Listener] = []


def register_listener(listener: Listener) -> None:
    """Listen to every change (from an `AppConfig.ready()`; registering twice is once)."""
    if listener not in _listeners:
        _listeners.append(listener)


def listeners() -> tuple[Listener, ...]:
    """The registered listeners, in the order they are called."""
    return tuple(_listeners)


def _publish(change: RecordChange) -> None:
    if not _listeners:
        raise ImproperlyConfigured(
            "Nothing listens to record changes: the app that keeps the figures registers its "
            "listener in its AppConfig.ready()."
        )
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            "Record changes are told inside the writer's transaction, after the write."
        )
    for listener in _listeners:
        listener(change)


def records_changed(
    *,
    project_ids: Iterable[int | None],
    person_ids: Iterable[int] = (),
    participant_ids: Iterable[int] = (),
) -> None:
    """Records counted under these projects changed (None, a record counted under no project,
    is left out), about these people and trainees."""
    _publish(
        RecordsChanged(
            project_ids=frozenset(pk for pk in project_ids if pk is not None),
            person_ids=frozenset(person_ids),
            participant_ids=frozenset(participant_ids),
        )
    )


def people_changed(
    *,
    person_ids: Iterable[int],
    person_fields: Iterable[str] = (),
    case_fields: Iterable[str] = (),
) -> None:
    """These fields of these people, or of one of their cases, changed."""
    _publish(
        PeopleChanged(
            person_ids=frozenset(person_ids),
            person_fields=frozenset(person_fields),
            case_fields=frozenset(case_fields),
        )
    )


def indicator_changed(*, indicator_id: int) -> None:
    """An indicator was added, or its definition, breakdowns or targets changed."""
    _publish(IndicatorChanged(indicator_id=indicator_id))


def project_created(*, project_id: int) -> None:
    """A project was created."""
    _publish(ProjectCreated(project_id=project_id))
