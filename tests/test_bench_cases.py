"""The benchmark's generator writes records the application reads like its own: encrypted,
found by the diacritic-free search and the duplicate check, and a second run adds nothing."""

from __future__ import annotations

import io

import pytest

from bench.cases import generate
from donghanh.cases.models import Case, CaseNumberSequence
from donghanh.cases.selectors import caseload
from donghanh.casework.models import FollowUp, ServiceDelivery
from donghanh.core.text import fold
from donghanh.demo.directory_services import directory_demo_load
from donghanh.demo.services import demo_load
from donghanh.organisations.models import Membership
from donghanh.people import indexes
from donghanh.people.models import Person, PersonNameToken
from donghanh.people.selectors import possible_duplicates


@pytest.fixture
def demo(db):
    demo_load()
    directory_demo_load()


def _generate(total):
    return generate.generate(total, batch_size=20, seed=7, out=io.StringIO())


def test_generated_cases_are_searchable_encrypted_and_numbered_like_real_ones(demo):
    assert _generate(60) == 60
    assert generate.generated_so_far() == 60
    assert ServiceDelivery.objects.exists() and FollowUp.objects.exists()
    supervisor = Membership.objects.get(user__username="supervisor.binhyen")
    person = (
        Person.objects.filter(organisation=supervisor.organisation)
        .exclude(name_dob_index="")
        .first()
    )
    assert person is not None
    # Found without diacritics, through the name tokens the services would have written.
    assert PersonNameToken.objects.filter(person=person).count() >= 3
    # Exactly what the services write: the name words and the duplicate matcher's keys.
    for generated in Person.objects.order_by("pk")[:30]:
        tokens = PersonNameToken.objects.filter(person=generated)
        assert set(tokens.values_list("token_index", flat=True)) == (
            indexes.person_token_indexes(generated)
        )
    found = caseload(supervisor, query=fold(person.full_name))
    assert person.pk in {case.person_id for case in found}
    duplicates = possible_duplicates(
        supervisor, full_name=fold(person.full_name), date_of_birth=person.date_of_birth
    )
    assert person.pk in {duplicate.person.pk for duplicate in duplicates.visible}
    # Stored encrypted: the raw column holds a Fernet token, not the name.
    raw = _raw_name(person)
    assert raw.startswith("gAAAA") and person.full_name not in raw
    # Case numbers come from the organisations' sequences, so new cases do not collide.
    case = Case.objects.filter(organisation=supervisor.organisation).latest("id")
    sequence = CaseNumberSequence.objects.get(
        organisation=supervisor.organisation, year=case.opened_on.year
    )
    assert int(case.number.rsplit("-", 1)[1]) <= sequence.last_value


def _raw_name(person):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name FROM people_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


def test_a_second_run_continues_to_the_total_and_then_adds_nothing(demo):
    _generate(20)
    assert _generate(50) == 30
    assert generate.generated_so_far() == 50
    assert Case.objects.count() == 50
    assert _generate(50) == 0
