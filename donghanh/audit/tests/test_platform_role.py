"""In production the platform connects to PostgreSQL as a role that does not own its tables.

The owner of a table may empty it or switch its triggers off, whatever the trigger says; the
platform's role (`manage.py grant_app_role`) may write rows everywhere, but only read and add to
the audit log. These tests log in as such a role for real.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from donghanh.audit.models import AuditEntry
from donghanh.audit.tests.rows import RowEvent, row
from donghanh.core.database_roles import (
    check_platform_role,
    inspect_role,
    refuse_unsafe_platform_role,
)
from donghanh.organisations.models import Membership, Organisation
from donghanh.testing.database_roles import LoginRole, logged_in_as, platform_login_role
from donghanh.testing.factories import MembershipFactory, OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has no database roles or privileges"
    ),
]

TABLE = AuditEntry._meta.db_table


@pytest.fixture
def role() -> Any:
    with platform_login_role() as made:
        yield made


def _refused(sql: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match), connection.cursor() as cursor:
        cursor.execute(sql)


def test_the_owner_of_the_tables_can_empty_the_audit_log_despite_the_trigger(settings):
    """Why the platform must not connect as the owner: the trigger does not stop TRUNCATE."""
    row(name="someone")

    class UndoError(Exception):
        pass

    with pytest.raises(UndoError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}")
        assert not AuditEntry.objects.exists()
        raise UndoError
    assert AuditEntry.objects.exists()

    assert not inspect_role(connection).safe
    settings.PRODUCTION = True
    [error] = check_platform_role(databases=["default"])
    assert error.id == "core.E001"
    assert check_platform_role(databases=None) == []  # the check asks the database only if told
    with pytest.raises(ImproperlyConfigured):
        refuse_unsafe_platform_role()


def test_the_platform_role_cannot_wipe_or_rewrite_the_audit_log(role: LoginRole, settings):
    row(name="before")
    with logged_in_as(role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, session_user")
            assert cursor.fetchone() == (role.name, role.name)

        # It reads and adds to the log.
        assert AuditEntry.objects.filter(actor_username="before").exists()
        added = row(RowEvent.SIGNED_OUT, name="during")
        assert AuditEntry.objects.filter(pk=added.pk).exists()

        # It cannot empty it, switch its trigger off, drop it, or change and remove rows.
        _refused(f"TRUNCATE {TABLE}", "permission denied")
        _refused(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_auditentry_no_update", "owner")
        _refused(f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL", "owner")
        _refused(f"DROP TRIGGER audit_auditentry_no_update ON {TABLE}", "owner")
        _refused(f"DROP TABLE {TABLE}", "owner")
        _refused("DROP FUNCTION audit_auditentry_append_only()", "owner")
        _refused("UPDATE audit_auditentry SET summary = 'rewritten'", "permission denied")
        _refused("DELETE FROM audit_auditentry", "permission denied")
        # Replication mode would skip the trigger: only a superuser may turn it on.
        _refused("SET session_replication_role = replica", "permission denied")
        # No table of the platform may be emptied in one statement either.
        _refused(f"TRUNCATE {Organisation._meta.db_table} CASCADE", "permission denied")
        with pytest.raises(DatabaseError, match="permission denied"):
            AuditEntry.objects.filter(pk=added.pk).update(summary="rewritten")
        with pytest.raises(DatabaseError, match="permission denied"):
            AuditEntry.objects.filter(pk=added.pk).delete()

        # Ordinary writes of the platform work: insert, update and delete rows, with sequences.
        membership: Any = MembershipFactory(organisation=OrganisationFactory())
        Organisation.objects.filter(pk=membership.organisation_id).update(name="Đổi tên")
        Membership.objects.filter(pk=membership.pk).delete()
        assert Organisation.objects.get(pk=membership.organisation_id).name == "Đổi tên"

        report = inspect_role(connection)
        assert report.safe, report.problems()
        settings.PRODUCTION = True
        assert check_platform_role(databases=["default"]) == []
        refuse_unsafe_platform_role()  # serves

    assert AuditEntry.objects.filter(actor_username__in=["before", "during"]).count() == 2


def test_migrate_runs_as_the_owner_and_brings_the_platform_roles_privileges_up_to_date(
    role: LoginRole, settings
):
    owner = {key: connection.settings_dict.get(key) or "" for key in ("USER", "PASSWORD")}
    settings.DATABASE_OWNER = owner
    with connection.cursor() as cursor:
        cursor.execute(f"REVOKE INSERT ON {TABLE} FROM {role.name}")
    with logged_in_as(role):
        with pytest.raises(DatabaseError, match="permission denied"):
            row(name="refused")
        out = io.StringIO()
        call_command("migrate", verbosity=1, stdout=out)
        assert role.name in out.getvalue()
        # Back as the platform's role, with its privileges back.
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (role.name,)
        row(name="allowed")
        _refused(f"TRUNCATE {TABLE}", "permission denied")


def test_grant_app_role_prints_or_applies_the_privileges(role: LoginRole):
    out = io.StringIO()
    call_command("grant_app_role", role.name, stdout=out)
    sql = out.getvalue()
    assert f"REVOKE UPDATE, DELETE ON {connection.ops.quote_name(TABLE)} FROM" in sql
    assert "ALTER DEFAULT PRIVILEGES FOR ROLE" in sql
    assert sql.rstrip().endswith("COMMIT;")

    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE, UPDATE ON {TABLE} TO {role.name}")
    call_command("grant_app_role", role.name, "--apply", stdout=io.StringIO())
    with logged_in_as(role):
        assert inspect_role(connection).safe
        _refused(f"TRUNCATE {TABLE}", "permission denied")


def test_grant_app_role_refuses_the_owner_and_unknown_roles():
    with pytest.raises(CommandError, match=r"postgres|superuser|siêu"):
        call_command("grant_app_role", connection.settings_dict["USER"], stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("grant_app_role", "dh_test_nobody_at_all", stdout=io.StringIO())
