"""Back up and restore the whole platform: people's encrypted records, an attachment file and
the audit log come back from one archive into an empty database and an empty file folder; a
wrong backup key, a damaged archive and missing data keys are refused before anything is
written. Runs on the database the suite runs on (SQLite, or PostgreSQL through pg_dump)."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import TextField, Value

from donghanh.attachments import files as attachment_files
from donghanh.attachments import services as attachment_services
from donghanh.attachments.models import Attachment
from donghanh.audit.models import AuditEntry
from donghanh.backups import database
from donghanh.backups.keys import data_key_fingerprints
from donghanh.cases.tests.conftest import make_case, make_person, new_organisation
from donghanh.core.actor import Actor
from donghanh.core.crypto import models_with_encrypted_fields
from donghanh.core.database_roles import inspect_role
from donghanh.organisations.roles import Role
from donghanh.people.models import Person
from donghanh.testing.database_roles import logged_in_as, platform_login_role
from donghanh.testing.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + "Biên bản\n%%EOF\n".encode()


# Only `_records` and `_attachment_bytes` name the apps of people, cases and attachments.
def _records() -> tuple[Person, Attachment]:
    organisation = new_organisation()
    worker = MembershipFactory(organisation=organisation, role=Role.CASE_WORKER).user
    person = make_person(
        organisation,
        worker,
        other_names="Hoa Nguyen",
        id_number="079203001234",
        phone="0912 345 678",
        current_address="Số 12 đường Trần Phú, phường Đồng Hới",
    )
    case = make_case(person, worker)
    attachment = attachment_services.attachment_add(
        case=case,
        name="bien-ban.pdf",
        content=PDF,
        description="Biên bản tiếp nhận",
        actor=Actor.for_user(worker),
    )
    return person, attachment


def _attachment_bytes(attachment: Attachment) -> bytes:
    return attachment_files.read_decrypted(attachment.stored_name)


# --- Helpers ------------------------------------------------------------------------------------


def _encrypted_values() -> dict[str, list[tuple[Any, ...]]]:
    """Every encrypted value of every model, decrypted, by primary key."""
    values = {}
    for model in models_with_encrypted_fields():
        names = [f.attname for f in model._meta.concrete_fields if f.column in _columns(model)]
        rows = model._base_manager.order_by("pk").values_list("pk", *names)
        values[model._meta.label] = list(rows)
    return values


def _columns(model: Any) -> set[str]:
    return {c.column for c in database.encrypted_columns() if c.model == model._meta.label}


def _audit_rows() -> list[tuple[Any, ...]]:
    return list(AuditEntry.objects.order_by("pk").values_list("pk", "event", "summary"))


def _empty_the_database() -> None:
    """Drop every table, as a new database would be (the test database stays)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sqlite3.connect(":memory:").backup(connection.connection)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        connection.close()
    assert database.is_empty(connection)


@pytest.fixture(autouse=True)
def _backup_settings(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    yield
    # A test that failed between emptying and restoring must not leave later tests without
    # tables.
    if database.is_empty(connection):
        call_command("migrate", verbosity=0)


def _run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _refused(command: str, *args: str) -> str:
    with pytest.raises(CommandError) as refusal:
        _run(command, *args)
    return str(refusal.value)


# --- Tests ----------------------------------------------------------------------------------------


def test_everything_comes_back_from_one_archive(tmp_path: Path, settings: Any) -> None:
    person, attachment = _records()
    values, audit = _encrypted_values(), _audit_rows()
    content = _attachment_bytes(attachment)
    assert values[Person._meta.label] and values[Attachment._meta.label] and audit

    archive = tmp_path / "backup.dhb"
    out = _run("backup_create", "--output", str(archive))
    assert "1 tệp riêng" in out  # one private file, reported in Vietnamese
    assert archive.stat().st_mode & 0o777 == 0o600
    # The archive shows nothing: no name, no token, no file content.
    raw = archive.read_bytes()
    for secret in (b"Hoa Nguyen", b"079203001234", PDF[:20], b"gAAAAA", b"auth_user"):
        assert secret not in raw
    assert AuditEntry.objects.filter(event="backup.created").count() == 1

    # The machine is lost: a new, empty database and an empty file folder.
    _empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "new-private"
    out = _run("backup_restore", str(archive))
    assert "Đã khôi phục" in out

    assert _encrypted_values() == values
    restored = Person.objects.get(pk=person.pk)
    assert (restored.full_name, restored.id_number) == ("Nguyễn Thị Hoa", "079203001234")
    assert _attachment_bytes(Attachment.objects.get(pk=attachment.pk)) == content == PDF
    assert _audit_rows()[: len(audit)] == audit
    [restore_row] = AuditEntry.objects.filter(event="backup.restored")
    assert restore_row.details["files"] == 1
    # The trigger that keeps the log append-only came back with the table.
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=restore_row.pk).update(summary="rewritten")


