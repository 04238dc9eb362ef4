"""`manage.py grant_app_role [ROLE] [--apply]`: the privileges of the platform's database role.

Prints the SQL that gives ROLE (by default the user of DATABASE_URL) what the running platform
needs on PostgreSQL: rows of every table, the sequences, the migration history read-only and
the audit log read and append only, with default privileges for the tables and sequences
later migrations create. With --apply the statements run, as the owner of the tables
(DATABASE_OWNER_URL) when it is set. `migrate` applies them itself when it runs as the owner.
See docs/deployment.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from donghanh.core.database_roles import (
    RoleError,
    apply_grants,
    grant_statements,
    owner_connection,
    platform_role,
    role_refusal,
)


class Command(BaseCommand):
    help = (
        "Print (or with --apply, run) the SQL that gives the platform's PostgreSQL role its "
        "privileges: rows of every table, the audit log read and append only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "role", nargs="?", default="", help="The role (default: the user of DATABASE_URL)."
        )
        parser.add_argument(
            "--apply", action="store_true", help="Run the statements instead of printing them."
        )

    def handle(self, *args: Any, role: str, apply: bool, **options: Any) -> None:
        role = role or platform_role()
        with owner_connection() as connection:
            if connection.vendor != "postgresql":
                raise CommandError(
                    _("Database roles are for PostgreSQL; SQLite has none to set up.")
                )
            if apply:
                try:
                    apply_grants(connection, role)
                except RoleError as error:
                    raise CommandError(str(error)) from None
                self.stdout.write(
                    _("Privileges of the platform's role %(role)s brought up to date.")
                    % {"role": role}
                )
                return
            problem = role_refusal(connection, role)
            if problem:
                raise CommandError(problem)
            self.stdout.write(
                "-- "
                + _("Privileges of the platform's role %(role)s (run as the owner of the tables)")
                % {"role": role}
            )
            self.stdout.write("BEGIN;")
            for statement in grant_statements(connection, role):
                self.stdout.write(f"{statement};")
            self.stdout.write("COMMIT;")
