"""The registration hint finds, within the organisation, what the issue saw go in silently."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donghanh.audit.models import AuditEntry
from donghanh.core.actor import Actor
from donghanh.core.crypto import blind_index
from donghanh.duplicates import services as duplicates_services
from donghanh.duplicates.models import CandidatePair
from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people import indexes
from donghanh.people import services as people_services
from donghanh.people.models import Person, PersonNameToken
from donghanh.people.registry import NewRecord, duplicate_matcher
from donghanh.people.selectors import DuplicateReason, possible_duplicates
from donghanh.people.tests.conftest import make_person, staff  # noqa: F401  (fixture)
from donghanh.testing.jobs import run_queued_jobs

HOA_BORN = datetime.date(1998, 4, 3)


@pytest.fixture
def hoa(staff):  # noqa: F811
    make_person(staff.organisation, full_name="Trần Thị Lan", date_of_birth=HOA_BORN)
    make_person(staff.organisation, full_name="Nguyễn Thị Hoa", sex="female",
                date_of_birth=datetime.date(1970, 1, 1))  # fmt: skip
    return make_person(
        staff.organisation, full_name="Nguyễn Thị Hoà", sex="female", date_of_birth=HOA_BORN
    )


@pytest.fixture
def supervisor(staff):  # noqa: F811
    return Membership.objects.get(
        organisation=staff.organisation, user=staff.users[Role.SUPERVISOR]
    )


def test_the_duplicates_app_registers_its_matcher():
    assert duplicate_matcher() is not None


@pytest.mark.parametrize(
    ("full_name", "date_of_birth"),
    [
        ("Nguyen Thi Hao", HOA_BORN),  # one letter
        ("Nguyễn Thị Hoà", datetime.date(1997, 4, 3)),  # the birth year off by one
        ("Nguyễn Thị Hoà", datetime.date(1998, 3, 4)),  # day and month swapped
        ("Nguyễn Thị Hoà", None),  # no birth date
        ("Ng Thi Hoa", HOA_BORN),  # an abbreviated family name
        ("Nguyễn Hoa", HOA_BORN),  # no Thị
        ("Hoa Nguyen Thi", HOA_BORN),  # the family name elsewhere
    ],
)
def test_registration_hint_finds_what_went_in_silently(supervisor, hoa, full_name, date_of_birth):
    found = possible_duplicates(
        supervisor, full_name=full_name, date_of_birth=date_of_birth, sex="female"
    )
    persons = [match.person for match in found.visible]
    assert hoa in persons
    reasons = {match.person.pk: match.reasons for match in found.visible}
    assert reasons[hoa.pk] in ([DuplicateReason.SIMILAR], [DuplicateReason.NAME_AND_BIRTH_DATE])


def test_a_namesake_born_decades_apart_is_not_hinted(supervisor, hoa):
    found = possible_duplicates(
        supervisor, full_name="Nguyễn Thị Hoa", date_of_birth=HOA_BORN, sex="female"
    )
    names = {match.person.full_name for match in found.visible}
    assert names == {"Nguyễn Thị Hoà"}


def test_the_hint_stays_within_what_the_member_may_see(staff, hoa):  # noqa: F811
    outsider = Membership.objects.get(user=staff.outsider)
    found = possible_duplicates(outsider, full_name="Nguyen Thi Hao", date_of_birth=HOA_BORN)
    assert found.visible == []
    # The matcher says nothing about other organisations (no existence oracle).
    assert not found


# --- many sharing the given name --------------------------------------------------------------
#
# The candidates weighed are `SIMILAR_CANDIDATES` of the people with the given name: those whose
# family and middle names agree first, not the most recent alone. Here a smaller limit stands
# for the registry's 200, with more recent namesakes than it holds.
CROWD = 12


@pytest.fixture
def few_candidates(monkeypatch):
    monkeypatch.setattr("donghanh.people.selectors.SIMILAR_CANDIDATES", CROWD // 2)


def _crowd(organisation, given: str, *, families=("Phạm", "Lê", "Võ", "Đặng"), user=None):
    """`CROWD` people, registered after the one sought, with the given name or one letter off."""
    for number in range(CROWD):
        family = families[number % len(families)]
        make_person(
            organisation,
            user,
            full_name=f"{family} Thị {given if number % 3 else given + 'h'}",
            sex="female",
            date_of_birth=datetime.date(1990 + number % 10, 1 + number % 12, 10),
        )


LAN_BORN = datetime.date(1996, 5, 10)


def test_a_person_older_than_the_many_namesakes_after_her_is_still_hinted(
    staff,  # noqa: F811
    supervisor,
    few_candidates,
):
    lan = make_person(staff.organisation, full_name="Trần Thị Lan", date_of_birth=LAN_BORN)
    _crowd(staff.organisation, "Lan")
    found = possible_duplicates(
        supervisor, full_name="Tran Thi Lan", date_of_birth=datetime.date(1996, 10, 5)
    )
    assert lan in [match.person for match in found.visible]


@pytest.mark.parametrize(
    "full_name",
    [
        "Ng Thi Hoa",  # an abbreviated family name
        "Nguyễn Hoa",  # no Thị
        "Hoa Nguyen Thi",  # the family name elsewhere
        "Nguyen Thi Hao",  # one letter off in the given name
        "Nguyến Thị Hoà",  # diacritics moved
        "Nguyễn Thị Thu Hoa",  # a middle name the record does not have
    ],
)
def test_the_hard_cases_are_hinted_among_many_namesakes(
    staff,  # noqa: F811
    supervisor,
    few_candidates,
    full_name,
):
    hoa = make_person(staff.organisation, full_name="Nguyễn Thị Hoà", date_of_birth=HOA_BORN)
    _crowd(staff.organisation, "Hoa")
    # The year off by one: no exact key finds her.
    found = possible_duplicates(
        supervisor, full_name=full_name, date_of_birth=datetime.date(1997, 4, 3), sex="female"
    )
    assert hoa in [match.person for match in found.visible]


def test_a_family_name_misspelt_in_the_record_still_ranks_it_first(
    staff,  # noqa: F811
    supervisor,
    few_candidates,
):
    hoa = make_person(staff.organisation, full_name="Nguyn Thị Thu Hoa", date_of_birth=HOA_BORN)
    _crowd(staff.organisation, "Hoa")
    found = possible_duplicates(
        supervisor,
        full_name="Nguyễn Thị Thu Hoa",
        date_of_birth=datetime.date(1997, 4, 3),
        sex="female",
    )
    assert hoa in [match.person for match in found.visible]


def test_a_case_worker_is_hinted_among_the_people_she_may_see(staff, few_candidates):  # noqa: F811
    worker = staff.users[Role.CASE_WORKER]
    membership = Membership.objects.get(organisation=staff.organisation, user=worker)
    own = make_person(staff.organisation, worker, full_name="Trần Thị Lan", date_of_birth=LAN_BORN)
    # Namesakes agreeing just as well, registered later by someone else: hers to not see.
    _crowd(staff.organisation, "Lan", families=("Trần",), user=staff.users[Role.SUPERVISOR])
    found = possible_duplicates(
        membership, full_name="Tran Thi Lan", date_of_birth=datetime.date(1996, 10, 5)
    )
    assert [match.person for match in found.visible] == [own]


def test_the_candidates_addresses_and_id_numbers_are_not_decrypted(supervisor, hoa):
    found = possible_duplicates(
        supervisor, full_name="Nguyen Thi Hao", date_of_birth=HOA_BORN, sex="female"
    )
    [hinted] = [match.person for match in found.visible if match.person.pk == hoa.pk]
    assert {"current_address", "pre_2025_address", "id_number"} <= hinted.get_deferred_fields()
    assert hinted.full_name == "Nguyễn Thị Hoà"


def test_a_case_worker_is_not_crowded_out_by_namesakes_she_may_not_see(staff, few_candidates):  # noqa: F811
    worker = staff.users[Role.CASE_WORKER]
    membership = Membership.objects.get(organisation=staff.organisation, user=worker)
    own = make_person(staff.organisation, worker, full_name="Trần Thị Lan", date_of_birth=LAN_BORN)
    # More than the limit, later, with every key hers has: the supervisor's, not hers to see.
    for _ in range(CROWD):
        make_person(
            staff.organisation,
            staff.users[Role.SUPERVISOR],
            full_name="Trần Thị Lan",
            date_of_birth=LAN_BORN,
        )
    found = possible_duplicates(
        membership, full_name="Tran Thi Lna", date_of_birth=datetime.date(1996, 10, 5)
    )
    assert [match.person for match in found.visible] == [own]


# --- the keys the candidates are found by ------------------------------------------------------
#
# Beside the words of a person's names, the duplicate matcher's keys are stored (blind): the given
# or family name with the birth date, family and given name with the birth year, family and given
# name, the whole name. A registration reads the few people holding its keys.


def stored(person: Person) -> set[str]:
    return set(PersonNameToken.objects.filter(person=person).values_list("token_index", flat=True))


def keys_of(full_name: str, date_of_birth=None, birth_year=None) -> set[str]:
    """The matcher's keys for these values, as stored (blind)."""
    matcher = duplicate_matcher()
    assert matcher is not None
    record = NewRecord(full_name=full_name, date_of_birth=date_of_birth, birth_year=birth_year)
    return {blind_index(key, purpose=indexes.HINT_KEY) for key in matcher.stored_keys(record)}


