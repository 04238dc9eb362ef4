"""One project, linked to the actor's organisation in a chosen way, with figures small enough to
be suppressed and names that must never leak: the world of the indicators and projects matrices.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from donghanh.api.tests.conftest import make_person
from donghanh.cases.tests.conftest import make_case
from donghanh.casework.models import ServiceDelivery
from donghanh.core.actor import Actor
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.programmes.projects.models import Project
from donghanh.programmes.results.models import (
    ComputedDefinition,
    Indicator,
    IndicatorSource,
    IndicatorTarget,
)
from donghanh.programmes.trainings.models import Training, TrainingLevel
from donghanh.programmes.trainings.services import participant_enrol
from donghanh.testing import factories

# The services are called outside any request: a named system actor acts.
NOBODY = Actor.system("tests")

MembershipFactory: Any = factories.MembershipFactory
OrganisationFactory: Any = factories.OrganisationFactory

# How the actor's organisation relates to the project.
RELATIONS = ("implementing", "partner", "donor", "unrelated")

TRAINEE = "Trần Thị Mẫu"  # every trainee's name starts so
PERSON = "Nguyễn Thị Hoa"  # the person served, whom a case is about
TRAINEES = 3  # a count from 1 to 10: shown as "<11" to anyone outside


@dataclass
class LinkedProject:
    project: Project
    implementer: Organisation
    trained: Indicator  # trained participants: drills down to trainee names
    served: Indicator  # people served: drills down to case numbers
    case_number: str


def linked_project(own: Organisation, relation: str) -> LinkedProject:
    implementer = own if relation == "implementing" else OrganisationFactory()
    project = Project.objects.create(
        implementing_organisation=implementer, code="M1", name="Dự án ma trận"
    )
    if relation == "partner":
        project.partner_organisations.add(own)
    elif relation == "donor":
        project.donors.add(own)
    trained = _computed(
        project, "1.1", "Cán bộ được tập huấn", ComputedDefinition.TRAINED_PARTICIPANTS
    )
    served = _computed(project, "2.1", "Người được hỗ trợ", ComputedDefinition.PERSONS_SERVED)
    training = Training.objects.create(
        project=project,
        title="Tập huấn nhận diện",
        level=TrainingLevel.PROVINCE,
        start_on=datetime.date(2026, 3, 1),
        end_on=datetime.date(2026, 3, 1),
    )
    for index in range(TRAINEES):
        participant_enrol(
            training=training,
            full_name=f"{TRAINEE} {index}",
            sex="female",
            role="social_worker",
            sector="labour",
            actor=NOBODY,
        )
    worker = MembershipFactory(organisation=implementer, role=Role.CASE_WORKER).user
    case = make_case(make_person(implementer, worker, full_name=PERSON), worker)
    ServiceDelivery.objects.create(
        case=case, domain="health", delivered_on=datetime.date(2026, 3, 5), project=project
    )
    return LinkedProject(project, implementer, trained, served, case.number)


def _computed(project: Project, code: str, name: str, definition: str) -> Indicator:
    indicator = Indicator.objects.create(
        project=project,
        code=code,
        name=name,
        source=IndicatorSource.COMPUTED,
        computed_definition=definition,
    )
    IndicatorTarget.objects.create(
        indicator=indicator,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        target_value=20,
    )
    return indicator
