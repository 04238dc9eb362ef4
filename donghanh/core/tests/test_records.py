"""The port writers tell what records they changed: typed events, the writer's transaction,
and never in silence."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.transaction import TransactionManagementError

from donghanh.core import records
from donghanh.core.records import (
    IndicatorChanged,
    PeopleChanged,
    ProjectCreated,
    RecordChange,
    RecordsChanged,
)


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[RecordChange]:
    """Replace the registered listeners with one that writes down what it hears."""
    changes: list[RecordChange] = []
    monkeypatch.setattr(records, "_listeners", [changes.append])
    return changes


def test_writers_say_what_changed_and_listeners_hear_typed_events(
    db: None, heard: list[RecordChange]
) -> None:
    records.records_changed(project_ids=[3, None, 3], person_ids=iter([7, 7]))
    records.people_changed(person_ids=[7], person_fields=["sex"], case_fields={"case_type": 1})
    records.indicator_changed(indicator_id=11)
    records.project_created(project_id=5)
    assert heard == [
        RecordsChanged(project_ids=frozenset({3}), person_ids=frozenset({7})),
        PeopleChanged(
            person_ids=frozenset({7}),
            person_fields=frozenset({"sex"}),
            case_fields=frozenset({"case_type"}),
        ),
        IndicatorChanged(indicator_id=11),
        ProjectCreated(project_id=5),
    ]


def test_a_listener_registered_twice_hears_each_change_once(
    db: None, heard: list[RecordChange]
) -> None:
    also: list[RecordChange] = []
    records.register_listener(also.append)
    records.register_listener(also.append)
    records.project_created(project_id=1)
    assert records.listeners() == (heard.append, also.append)
    assert (heard, also) == ([ProjectCreated(1)], [ProjectCreated(1)])


def test_a_change_nobody_hears_is_an_error(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(records, "_listeners", [])
    with pytest.raises(ImproperlyConfigured):
        records.records_changed(project_ids=[1], person_ids=[2])


def test_a_change_is_told_inside_the_writers_transaction(
    transactional_db: None, heard: list[RecordChange]
) -> None:
    with pytest.raises(TransactionManagementError):
        records.records_changed(project_ids=[1])
    assert heard == []
    with transaction.atomic():
        records.records_changed(project_ids=[1])
    assert heard == [RecordsChanged(project_ids=frozenset({1}))]