def test_the_keys_of_a_record_with_a_birth_date():
    matcher = duplicate_matcher()
    assert matcher is not None
    record = NewRecord(full_name="Huỳnh Thị Thu Hoà", date_of_birth=datetime.date(1998, 4, 3))
    assert matcher.stored_keys(record) == {
        "d|hoa|3-4|1998",
        "f|hoang|3-4|1998",
        "y|hoang|hoa|1998",
        "n|hoang|hoa",
        "w|hoang|thu|hoa",
    }
    # Written differently, the same keys: diacritics, Huỳnh/Hoàng, the family name last, Thị.
    again = NewRecord(full_name="Thu Hoa Hoang", date_of_birth=datetime.date(1998, 3, 4))
    assert matcher.stored_keys(again) == matcher.stored_keys(record)
    # An age estimated, or nothing known: the year it points to, or "-".
    assert matcher.stored_keys(NewRecord(full_name="Ng Văn Nam", birth_year=1990)) == {
        "y|nguyen|nam|1990",
        "n|nguyen|nam",
        "w|nguyen||nam",
    }
    assert "y|nguyen|nam|-" in matcher.stored_keys(NewRecord(full_name="Nguyễn Văn Nam"))


def test_registering_stores_the_keys_beside_the_name_words(staff):  # noqa: F811
    person = make_person(
        staff.organisation, full_name="Nguyễn Thị Hoà", date_of_birth=HOA_BORN, other_names="Bé"
    )
    words = indexes.name_token_indexes("Nguyễn Thị Hoà", "Bé")
    assert stored(person) == words | keys_of("Nguyễn Thị Hoà", HOA_BORN)
    assert len(keys_of("Nguyễn Thị Hoà", HOA_BORN)) == 5
    tokens = PersonNameToken.objects.filter(person=person)
    assert {token.organisation_id for token in tokens} == {staff.organisation.pk}

    aged = make_person(
        staff.organisation, full_name="Trần Văn Nam", date_of_birth=None, estimated_age=30
    )
    assert aged.age_estimated_on is not None
    year = aged.age_estimated_on.year - 30
    assert keys_of("Trần Văn Nam", birth_year=year) <= stored(aged)


