"""The figures hear every record change through `donghanh.core.records`: the listener is
registered at start-up, a system check fails without it, and the writers' changes reach the
facts, while changes to what the figures do not count cost nothing."""

from __future__ import annotations

import datetime
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.cases import services as case_services
from donghanh.cases.models import Case
from donghanh.cases.selectors import CASE_EDITS
from donghanh.casework.models import ServiceDelivery
from donghanh.core import records
from donghanh.core.actor import Actor
from donghanh.indicators.checks import check_listening
from donghanh.indicators.compute import raw_result
from donghanh.indicators.listener import on_record_change
from donghanh.indicators.models import IndicatorTally, ProjectFigures, UnitFact
from donghanh.indicators.selectors import facts_agree_with_records
from donghanh.organisations.models import Organisation
from donghanh.people import services as person_services
from donghanh.people.models import Person
from donghanh.people.selectors import PERSON_EDITS
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import (
    Aggregation,
    ComputedDefinition,
    Disaggregation,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
)
from donghanh.testing.factories import OrganisationFactory, UserFactory


def test_the_figures_listen_from_start_up() -> None:
    assert on_record_change in records.listeners()
    assert check_listening() == []


def test_the_system_check_fails_while_the_figures_do_not_listen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(records, "_listeners", [])
    assert [error.id for error in check_listening()] == ["indicators.E001"]
    with pytest.raises(SystemCheckError, match=r"indicators\.E001"):
        call_command("check")


def _served_world() -> tuple[Project, Indicator, Case]:
    """A project created and counted through the port, with one person served under it."""
    organisation = cast(Organisation, OrganisationFactory())
    project = Project.objects.create(
        implementing_organisation=organisation, code="L1", name="Dự án L1",
        start_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    records.project_created(project_id=project.pk)
    indicator = Indicator.objects.create(
        project=project,
        code="1",
        name="Người được hỗ trợ",
        aggregation=Aggregation.UNIQUE_PEOPLE,
        source=IndicatorSource.COMPUTED,
        computed_definition=ComputedDefinition.PERSONS_SERVED,
        disaggregations=[Disaggregation.SEX, Disaggregation.TARGET_GROUP],
    )
    IndicatorTarget.objects.create(
        indicator=indicator,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        target_value=10,
    )
    records.indicator_changed(indicator_id=indicator.pk)
    person = Person.objects.create(organisation=organisation, full_name="Người Mẫu", sex="female")
    case = Case.objects.create(
        organisation=organisation,
        person=person,
        number="L-1",
        case_type="trafficking_victim",
        intake_channel="hotline_111",
        intake_date=datetime.date(2025, 1, 1),
        opened_on=datetime.date(2025, 1, 1),
    )
    ServiceDelivery.objects.create(
        case=case, domain="health", delivered_on=datetime.date(2025, 3, 2), project=project
    )
    records.records_changed(project_ids=[project.pk], person_ids=[person.pk])
    return project, indicator, case


def _breakdowns(indicator: Indicator) -> dict[str, Any]:
    return {name: dict(cells) for name, cells in raw_result(indicator).breakdowns.items()}


def test_what_writers_tell_the_port_reaches_the_facts(db: None) -> None:
    project, indicator, case = _served_world()
    figures = ProjectFigures.objects.get(project=project)
    assert figures.facts_ready and figures.facts_anchor == 2020
    assert IndicatorTally.objects.filter(indicator=indicator).exists()
    assert UnitFact.objects.filter(project=project, unit=case.person_id).exists()
    assert _breakdowns(indicator) == {
        Disaggregation.SEX: {"female": 1},
        Disaggregation.TARGET_GROUP: {"trafficking_victim": 1},
    }
    user = UserFactory()
    person = case.person
    person_services.person_update(
        person=person, expected_version=person.version, baseline=PERSON_EDITS.fingerprints(person),
        actor=Actor.for_user(user), sex="male",
    )  # fmt: skip
    case_services.case_update(
        case=case, expected_version=case.version, baseline=CASE_EDITS.fingerprints(case),
        actor=Actor.for_user(user), case_type="migrant_at_risk",
    )  # fmt: skip
    assert _breakdowns(indicator) == {
        Disaggregation.SEX: {"male": 1},
        Disaggregation.TARGET_GROUP: {"migrant_at_risk": 1},
    }
    assert facts_agree_with_records(project) == []


def test_a_change_the_figures_do_not_count_costs_them_no_query(db: None) -> None:
    project, _indicator, case = _served_world()
    person = Person.objects.get(pk=case.person_id)
    with CaptureQueriesContext(connection) as captured:
        person_services.person_update(
            person=person, expected_version=person.version,
            baseline=PERSON_EDITS.fingerprints(person), actor=Actor.for_user(UserFactory()),
            phone="0912345678",
        )  # fmt: skip
        records.records_changed(project_ids=[None], person_ids=[case.person_id])
    counting = ("indicators_", "casework_", "programmes_")
    assert not [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in counting)]
    assert facts_agree_with_records(project) == []
