"""Dumping and restoring the database, and what the archive records about it.

PostgreSQL goes through `pg_dump --format=custom` and `pg_restore`, streamed through pipes; the
connection's settings reach them through the environment (the password never appears on a
command line). SQLite goes through its online backup API, which copies a consistent snapshot
while the platform runs; the copy passes through a private temporary folder.

Nothing here knows an app: the encrypted columns are found through the app registry.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import InvalidToken
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from donghanh.core.crypto import data_fernet, encrypted_fields, models_with_encrypted_fields

READ_SIZE = 1024 * 1024
SCAN_BATCH = 1000


class DatabaseToolError(RuntimeError):
    """pg_dump, pg_restore or SQLite failed; the message is the tool's own (no data in it)."""


# --- What the archive records ----------------------------------------------------------------


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return {}
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    """Migrations the archive's database had that this version of the code does not have."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app_label}.{name}"
        for app_label, names in sorted(applied.items())
        for name in names
        if (app_label, name) not in known
    ]


@dataclass(frozen=True)
class EncryptedColumn:
    model: str
    table: str
    column: str
    pk: str

    def as_dict(self) -> dict[str, str]:
        return {"model": self.model, "table": self.table, "column": self.column, "pk": self.pk}


def encrypted_columns() -> list[EncryptedColumn]:
    """Every column that holds data-key tokens, from the models of the installed apps."""
    return [
        EncryptedColumn(
            model=model._meta.label,
            table=model._meta.db_table,
            column=field.column,
            pk=model._meta.pk.column,
        )
        for model in models_with_encrypted_fields()
        for field in encrypted_fields(model)
    ]


def server_version(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def is_empty(connection: BaseDatabaseWrapper) -> bool:
    """Whether the database holds no table at all (a new database, before `migrate`)."""
    return not connection.introspection.table_names()


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    from django.db.backends.postgresql.client import DatabaseClient

    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return env


def _tool_failure(tool: str, code: int, errors: IO[bytes]) -> DatabaseToolError:
    errors.seek(0)
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    return DatabaseToolError(f"{tool} ({code}): " + " | ".join(lines[-5:]))


def _start(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(args, **kwargs)  # noqa: S603  (fixed arguments, no shell)
    except FileNotFoundError:
        raise DatabaseToolError(f"{args[0]} is not installed") from None


def tool_version(tool: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603
            [tool, "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except FileNotFoundError:
        return ""
    return done.stdout.strip()


def _pg_dump(connection: BaseDatabaseWrapper) -> Iterator[bytes]:
    args = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
    with tempfile.TemporaryFile() as errors:
        process = _start(
            args,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_pg_environment(connection.settings_dict),
        )
        assert process.stdout is not None  # noqa: S101
        try:
            while block := process.stdout.read(READ_SIZE):
                yield block
        finally:
            # Closing the pipe early (the archive failed) stops pg_dump with a broken pipe.
            process.stdout.close()
            try:
                code = process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait()
        if code != 0:
            raise _tool_failure("pg_dump", code, errors)


def _pg_restore(connection: BaseDatabaseWrapper, blocks: Iterable[bytes], *, clean: bool) -> None:
    args = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction"]
    args += ["--exit-on-error", "--dbname", str(connection.settings_dict["NAME"])]
    if clean:
        args += ["--clean", "--if-exists"]
    connection.close()  # pg_restore takes its locks; Django opens a fresh connection after
    with tempfile.TemporaryFile() as errors:
        process = _start(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=_pg_environment(connection.settings_dict),
        )
        assert process.stdin is not None  # noqa: S101
        try:
            for block in blocks:
                process.stdin.write(block)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit code and messages say why
        finally:
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
            code = process.wait()
        if code != 0:
            raise _tool_failure("pg_restore", code, errors)


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_dump(connection: BaseDatabaseWrapper) -> Iterator[bytes]:
    connection.ensure_connection()
    with tempfile.TemporaryDirectory(prefix="donghanh-backup-") as folder:
        path = Path(folder) / "database.sqlite3"
        copy = sqlite3.connect(path)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        with open(path, "rb") as source:
            while block := source.read(READ_SIZE):
                yield block


def _sqlite_restore(connection: BaseDatabaseWrapper, blocks: Iterable[bytes]) -> None:
    with tempfile.TemporaryDirectory(prefix="donghanh-restore-") as folder:
        path = Path(folder) / "database.sqlite3"
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            for block in blocks:
                out.write(block)
        source = sqlite3.connect(path)
        try:
            (result,) = source.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise DatabaseToolError(f"SQLite integrity check: {result}")
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise DatabaseToolError(f"SQLite: {error}") from None
        finally:
            source.close()


# --- Either -----------------------------------------------------------------------------------


def dump_format(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor == "postgresql":
        return "pg_dump custom format"
    if connection.vendor == "sqlite":
        return "SQLite database file"
    raise DatabaseToolError(f"backups of {connection.vendor} databases are not supported")


def dump(connection: BaseDatabaseWrapper) -> Iterator[bytes]:
    """The database as blocks of bytes, streamed from the dump tool."""
    if connection.vendor == "postgresql":
        return _pg_dump(connection)
    if connection.vendor == "sqlite":
        return _sqlite_dump(connection)
    raise DatabaseToolError(f"backups of {connection.vendor} databases are not supported")


def restore(connection: BaseDatabaseWrapper, blocks: Iterable[bytes], *, replace: bool) -> None:
    """Load a dump made by `dump` into the database of `connection`.

    `replace` lets PostgreSQL drop the archive's objects that already exist first; SQLite's
    backup API always replaces the whole database.
    """
    if connection.vendor == "postgresql":
        _pg_restore(connection, blocks, clean=replace)
    elif connection.vendor == "sqlite":
        _sqlite_restore(connection, blocks)
    else:
        raise DatabaseToolError(f"backups of {connection.vendor} databases are not supported")


@dataclass
class DecryptionScan:
    values: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


def scan_encrypted_values(
    connection: BaseDatabaseWrapper, columns: Iterable[dict[str, str]]
) -> DecryptionScan:
    """Decrypt every stored token of `columns` with the configured data keys (nothing kept).

    Works on the tables and columns themselves, not the models, so it reads a restored
    database whatever the code's models look like now.
    """
    fernet = data_fernet()
    scan = DecryptionScan()
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    for column in columns:
        if column["table"] not in tables:
            continue
        table, value, pk = quote(column["table"]), quote(column["column"]), quote(column["pk"])
        select = f"SELECT {pk}, {value} FROM {table} WHERE {value} IS NOT NULL"  # noqa: S608
        order = f"ORDER BY {pk} LIMIT {SCAN_BATCH}"
        last: Any = None
        while True:
            with connection.cursor() as cursor:
                if last is None:
                    cursor.execute(f"{select} {order}")
                else:
                    cursor.execute(f"{select} AND {pk} > %s {order}", [last])
                rows = cursor.fetchall()
            for _pk, token in rows:
                scan.values += 1
                try:
                    fernet.decrypt(str(token).encode("ascii"))
                except (InvalidToken, UnicodeEncodeError):
                    name = f"{column['model']}.{column['column']}"
                    scan.failures[name] = scan.failures.get(name, 0) + 1
            if len(rows) < SCAN_BATCH:
                break
            last = rows[-1][0]
    return scan
