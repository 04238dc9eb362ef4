"""The database itself refuses to rewrite the audit log (migration 0002 installs the trigger).

Every test runs twice on PostgreSQL: as the owner of the tables (the trigger refuses), and as
the role the platform runs as in production (its privileges refuse first; see
`donghanh.core.database_roles`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from donghanh.audit.models import AuditAction, AuditEntry
from donghanh.audit.tests.rows import RowEvent, row
from donghanh.testing.database_roles import acting_as_platform_role

pytestmark = pytest.mark.django_db

TRIGGER_REFUSAL = "cannot be changed"
PRIVILEGE_REFUSAL = "permission denied"


@pytest.fixture(autouse=True, params=["table owner", "platform role"])
def refusal(request, db) -> Iterator[str]:
    """The role the test acts as, given as the refusal expected from the database."""
    if request.param == "table owner":
        yield TRIGGER_REFUSAL
        return
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no database roles")
    with acting_as_platform_role():
        yield PRIVILEGE_REFUSAL


@pytest.fixture
def entry(user_factory) -> AuditEntry:
    return row(user=user_factory(), note="original")


def test_update_of_an_entry_is_refused(entry, refusal):
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    entry.refresh_from_db()
    assert entry.summary == "original"


def test_saving_a_loaded_entry_is_refused(entry):
    entry.action = AuditAction.LOGOUT
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    entry.refresh_from_db()
    assert entry.action == AuditAction.LOGIN


def test_raw_sql_update_is_refused_too(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_username = 'someone-else'")
    entry.refresh_from_db()
    assert entry.actor_username != "someone-else"


def test_delete_of_an_entry_is_refused_on_postgresql(entry, refusal):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps DELETE so that the test runner can empty the table")
    with pytest.raises(DatabaseError, match=refusal), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_inserting_stays_possible(entry):
    row(RowEvent.SIGNED_OUT, name="x")
    assert AuditEntry.objects.count() == 2


def test_the_trigger_survives_every_migration_of_the_audit_table():
    """Adding a column rebuilds the table on SQLite; the append-only trigger must come back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["audit_auditentry"],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass"
                " AND NOT tgisinternal"
            )
        names = [row[0] for row in cursor.fetchall()]
    assert names == ["audit_auditentry_no_update"]
