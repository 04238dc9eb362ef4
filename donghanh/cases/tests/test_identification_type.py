"""Once identification concludes, a case "undergoing identification" takes the type that
follows from the decision (issue 11, item 6), through the case's own service: one new
version, one audit row naming the type among the changed fields."""

from __future__ import annotations

import datetime

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.cases.events import CaseEvent
from donghanh.cases.models import Case, CaseType, IdentificationStatus
from donghanh.cases.selectors import CASE_EDITS
from donghanh.cases.services import case_update
from donghanh.cases.tests.conftest import identify, make_case
from donghanh.core.actor import Actor

ON = datetime.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("decision", "case_type"),
    [
        (IdentificationStatus.IDENTIFIED_VICTIM, CaseType.TRAFFICKING_VICTIM),
        (IdentificationStatus.NOT_A_VICTIM, CaseType.MIGRANT_AT_RISK),
    ],
)
def test_a_concluded_identification_changes_the_case_type(person, decision, case_type) -> None:
    case = make_case(person, case_type=CaseType.UNDERGOING_IDENTIFICATION)
    assert case.identification_status == IdentificationStatus.UNDERGOING
    version = case.version
    case_update(
        case=case,
        expected_version=case.version,
        baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(None),
        identification_status=decision,
        identified_on=ON,
        identifying_agency="Công an tỉnh Nghệ An",
    )
    stored = Case.objects.get(pk=case.pk)
    assert stored.case_type == case_type
    assert stored.version == version + 1
    row = AuditEntry.objects.filter(event=CaseEvent.CHANGED.code, target_id=str(case.pk)).get()
    assert "case_type" in row.changed_fields and "identification_status" in row.changed_fields


def test_a_type_chosen_with_the_decision_or_another_type_stays(person) -> None:
    chosen = make_case(person, case_type=CaseType.UNDERGOING_IDENTIFICATION)
    identify(chosen, ON, case_type=CaseType.ACCOMPANYING_MINOR)
    assert Case.objects.get(pk=chosen.pk).case_type == CaseType.ACCOMPANYING_MINOR
    other = make_case(person, case_type=CaseType.GBV_SURVIVOR)
    identify(other, ON)
    assert Case.objects.get(pk=other.pk).case_type == CaseType.GBV_SURVIVOR


def test_the_migration_corrects_cases_identified_before(person) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "donghanh.cases.migrations.0012_case_type_after_identification"
    )
    stale = make_case(person, case_type=CaseType.UNDERGOING_IDENTIFICATION)
    waiting = make_case(person, case_type=CaseType.UNDERGOING_IDENTIFICATION)
    # As rows were left before the services changed the type with the decision.
    Case.objects.filter(pk=stale.pk).update(
        identification_status=IdentificationStatus.IDENTIFIED_VICTIM, identified_on=ON
    )
    migration.correct_case_types(apps, None)
    corrected = Case.objects.get(pk=stale.pk)
    assert corrected.case_type == CaseType.TRAFFICKING_VICTIM
    assert corrected.version == stale.version + 1
    unchanged = Case.objects.get(pk=waiting.pk)
    assert unchanged.case_type == CaseType.UNDERGOING_IDENTIFICATION
    assert unchanged.version == waiting.version