def test_an_import_stores_the_keys_too(staff):  # noqa: F811
    built = people_services.people_register_many(
        actor=Actor.system("test"),
        organisation=staff.organisation,
        people=[
            {"full_name": "Lê Thị Mai", "sex": "female", "date_of_birth": HOA_BORN},
            {"full_name": "Phạm Văn Hùng", "sex": "male", "estimated_age": 40},
        ],
    )
    for person in built:
        assert stored(person) == indexes.person_token_indexes(person)
    assert keys_of("Lê Thị Mai", HOA_BORN) <= stored(built[0])


def test_an_edit_rewrites_the_keys(staff):  # noqa: F811
    person = make_person(staff.organisation, full_name="Nguyễn Thị Hoà", date_of_birth=HOA_BORN)
    before = keys_of("Nguyễn Thị Hoà", HOA_BORN)

    def edit(**changes):
        current = Person.objects.get(pk=person.pk)
        return people_services.person_update(
            person=current,
            expected_version=current.version,
            baseline=people_services.PERSON_EDITS.fingerprints(current),
            actor=Actor.system("test"),
            **changes,
        )

    born = datetime.date(1995, 12, 1)
    edit(date_of_birth=born)
    after = keys_of("Nguyễn Thị Hoà", born)
    assert after <= stored(person) and not (before - after) & stored(person)

    # The date removed, an age estimated instead: the year it points to.
    edited = edit(date_of_birth=None, estimated_age=28)
    assert edited.age_estimated_on is not None
    estimated = keys_of("Nguyễn Thị Hoà", birth_year=edited.age_estimated_on.year - 28)
    assert estimated <= stored(person) and not (after - estimated) & stored(person)

    edit(full_name="Trần Thị Lan")
    lan = keys_of("Trần Thị Lan", birth_year=edited.age_estimated_on.year - 28)
    assert stored(person) == indexes.name_token_indexes("Trần Thị Lan", "") | lan


