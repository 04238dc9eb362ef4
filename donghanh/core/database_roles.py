"""Two PostgreSQL roles: one owns the tables, the other runs the platform.

A role that owns a table may empty it (`TRUNCATE`), switch off its triggers or drop it, and no
privilege can be taken from an owner. If the platform connected as the owner of its tables,
anyone who can run code or SQL with its credentials could wipe the audit log despite the
trigger that refuses UPDATE and DELETE of its rows. So in production:

- the owner (`DATABASE_OWNER_URL`) runs `manage.py migrate` and `backup_restore` only;
- the platform (`DATABASE_URL`) connects as a role that may read and write rows, use the
  sequences, read the migration history, and only read and add to the append-only tables;
- `manage.py grant_app_role` prints or applies those privileges (`migrate` applies them itself
  when it runs as the owner), with default privileges for the tables later migrations create;
- a system check (`manage.py check --deploy --database default`) and the WSGI/ASGI start-up
  refuse a production platform that connects as a superuser, as the owner of its tables, or as
  a role that may still change the append-only tables.

The audit app names its table in `AppConfig.ready()` through `register_append_only_table`, so
this module knows no app. See docs/deployment.md for the steps.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

# Tables the platform may read and add rows to, never change, delete from or empty.
_append_only_tables: set[str] = set()
# Tables the platform only reads: the migration history is written by `migrate`, as the owner.
READ_ONLY_TABLES = frozenset({"django_migrations"})
ROW_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
# What the platform's role must not hold on an append-only table.
FORBIDDEN_ON_APPEND_ONLY = ("UPDATE", "DELETE", "TRUNCATE")


def register_append_only_table(table: str) -> None:
    """Let the platform's role only read and insert into `table` (called from `ready()`)."""
    _append_only_tables.add(table)


def append_only_tables() -> list[str]:
    return sorted(_append_only_tables)


# --- The owner's connection ---------------------------------------------------------------


def owner_credentials() -> dict[str, str] | None:
    """The owner's USER and PASSWORD from DATABASE_OWNER_URL, or None when it is not set."""
    owner = getattr(settings, "DATABASE_OWNER", None)
    return dict(owner) if owner else None


def platform_role(using: str = DEFAULT_DB_ALIAS) -> str:
    """The role the platform connects as (the user of DATABASE_URL)."""
    return str(connections[using].settings_dict.get("USER") or "")


@contextmanager
def owner_connection(using: str = DEFAULT_DB_ALIAS) -> Iterator[BaseDatabaseWrapper]:
    """The connection `using`, logged in as the owner of the tables while the block runs.

    Without DATABASE_OWNER_URL (or for another alias) the connection is used as it is. Only
    the user and password change: the database, host and port stay those of the connection, so
    a test database stays the test database.
    """
    connection = connections[using]
    owner = owner_credentials() if using == DEFAULT_DB_ALIAS else None
    if owner is None:
        yield connection
        return
    if connection.in_atomic_block:
        raise RuntimeError("the owner's connection cannot replace one inside a transaction")
    saved = {key: connection.settings_dict.get(key) for key in owner}
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


# --- Privileges ---------------------------------------------------------------------------


def _quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return connection.ops.quote_name(name)


def _owner_and_schema(connection: BaseDatabaseWrapper) -> tuple[str, str]:
    """The role that owns the migration history (so every table migrations create) and the
    schema the tables are in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(c.relowner), n.nspname FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.oid = to_regclass('django_migrations')"
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute("SELECT current_user, current_schema()")
            row = cursor.fetchone()
    assert row is not None  # noqa: S101  (current_user always answers)
    return str(row[0]), str(row[1])


def grant_statements(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """The SQL that gives `role` what the platform needs and nothing more.

    Idempotent: every privilege on the tables is revoked first, so running it again after a
    migration (or after someone granted too much) leaves exactly these privileges.
    """
    owner, schema_name = _owner_and_schema(connection)
    q_role, q_owner, schema = (_quote(connection, n) for n in (role, owner, schema_name))
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {q_role}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {q_role}",
        f"GRANT {ROW_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {q_role}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {q_role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {q_role}",
    ]
    for table in _existing(connection, READ_ONLY_TABLES):
        statements.append(
            f"REVOKE INSERT, UPDATE, DELETE ON {_quote(connection, table)} FROM {q_role}"
        )
    for table in _existing(connection, _append_only_tables):
        statements.append(f"REVOKE UPDATE, DELETE ON {_quote(connection, table)} FROM {q_role}")
    statements += [
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner} IN SCHEMA {schema}"
        f" GRANT {ROW_PRIVILEGES} ON TABLES TO {q_role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {q_owner} IN SCHEMA {schema}"
        f" GRANT USAGE, SELECT ON SEQUENCES TO {q_role}",
    ]
    return statements


def _existing(connection: BaseDatabaseWrapper, tables: Iterable[str]) -> list[str]:
    present = set(connection.introspection.table_names())
    return sorted(t for t in tables if t in present)


class RoleError(ValueError):
    """The role named for the platform cannot be given the platform's privileges."""