def test_a_wrong_key_a_damaged_archive_and_missing_data_keys_are_refused(
    tmp_path: Path, settings: Any
) -> None:
    person, _attachment = _records()
    archive = tmp_path / "backup.dhb"
    _run("backup_create", "--output", str(archive))
    audit_before = _audit_rows()

    # Into a database that is not empty: refused unless forced.
    assert "không trống" in _refused("backup_restore", str(archive))

    settings.MEDIA_ROOT = tmp_path / "new-private"
    backup_key = settings.BACKUP_ENCRYPTION_KEY
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert "Khóa sao lưu không mở được" in _refused("backup_restore", str(archive), "--verify-only")
    settings.BACKUP_ENCRYPTION_KEY = ""
    assert "BACKUP_ENCRYPTION_KEY" in _refused("backup_restore", str(archive))
    settings.BACKUP_ENCRYPTION_KEY = backup_key

    data, middle = archive.read_bytes(), archive.stat().st_size // 2
    changed = data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]
    for name, broken in {"changed": changed, "cut": data[: len(data) - 100]}.items():
        path = tmp_path / f"{name}.dhb"
        path.write_bytes(broken)
        assert "bị hỏng" in _refused("backup_restore", str(path), "--verify-only")
    (tmp_path / "other.dump").write_bytes(b"PGDMP" + bytes(100))
    assert "không phải" in _refused("backup_restore", str(tmp_path / "other.dump"))

    # The data keys the archive was made with are not configured: nothing could be read.
    data_keys = list(settings.DATA_ENCRYPTION_KEYS)
    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    message = _refused("backup_restore", str(archive), "--verify-only")
    assert "DATA_ENCRYPTION_KEYS" in message
    assert data_key_fingerprints()[0] in message
    assert "--extract-data-keys" not in message  # the archive holds no keys
    settings.DATA_ENCRYPTION_KEYS = data_keys

    # Nothing was written anywhere, and the archive itself is sound.
    assert not (tmp_path / "new-private").exists()
    assert _audit_rows() == audit_before
    out = _run("backup_restore", str(archive), "--verify-only")
    assert "1 tệp riêng" in out and "khóa dữ liệu" in out
    assert Person.objects.get(pk=person.pk).full_name == "Nguyễn Thị Hoa"

    # The backup key must be a key of its own, and an archive is never overwritten.
    settings.BACKUP_ENCRYPTION_KEY = data_keys[0]
    assert "khóa dữ liệu" in _refused("backup_create", "--output", str(tmp_path / "b.dhb"))
    settings.BACKUP_ENCRYPTION_KEY = backup_key
    assert "đã có" in _refused("backup_create", "--output", str(archive))
    settings.MEDIA_ROOT = tmp_path / "private"
    inside = settings.MEDIA_ROOT / "backup.dhb"
    assert "bên ngoài" in _refused("backup_create", "--output", str(inside))

    # Forced, the archive replaces what the database and the folder hold.
    Person.objects.filter(pk=person.pk).update(full_name="Changed after the backup")
    _run("backup_restore", str(archive), "--force")
    assert Person.objects.get(pk=person.pk).full_name == "Nguyễn Thị Hoa"
    assert _attachment_bytes(Attachment.objects.get()) == PDF


