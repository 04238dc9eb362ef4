"""Temporary PostgreSQL roles with the platform's privileges, for tests.

Roles belong to the whole PostgreSQL cluster, which other test runs may share: every role made
here has a random name and is gone when the test ends.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection

from donghanh.core.database_roles import apply_grants


def _new_name() -> str:
    return f"dh_test_platform_{secrets.token_hex(4)}"


@contextmanager
def acting_as_platform_role() -> Iterator[str]:
    """Inside the test's transaction: create a role, give it the platform's privileges and act
    as it (`SET LOCAL ROLE`) until the transaction ends.

    PostgreSQL checks every privilege, ownership included, against the current role, so this is
    what a connection logged in as that role may do. Creating the role, the grants and the
    `SET` are all rolled back with the test's transaction.
    """
    role = _new_name()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
    apply_grants(connection, role)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
    yield role


@dataclass(frozen=True)
class LoginRole:
    name: str
    password: str


@contextmanager
def platform_login_role() -> Iterator[LoginRole]:
    """A role that can log in, with the platform's privileges (for transactional tests).

    Dropped at the end, with every privilege and default privilege it was given.
    """
    role = LoginRole(name=_new_name(), password=secrets.token_urlsafe(16))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role.name} LOGIN PASSWORD %s", [role.password])
    try:
        apply_grants(connection, role.name)
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role.name}")
            cursor.execute(f"DROP ROLE {role.name}")


@contextmanager
def logged_in_as(role: LoginRole) -> Iterator[None]:
    """The default connection logs in as `role` while the block runs (outside a transaction)."""
    saved = {key: connection.settings_dict.get(key) for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update({"USER": role.name, "PASSWORD": role.password})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
