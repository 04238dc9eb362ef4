"""The livelihood app's fixtures: an organisation with every role (the people app's), and a
savings group with a running cycle under a plain constitution."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from donghanh.core.actor import Actor
from donghanh.livelihood.savings import services
from donghanh.livelihood.savings.lines import MeetingLine
from donghanh.livelihood.savings.models import Cycle, GroupMember, Meeting, SavingsGroup
from donghanh.organisations.models import Organisation
from donghanh.organisations.roles import Role
from donghanh.people.tests.conftest import Staff, staff

__all__ = ["Staff", "staff"]

START = datetime.date(2026, 1, 5)

CONSTITUTION: dict[str, Any] = {
    "started_on": START,
    "planned_end_on": datetime.date(2026, 10, 30),
    "share_price": 10_000,
    "min_shares": 1,
    "max_shares": 5,
    "meeting_frequency": "monthly",
    "interest_bp": 1_000,
    "loan_multiple": 3,
    "max_loan": 500_000,
    "max_loan_months": 3,
    "social_contribution": 2_000,
    "fine_absence": 2_000,
    "fine_late": 1_000,
    "fine_late_repayment": 5_000,
}


def system() -> Actor:
    return Actor.system("test")


def make_group(
    organisation: Organisation, name: str = "Tổ tiết kiệm thôn Bảo Ninh"
) -> SavingsGroup:
    return services.group_create(
        actor=system(),
        organisation=organisation,
        name=name,
        formed_on=datetime.date(2025, 12, 1),
        village="Thôn Hà Thôn",
    )


def add_members(group: SavingsGroup, *names: str) -> list[GroupMember]:
    return [
        services.member_add(
            actor=system(), group=group, full_name=name, joined_on=datetime.date(2025, 12, 1)
        )
        for name in names
    ]


def open_cycle(group: SavingsGroup, **changes: Any) -> Cycle:
    return services.cycle_open(actor=system(), group=group, **(CONSTITUTION | changes))


def meeting(cycle: Cycle, held_on: datetime.date, *lines: MeetingLine, **kwargs: Any) -> Meeting:
    return services.meeting_record(
        actor=system(), cycle=cycle, held_on=held_on, lines=list(lines), **kwargs
    )


def reloaded(group: SavingsGroup) -> SavingsGroup:
    return SavingsGroup.objects.get(pk=group.pk)


@contextmanager
def refused(code: str) -> Iterator[None]:
    """The block is refused with a `ValidationError` of `code` (whatever the language)."""
    with pytest.raises(ValidationError) as refusal:
        yield
    error = refusal.value
    if hasattr(error, "error_dict"):
        codes = [item.code for items in error.error_dict.values() for item in items]
    else:
        codes = [item.code for item in error.error_list]
    assert code in codes, error


@pytest.fixture
def group(staff: Staff) -> SavingsGroup:
    return make_group(staff.organisation)


@pytest.fixture
def worker(staff: Staff) -> Any:
    return staff.users[Role.CASE_WORKER]