def _merge_pair(staff, keep, away):  # noqa: F811
    duplicates_services.registry_scan_request(
        actor=Actor.for_user(staff.users[Role.SUPERVISOR], organisation=staff.organisation)
    )
    run_queued_jobs()
    low, high = sorted((keep.pk, away.pk))
    return CandidatePair.objects.get(person_a_id=low, person_b_id=high)


def test_a_merge_moves_the_keys_and_its_undo_brings_them_back(staff, supervisor):  # noqa: F811
    keep = make_person(
        staff.organisation, full_name="Nguyễn Thị Hoa", date_of_birth=None, phone="0912345678"
    )
    away = make_person(
        staff.organisation, full_name="Nguyen Thi Hoa", date_of_birth=HOA_BORN, phone="0912345678"
    )
    keep_before, away_before = stored(keep), stored(away)
    merge = duplicates_services.person_merge(
        pair=_merge_pair(staff, keep, away),
        survivor_id=keep.pk,
        choices={"date_of_birth": duplicates_services.MERGED},
        actor=Actor.for_user(staff.users[Role.SUPERVISOR], organisation=staff.organisation),
    )
    # The survivor is found by the birth date it took; the record merged away by nothing.
    assert keys_of("Nguyễn Thị Hoa", HOA_BORN) <= stored(keep)
    assert stored(away) == set()
    found = possible_duplicates(
        supervisor, full_name="Nguyen Thi Hao", date_of_birth=datetime.date(1997, 4, 3)
    )
    assert [match.person.pk for match in found.visible] == [keep.pk]

    duplicates_services.person_merge_undo(
        merge=merge,
        actor=Actor.for_user(staff.users[Role.SUPERVISOR], organisation=staff.organisation),
    )
    assert stored(keep) == keep_before and stored(away) == away_before


def test_the_command_writes_the_keys_of_a_registry_from_before_them(staff, supervisor):  # noqa: F811
    hoa = make_person(staff.organisation, full_name="Nguyễn Thị Hoà", date_of_birth=HOA_BORN)
    lan = make_person(staff.organisation, full_name="Trần Thị Lan", date_of_birth=LAN_BORN)
    merged = make_person(staff.organisation, full_name="Trần Thị Lan", date_of_birth=LAN_BORN)
    people_services.person_merged_away(
        person=merged,
        survivor=lan,
        at=merged.created_at,
        actor=Actor.system("test"),
    )
    words = {
        hoa.pk: indexes.name_token_indexes(hoa.full_name, ""),
        lan.pk: indexes.name_token_indexes(lan.full_name, ""),
    }
    # A registry written before the keys: the name words alone.
    PersonNameToken.objects.exclude(token_index__in=words[hoa.pk] | words[lan.pk]).delete()
    assert stored(hoa) == words[hoa.pk]

    def hinted() -> list[Person]:
        found = possible_duplicates(
            supervisor, full_name="Nguyen Thi Hao", date_of_birth=datetime.date(1997, 4, 3)
        )
        return [match.person for match in found.visible]

    assert hinted() == []

    out = io.StringIO()
    call_command("rebuild_person_tokens", batch_size=1, stdout=out)
    assert "2 người thay đổi" in out.getvalue()  # Vietnamese first: 2 people changed
    assert stored(hoa) == words[hoa.pk] | keys_of(hoa.full_name, HOA_BORN)
    assert stored(lan) == words[lan.pk] | keys_of(lan.full_name, LAN_BORN)
    assert stored(merged) == set()  # merged away: no tokens, as before
    assert hinted() == [hoa]

    # Again: nothing to change; each run is in the audit log, with a count only.
    out = io.StringIO()
    call_command("rebuild_person_tokens", stdout=out)
    assert "0 người thay đổi" in out.getvalue()
    rows = AuditEntry.objects.filter(actor_username="rebuild_person_tokens")
    assert sorted(row.details["people"] for row in rows) == [0, 2]


# --- namesakes beyond the candidates' limit ----------------------------------------------------


def _namesakes(organisation, full_name: str, born: Sequence[datetime.date | None]) -> None:
    """People with the same name, registered after the one sought."""
    for day in born:
        make_person(organisation, full_name=full_name, sex="female", date_of_birth=day)


# Born in other years, and in the same years on other days: more than the limit.
OTHER_BIRTHS = [datetime.date(1980 + n, 6, 20) for n in range(CROWD)] + [
    datetime.date(1997 + n % 3, 1 + n, 15) for n in range(CROWD)
]


