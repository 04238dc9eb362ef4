"""The registration hint finds, within the organisation, what the issue saw go in silently."""

from __future__ import annotations

import datetime

import pytest

from donghanh.organisations.models import Membership
from donghanh.organisations.roles import Role
from donghanh.people.registry import duplicate_matcher
from donghanh.people.selectors import DuplicateReason, possible_duplicates
from donghanh.people.tests.conftest import make_person, staff  # noqa: F401  (fixture)

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
