"""`manage.py migrate`, run as the owner of the tables when DATABASE_OWNER_URL is set.

The platform itself connects (DATABASE_URL) as a role that cannot change the schema. Django's
own command runs unchanged, logged in as the owner; on PostgreSQL the platform's role is then
given its privileges on whatever the migrations created (`grant_app_role`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.utils.translation import gettext as _

from donghanh.core.database_roles import (
    RoleError,
    apply_grants,
    owner_connection,
    owner_credentials,
    platform_role,
)


class Command(migrate.Command):
    help = (
        "Apply the migrations, as the owner of the tables when DATABASE_OWNER_URL is set, then "
        "give the platform's role (the user of DATABASE_URL) its privileges."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        database = options["database"]
        role = platform_role(database)
        as_owner = owner_credentials() is not None and database == "default"
        with owner_connection(database) as connection:
            super().handle(*args, **options)
            if not (as_owner and connection.vendor == "postgresql"):
                return
            try:
                apply_grants(connection, role)
            except RoleError as error:
                raise CommandError(str(error)) from None
            if options["verbosity"] >= 1:
                self.stdout.write(
                    _("Privileges of the platform's role %(role)s brought up to date.")
                    % {"role": role}
                )