@pytest.mark.parametrize(
    ("full_name", "date_of_birth"),
    [
        ("Ng Thi Hoa", datetime.date(1997, 4, 3)),  # an abbreviated family name, the year off
        ("Nguyễn Hoa", datetime.date(1997, 4, 3)),  # no Thị, the year off
        ("Hoa Nguyen Thi", datetime.date(1998, 3, 4)),  # the family name elsewhere, swapped
        ("Nguyen Thi Hao", datetime.date(1999, 4, 3)),  # one letter off, the year off
        ("Nguyến Thị Hoà", datetime.date(1998, 3, 4)),  # diacritics moved, swapped
        ("Nguyễn Thị Thu Hoa", datetime.date(1997, 4, 3)),  # a middle name she has not
        ("Nguyn Thị Hoà", datetime.date(1998, 3, 4)),  # the family name misspelt
    ],
)
def test_an_older_namesake_behind_more_than_the_limit_is_hinted(
    staff,  # noqa: F811
    supervisor,
    few_candidates,
    full_name,
    date_of_birth,
):
    hoa = make_person(staff.organisation, full_name="Nguyễn Thị Hoà", date_of_birth=HOA_BORN)
    _namesakes(staff.organisation, "Nguyễn Thị Hoà", OTHER_BIRTHS)
    found = possible_duplicates(
        supervisor, full_name=full_name, date_of_birth=date_of_birth, sex="female"
    )
    assert hoa in [match.person for match in found.visible]


def test_an_age_estimated_is_hinted_behind_namesakes_of_other_years(
    staff,  # noqa: F811
    supervisor,
    few_candidates,
):
    hoa = make_person(
        staff.organisation, full_name="Nguyễn Thị Hoà", date_of_birth=None, estimated_age=25
    )
    assert hoa.age_estimated_on is not None
    year = hoa.age_estimated_on.year - 25
    _namesakes(staff.organisation, "Nguyễn Thị Hoà", OTHER_BIRTHS[:CROWD])
    found = possible_duplicates(
        supervisor,
        full_name="Nguyen Thi Hoa",
        date_of_birth=datetime.date(year + 1, 2, 3),
        sex="female",
    )
    assert hoa in [match.person for match in found.visible]


@pytest.mark.parametrize(
    "full_name",
    [
        "Nguyen Thi Thu Hoa",
        "Nguyễn Thu Hoà",  # no Thị
        "Nguyễn Thị Thu Hao",  # the given name one letter off
    ],
)
def test_without_a_birth_date_the_whole_name_comes_first(
    staff,  # noqa: F811
    supervisor,
    few_candidates,
    full_name,
):
    thu = make_person(staff.organisation, full_name="Nguyễn Thị Thu Hoà", date_of_birth=HOA_BORN)
    _namesakes(staff.organisation, "Nguyễn Thị Hoà", [None] * CROWD)
    _namesakes(staff.organisation, "Nguyễn Thị Ngọc Hoà", [None] * CROWD)
    found = possible_duplicates(supervisor, full_name=full_name, date_of_birth=None, sex="female")
    assert thu in [match.person for match in found.visible]


def test_a_namesake_of_another_organisation_is_never_hinted(staff, supervisor):  # noqa: F811
    make_person(staff.other_organisation, full_name="Nguyễn Thị Hoà", date_of_birth=HOA_BORN)
    for born in (HOA_BORN, datetime.date(1997, 4, 3), None):
        found = possible_duplicates(supervisor, full_name="Nguyen Thi Hao", date_of_birth=born)
        assert not found


@pytest.mark.parametrize(
    ("full_name", "date_of_birth", "queries"),
    [
        ("Nguyen Thi Hao", datetime.date(1997, 4, 3), 2),  # the exact keys, the candidates
        ("Nguyễn Thị Hoà", None, 1),  # no exact key without a date: the candidates alone
        ("Hoà", None, 1),  # a given name alone: the candidates by the name word
    ],
)
def test_a_hint_makes_as_many_queries_as_before(
    staff,  # noqa: F811
    supervisor,
    full_name,
    date_of_birth,
    queries,
):
    make_person(staff.organisation, full_name="Nguyễn Thị Hoà", date_of_birth=HOA_BORN)
    _namesakes(staff.organisation, "Nguyễn Thị Hoà", OTHER_BIRTHS[:4])
    with CaptureQueriesContext(connection) as captured:
        possible_duplicates(supervisor, full_name=full_name, date_of_birth=date_of_birth)
    assert len(captured.captured_queries) == queries
