"""The demo programmes reproduce the seed figures from records, counted here with plain ORM
queries; loading them again changes nothing."""

from __future__ import annotations

import datetime

import pytest

from donghanh.audit.models import AuditEntry
from donghanh.casework.models import ServiceDelivery, ShelterStay
from donghanh.demo.programme_data import SERVED_DOMAINS
from donghanh.demo.programme_services import demo_programmes_load
from donghanh.demo.services import demo_load
from donghanh.people import indexes
from donghanh.people.models import Person, PersonNameToken
from donghanh.programmes.finance.models import FundingSource
from donghanh.programmes.outreach.models import SupportedOrganisation
from donghanh.programmes.projects.models import Project
from donghanh.programmes.trainings.models import Participant, Training, TrainingParticipation

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def loaded(db: object) -> None:
    demo_load()
    report = demo_programmes_load()
    assert report.changed


def _project(code: str) -> Project:
    return Project.objects.get(code=code)


def test_programme_001_trains_541_people_and_serves_335(loaded: None) -> None:
    project = _project("001")
    # Written in bulk with the tokens the services write: name words and the matcher's keys.
    for person in Person.objects.order_by("-pk")[:20]:
        tokens = PersonNameToken.objects.filter(person=person).values_list("token_index", flat=True)
        assert set(tokens) == indexes.person_token_indexes(person)
    trainees = Participant.objects.filter(participations__training__project=project).distinct()
    assert trainees.count() == 541
    participations = TrainingParticipation.objects.filter(training__project=project).count()
    assert participations > 541
    served = Person.objects.filter(cases__services__project=project).distinct()
    assert served.count() == 335
    domains = set(ServiceDelivery.objects.filter(project=project).values_list("domain", flat=True))
    assert domains == {str(domain) for domain in SERVED_DOMAINS}
    provinces = {row.province.short_name for row in project.project_provinces.all()}
    assert provinces == {"Nghệ An", "Hà Tĩnh", "Quảng Trị"}
    quang_binh = project.project_provinces.get(province__short_name="Quảng Trị")
    assert quang_binh.legacy_province is not None
    assert quang_binh.legacy_province.short_name == "Quảng Bình"
    targets = {i.code: i.targets.get().target_value for i in project.indicators.all()}
    assert targets["1.1.1"] == 541 and targets["2.1.1"] == 335


def test_peace_house_shelters_291_women_157_children_and_2_men(loaded: None) -> None:
    project = _project("003")
    stays = ShelterStay.objects.filter(project=project).select_related("case__person")
    people = {stay.case.person_id: stay for stay in stays}
    assert len(people) == 450
    women = children = men = 0
    for stay in people.values():
        person = stay.case.person
        if person.is_minor_on(stay.admitted_on):
            children += 1
        elif person.sex == "female":
            women += 1
        elif person.sex == "male":
            men += 1
    assert (women, children, men) == (291, 157, 2)


def test_programme_002_budget_split(loaded: None) -> None:
    project = _project("002")
    assert project.budget_vnd == 5_827_300_000
    amounts = {
        source.donor.slug if source.donor else "": source.amount_vnd
        for source in FundingSource.objects.filter(project=project).select_related("donor")
    }
    assert amounts == {
        "care-quoc-te": 2_406_100_000,
        "cuc-phong-chong-te-nan-xa-hoi": 3_421_200_000,
    }
    assert sum(project.budget_lines.values_list("amount_vnd", flat=True)) == 5_827_300_000


def test_programme_004_csos_and_workshops_in_seven_provinces(loaded: None) -> None:
    project = _project("004")
    assert 190 <= SupportedOrganisation.objects.filter(project=project).count() <= 200
    workshops = Training.objects.filter(project=project, kind="workshop")
    assert workshops.values("province").distinct().count() == 7


def test_all_five_programmes_and_a_second_run_changes_nothing(loaded: None) -> None:
    assert set(Project.objects.values_list("code", flat=True)) == {
        "000",
        "001",
        "002",
        "003",
        "004",
    }
    counts = (
        Project.objects.count(),
        Participant.objects.count(),
        TrainingParticipation.objects.count(),
        Person.objects.count(),
        ServiceDelivery.objects.count(),
        ShelterStay.objects.count(),
        AuditEntry.objects.count(),
    )
    report = demo_programmes_load()
    assert not report.changed
    assert counts == (
        Project.objects.count(),
        Participant.objects.count(),
        TrainingParticipation.objects.count(),
        Person.objects.count(),
        ServiceDelivery.objects.count(),
        ShelterStay.objects.count(),
        AuditEntry.objects.count(),
    )


def test_demo_services_fall_within_the_project_period(loaded: None) -> None:
    project = _project("001")
    dates = ServiceDelivery.objects.filter(project=project).values_list("delivered_on", flat=True)
    assert project.start_on is not None and project.end_on is not None
    assert all(project.start_on <= day <= project.end_on for day in dates)
    assert min(dates) >= datetime.date(2020, 11, 1)
