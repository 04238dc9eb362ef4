from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

import pytest

from donghanh.core.actor import Actor
from donghanh.core.records import records_changed
from donghanh.indicators.services import project_facts_rebuild
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import (
    Aggregation,
    ComputedDefinition,
    Disaggregation,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
)
from donghanh.programmes.trainings.models import (
    Participant,
    Training,
    TrainingLevel,
    TrainingParticipation,
)
from donghanh.testing.factories import MembershipFactory, OrganisationFactory

PERIODS = [
    (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), 20),
    (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), 30),
]


@dataclass
class Programme:
    implementer: Organisation
    donor: Organisation
    project: Project
    indicator: Indicator
    trainings: list[Training]

    def trainee(self, index: int, sex: str = "female") -> Participant:
        return Participant.objects.create(
            holder=self.implementer,
            full_name=f"Trần Thị Mẫu {index}",
            sex=sex,
            role="social_worker",
            sector="labour",
        )

    def attend(self, participant: Participant, *trainings: Training) -> None:
        """Written directly, as a bulk loader would, so it says what it changed."""
        for training in trainings:
            TrainingParticipation.objects.create(training=training, participant=participant)
        records_changed(
            project_ids={training.project_id for training in trainings},
            participant_ids=[participant.pk],
        )


def make_programme() -> Programme:
    implementer = cast(Organisation, OrganisationFactory())
    donor = cast(Organisation, OrganisationFactory(kind=Organisation.Kind.DONOR))
    project = Project.objects.create(
        implementing_organisation=implementer, code="T1", name="Dự án thử"
    )
    project.donors.add(donor)
    indicator = Indicator.objects.create(
        project=project,
        code="1.1",
        name="Cán bộ được tập huấn",
        aggregation=Aggregation.UNIQUE_PEOPLE,
        source=IndicatorSource.COMPUTED,
        computed_definition=ComputedDefinition.TRAINED_PARTICIPANTS,
        disaggregations=[Disaggregation.SEX, Disaggregation.OFFICER_ROLE],
    )
    for start, end, target in PERIODS:
        IndicatorTarget.objects.create(
            indicator=indicator, period_start=start, period_end=end, target_value=target
        )
    trainings = [
        Training.objects.create(
            project=project,
            title=f"Tập huấn {n}",
            level=TrainingLevel.PROVINCE,
            start_on=day,
            end_on=day,
        )
        for n, day in enumerate(
            [datetime.date(2025, 3, 1), datetime.date(2025, 9, 1), datetime.date(2026, 4, 1)]
        )
    ]
    # Figures come from the pre-counted facts from now on.
    project_facts_rebuild(actor=Actor.system("tests"), project=project)
    return Programme(implementer, donor, project, indicator, trainings)


@pytest.fixture
def programme(db: None) -> Programme:
    return make_programme()


def member(organisation: Organisation, role: str = Role.ORG_ADMIN) -> Any:
    return MembershipFactory(organisation=organisation, role=role).user
