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
