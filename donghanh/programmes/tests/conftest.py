from __future__ import annotations

import datetime
from typing import Any

import pytest

from donghanh.core.actor import Actor
from donghanh.programmes.finance.services import FundingSourceData, funding_split_set
from donghanh.programmes.projects.models import Project
from donghanh.programmes.projects.services import project_create
from donghanh.testing import factories

# The services are called outside any request: a named system actor acts.
NOBODY = Actor.system("tests")

OrganisationFactory: Any = factories.OrganisationFactory


@pytest.fixture
def project(db: Any) -> Project:
    return project_create(
        organisation=OrganisationFactory(),
        code="002",
        name="Dự án thử nghiệm",
        start_on=datetime.date(2024, 1, 1),
        end_on=datetime.date(2026, 12, 31),
        actor=NOBODY,
    )


@pytest.fixture
def funded_project(project: Project) -> Project:
    funding_split_set(
        project=project,
        expected_version=project.version,
        budget_vnd=5_827_300_000,
        sources=[
            FundingSourceData(kind="donor", donor_name="CARE", amount_vnd=2_406_100_000),
            FundingSourceData(kind="government", donor_name="Cục PCTNXH", amount_vnd=3_421_200_000),
        ],
        actor=NOBODY,
    )
    project.refresh_from_db()
    return project
