"""The migration that gives every ledger entry its day keeps every row and fills the day: the
meeting's for an entry made at a meeting, the day she left for savings returned to a member.

It changes the schema of the test database, so it needs a transactional test; it leaves the
database migrated to the end again, whatever happens.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("livelihood", "0001_savings_groups")]
AFTER = [("livelihood", "0002_ledger_entry_day")]
DAY = datetime.date(2026, 2, 2)


def _migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(sorted(executor.loader.applied_migrations)).apps


@pytest.fixture
def before_days() -> Iterator[Any]:
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate()


def test_every_entry_gets_the_day_its_money_changed_hands(before_days: Any) -> None:
    model = before_days.get_model
    organisation = model("organisations", "Organisation").objects.create(
        name="Hội Phụ nữ xã", slug="hoi-phu-nu-xa", kind="mass_organisation"
    )
    group = model("livelihood", "SavingsGroup").objects.create(
        organisation=organisation, name="Tổ Hoa Ban", formed_on=DAY, loan_fund_cash=50_000
    )
    stays, leaves = (
        model("livelihood", "GroupMember").objects.create(
            group=group, number=number, full_name="", joined_on=DAY, **extra
        )
        for number, extra in (
            (1, {}),
            (2, {"left_on": DAY + datetime.timedelta(days=20), "left_reason": "moved"}),
        )
    )
    cycle = model("livelihood", "Cycle").objects.create(
        group=group,
        number=1,
        started_on=DAY,
        planned_end_on=DAY + datetime.timedelta(days=300),
        share_price=10_000,
        meeting_frequency="monthly",
        interest_bp=200,
        max_loan=500_000,
        social_contribution=0,
    )
    meeting = model("livelihood", "Meeting").objects.create(
        cycle=cycle, number=1, held_on=DAY, loan_fund_after=60_000, social_fund_after=0
    )
    entry = model("livelihood", "LedgerEntry")
    at_meeting = entry.objects.create(
        group=group, cycle=cycle, meeting=meeting, sequence=1, kind="shares", fund="loan",
        amount=60_000, balance_after=60_000, member=stays, shares=6,
    )  # fmt: skip
    returned = entry.objects.create(
        group=group, cycle=cycle, sequence=2, kind="returned", fund="loan", amount=10_000,
        balance_after=50_000, member=leaves,
    )  # fmt: skip

    after = _migrate(AFTER)

    days = dict(after.get_model("livelihood", "LedgerEntry").objects.values_list("pk", "moved_on"))
    assert days == {at_meeting.pk: DAY, returned.pk: DAY + datetime.timedelta(days=20)}