def apply_grants(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Run `grant_statements` for `role` in one transaction; the statements run are returned."""
    problem = role_refusal(connection, role)
    if problem:
        raise RoleError(problem)
    statements = grant_statements(connection, role)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements


def role_refusal(connection: BaseDatabaseWrapper, role: str) -> str:
    """Why `role` cannot be the platform's role ("" when it can)."""
    if not role:
        return _("Name the role the platform connects as (the user of DATABASE_URL).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
    if row is None:
        return _(
            "The role %(role)s does not exist. Create it first: CREATE ROLE %(role)s LOGIN "
            "PASSWORD '…';"
        ) % {"role": role}
    if row[0]:
        return _("The role %(role)s is a superuser: no privilege can be taken from it.") % {
            "role": role
        }
    owner, _schema = _owner_and_schema(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_has_role(%s, %s, 'USAGE')", [role, owner])
        row = cursor.fetchone()
    if row is not None and row[0]:
        return _(
            "The role %(role)s owns the tables (or is a member of their owner %(owner)s): it "
            "could empty the audit log. Give the platform a role of its own."
        ) % {"role": role, "owner": owner}
    return ""


# --- What the platform's role may do -------------------------------------------------------


@dataclass
class RoleReport:
    """What the role a connection is logged in as may do that the platform's role must not."""

    role: str
    superuser: bool = False
    owned_tables: list[str] = field(default_factory=list)
    changeable_append_only: dict[str, list[str]] = field(default_factory=dict)

    @property
    def safe(self) -> bool:
        return not (self.superuser or self.owned_tables or self.changeable_append_only)

    def problems(self) -> list[str]:
        found = []
        if self.superuser:
            found.append(_("the role %(role)s is a superuser") % {"role": self.role})
        if self.owned_tables:
            found.append(
                _("the role %(role)s owns tables (%(tables)s)")
                % {"role": self.role, "tables": ", ".join(self.owned_tables[:5])}
            )
        for table, privileges in sorted(self.changeable_append_only.items()):
            found.append(
                _("the role %(role)s may %(privileges)s the append-only table %(table)s")
                % {"role": self.role, "privileges": "/".join(privileges), "table": table}
            )
        return found


def inspect_role(connection: BaseDatabaseWrapper) -> RoleReport:
    """Ask PostgreSQL what the connection's current role may do."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        assert row is not None  # noqa: S101  (the current role exists)
        report = RoleReport(role=str(row[0]), superuser=bool(row[1]))
        # Ownership through membership counts too: a member of the owner role acts as the owner.
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"
            " AND pg_has_role(current_user, c.relowner, 'USAGE') ORDER BY c.relname"
        )
        report.owned_tables = [str(r[0]) for r in cursor.fetchall()]
        for table in append_only_tables():
            cursor.execute(
                "SELECT has_table_privilege(t, 'UPDATE'), has_table_privilege(t, 'DELETE'),"
                " has_table_privilege(t, 'TRUNCATE') FROM to_regclass(%s) AS t"
                " WHERE t IS NOT NULL",
                [table],
            )
            found = cursor.fetchone()
            if found is not None:
                names = [n for n, may in zip(FORBIDDEN_ON_APPEND_ONLY, found, strict=True) if may]
                if names:
                    report.changeable_append_only[table] = names
    return report


def _applies(connection: BaseDatabaseWrapper) -> bool:
    return bool(getattr(settings, "PRODUCTION", False)) and connection.vendor == "postgresql"


def check_platform_role(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Deployment check: production on PostgreSQL runs as a role that cannot wipe the log."""
    if not databases or DEFAULT_DB_ALIAS not in databases:
        return []
    connection = connections[DEFAULT_DB_ALIAS]
    if not _applies(connection):
        return []
    report = inspect_role(connection)
    if report.safe:
        return []
    return [
        Error(
            _(
                "The platform connects to PostgreSQL as a role that could empty the audit log: "
                "%(problems)s."
            )
            % {"problems": "; ".join(report.problems())},
            hint=_(
                "Connect (DATABASE_URL) as a role that does not own the tables, run migrations "
                "as the owner (DATABASE_OWNER_URL) and give the platform's role its privileges "
                "with `manage.py grant_app_role --apply`. See docs/deployment.md."
            ),
            id="core.E001",
        )
    ]


def refuse_unsafe_platform_role() -> None:
    """At start-up of the web processes: refuse to serve in production as an unsafe role."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not _applies(connection):
        return
    try:
        report = inspect_role(connection)
    finally:
        # A process that forks its workers after loading the application must not hand them
        # this connection.
        connection.close()
    if not report.safe:
        raise ImproperlyConfigured(
            _(
                "Refusing to serve: the platform connects to PostgreSQL as a role that could "
                "empty the audit log (%(problems)s). See docs/deployment.md."
            )
            % {"problems": "; ".join(report.problems())}
        )