def test_an_escrow_archive_gives_the_data_keys_back(tmp_path: Path, settings: Any) -> None:
    _records()
    archive = tmp_path / "escrow.dhb"
    out = _run("backup_create", "--output", str(archive), "--include-data-keys")
    assert "chứa các khóa dữ liệu" in out
    assert AuditEntry.objects.filter(event="backup.created_with_keys").exists()
    data_keys = list(settings.DATA_ENCRYPTION_KEYS)

    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert "--extract-data-keys" in _refused("backup_restore", str(archive), "--verify-only")
    keys_file = tmp_path / "data_keys"
    _run("backup_restore", str(archive), "--extract-data-keys", str(keys_file))
    assert keys_file.read_text().strip().split(",") == data_keys
    assert keys_file.stat().st_mode & 0o777 == 0o600

    # The keys are written to a new file only, never over one.
    assert "đã có" in _refused(
        "backup_restore", str(archive), "--extract-data-keys", str(keys_file)
    )

    settings.DATA_ENCRYPTION_KEYS = keys_file.read_text().strip().split(",")
    _run("backup_restore", str(archive), "--verify-only")
    _run("backup_create", "--output", str(tmp_path / "plain.dhb"))
    assert "không chứa khóa" in _refused(
        "backup_restore", str(tmp_path / "plain.dhb"), "--extract-data-keys", str(tmp_path / "k2")
    )
    assert not (tmp_path / "k2").exists()


def test_a_value_the_configured_keys_cannot_read_is_reported_after_restoring(
    tmp_path: Path, settings: Any
) -> None:
    person, _attachment = _records()
    stray = Fernet(Fernet.generate_key()).encrypt(b"written under a lost key").decode()
    # Stored as it is, like a value written before its key was removed.
    Person.objects.filter(pk=person.pk).update(other_names=Value(stray, TextField()))
    column = Person._meta.get_field("other_names").column
    archive = tmp_path / "backup.dhb"
    _run("backup_create", "--output", str(archive))
    _empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "new-private"

    message = _refused("backup_restore", str(archive))
    assert "1 trong" in message and f"{Person._meta.label}.{column}: 1" in message
    scan = database.scan_encrypted_values(
        connection, [c.as_dict() for c in database.encrypted_columns()]
    )
    assert scan.failures == {f"{Person._meta.label}.{column}": 1}
    assert scan.values > 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no database roles")
def test_the_platform_role_backs_up_and_the_owner_restores(tmp_path: Path, settings: Any) -> None:
    """pg_dump needs only the platform's privileges; the restore logs in as the owner
    (DATABASE_OWNER_URL) and gives the platform's role its privileges on the new tables."""
    person, _attachment = _records()
    values = _encrypted_values()
    owner = {key: connection.settings_dict.get(key) or "" for key in ("USER", "PASSWORD")}
    archive = tmp_path / "backup.dhb"
    with platform_login_role() as role:
        with logged_in_as(role):
            _run("backup_create", "--output", str(archive))
        _empty_the_database()
        settings.MEDIA_ROOT = tmp_path / "new-private"
        settings.DATABASE_OWNER = owner
        with logged_in_as(role):
            _run("backup_restore", str(archive))
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_user")
                assert cursor.fetchone() == (role.name,)
            assert _encrypted_values() == values
            assert inspect_role(connection).safe
            assert Person.objects.get(pk=person.pk).id_number == "079203001234"
            with pytest.raises(DatabaseError, match="permission denied"), connection.cursor() as c:
                c.execute("TRUNCATE audit_auditentry")
