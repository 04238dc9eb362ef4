"""Backing up and restoring the platform: the database, the private files and what reads them.

One archive (`archive.py`) holds, in this order:

- `manifest.json`: versions, the migrations applied, the encrypted columns, fingerprints of the
  data keys and of the backup key (never a key, unless asked: see `data-keys`);
- `database`: the dump (`database.py`);
- `files/<path>`: every file under PRIVATE_MEDIA_ROOT (the encrypted attachments among them),
  byte for byte;
- `data-keys`: only when the administrator asks for an escrow archive, the data keys;
- `checksums.json`: the size and SHA-256 of every entry before it.

The archive is encrypted under BACKUP_ENCRYPTION_KEY, which must not be a data key. A restore
reads the archive twice: first to check every chunk, every checksum and that the configured data
keys decrypt every encrypted file, before anything is written; then to restore. It refuses a
database or a file folder that is not empty unless forced, and ends by decrypting every
encrypted value of the restored database. Messages are in the platform's language.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import tomllib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import django
from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donghanh.audit.services import audit_record
from donghanh.backups import database
from donghanh.backups.archive import (
    ArchiveReader,
    ArchiveWriter,
    Damaged,
    EntryInfo,
    NotAnArchive,
    WrongKey,
    key_fingerprint,
)
from donghanh.backups.events import BackupEvent
from donghanh.backups.keys import BackupError, backup_key, data_key_fingerprints
from donghanh.core.actor import Actor
from donghanh.core.crypto import data_fernet, data_keys
from donghanh.core.database_roles import (
    RoleError,
    apply_grants,
    owner_connection,
    owner_credentials,
    platform_role,
)

FORMAT = "donghanh-backup"
FORMAT_VERSION = 1
# The entries of an archive, in this order (`files/…` once per file).
MANIFEST, DATABASE, FILES = "manifest.json", "database", "files/"
DATA_KEYS, CHECKSUMS = "data-keys", "checksums.json"
# Fernet tokens begin with the version byte and a 64-bit timestamp: "gAAAAA" in base64.
FERNET_PREFIX = b"gAAAAA"
READ_SIZE = 1024 * 1024

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


# --- Creating a backup --------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: Path
    database_bytes: int
    files: int
    file_bytes: int
    includes_data_keys: bool
    backup_key_fingerprint: str
    data_key_fingerprints: list[str]


def _software_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as source:
            return str(tomllib.load(source)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def _media_root() -> Path:
    """The folder of private files (PRIVATE_MEDIA_ROOT): attachments and other uploads."""
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _file_blocks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as source:
        while block := source.read(READ_SIZE):
            yield block


def _is_token(path: Path) -> bool:
    with open(path, "rb") as source:
        return source.read(len(FERNET_PREFIX)) == FERNET_PREFIX


def backup_create(
    *,
    actor: Actor,
    output: Path,
    include_data_keys: bool = False,
    progress: Progress = _quiet,
) -> BackupSummary:
    """Write one encrypted archive of the database and the private files to `output`.

    The archive is written beside `output` under a temporary name and renamed when complete,
    so `output` is either a whole archive or absent. The database is dumped before the files
    are read: a file added meanwhile is kept, one deleted meanwhile may be missing.
    """
    key = backup_key()
    output = Path(output)
    if output.exists():
        raise BackupError(_("%(path)s already exists: choose another name.") % {"path": output})
    if not output.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": output.parent})
    if output.resolve().is_relative_to(_media_root().resolve()):
        raise BackupError(
            _(
                "Write the archive outside the folder of private files (%(path)s): it would "
                "otherwise hold copies of itself."
            )
            % {"path": _media_root()}
        )
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        dump_format = database.dump_format(connection)
    except database.DatabaseToolError as error:
        raise BackupError(str(error)) from None
    fingerprints = data_key_fingerprints()
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "software": {
            "donghanh": _software_version(),
            "django": django.get_version(),
            "python": platform.python_version(),
        },
        "database": {
            "vendor": connection.vendor,
            "server_version": database.server_version(connection),
            "format": dump_format,
            "tool": database.tool_version("pg_dump") if connection.vendor == "postgresql" else "",
        },
        "migrations": database.applied_migrations(connection),
        "encrypted_columns": [column.as_dict() for column in database.encrypted_columns()],
        "data_key_fingerprints": fingerprints,
        "backup_key_fingerprint": key_fingerprint(key),
        "includes_data_keys": include_data_keys,
    }
    partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.partial")
    entries: list[dict[str, Any]] = []
    try:
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            writer = ArchiveWriter(out, key)
            entries.append(_listed(writer.add_bytes(MANIFEST, _json(manifest))))
            progress(_("Dumping the database…"))
            try:
                dumped = writer.add(DATABASE, database.dump(connection))
            except database.DatabaseToolError as error:
                raise BackupError(
                    _("The database could not be dumped: %(error)s") % {"error": error}
                ) from None
            entries.append(_listed(dumped))
            progress(_("Copying the private files…"))
            files = file_bytes = 0
            for name, path in _media_files(_media_root()):
                token = _is_token(path)
                info = writer.add(FILES + name, _file_blocks(path))
                entries.append({**_listed(info), "encrypted": token})
                files += 1
                file_bytes += info.size
            if include_data_keys:
                keys_text = ",".join(data_keys()) + "\n"
                entries.append(_listed(writer.add_bytes(DATA_KEYS, keys_text.encode("ascii"))))
            writer.add_bytes(CHECKSUMS, _json({"entries": entries}))
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    with transaction.atomic():
        audit_record(
            event=BackupEvent.CREATED_WITH_KEYS if include_data_keys else BackupEvent.CREATED,
            actor=actor,
            organisation=None,
            details={"files": files},
        )
    return BackupSummary(
        path=output,
        database_bytes=dumped.size,
        files=files,
        file_bytes=file_bytes,
        includes_data_keys=include_data_keys,
        backup_key_fingerprint=key_fingerprint(key),
        data_key_fingerprints=fingerprints,
    )


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _listed(info: EntryInfo) -> dict[str, Any]:
    return {"name": info.name, "size": info.size, "sha256": info.sha256}


# --- Reading an archive -----------------------------------------------------------------------


@contextmanager
def _archive(path: Path, key: bytes) -> Iterator[Iterator[tuple[str, Iterator[bytes]]]]:
    """The entries of the archive at `path`; reading errors become messages for the admin."""
    try:
        source: BinaryIO = open(path, "rb")  # noqa: SIM115  (closed below)
    except FileNotFoundError:
        raise BackupError(_("%(path)s does not exist.") % {"path": path}) from None
    except OSError as error:
        raise BackupError(
            _("%(path)s cannot be read: %(error)s") % {"path": path, "error": error.strerror}
        ) from None
    try:
        yield ArchiveReader(source, key).entries()
    except NotAnArchive:
        raise BackupError(
            _(
                "%(path)s is not a backup archive of this platform, or was made by a newer "
                "version of it."
            )
            % {"path": path}
        ) from None
    except WrongKey:
        raise BackupError(
            _(
                "The backup key does not open this archive: it was encrypted with another "
                "BACKUP_ENCRYPTION_KEY (the configured key has the fingerprint %(fingerprint)s), "
                "or its beginning is damaged."
            )
            % {"fingerprint": key_fingerprint(key)}
        ) from None
    except Damaged:
        raise _damaged() from None
    finally:
        source.close()


def _damaged() -> BackupError:
    return BackupError(
        _(
            "The archive is damaged or has been changed since it was made (a part fails its "
            "authentication, is missing or is out of place). Nothing was restored from it: "
            "use another copy."
        )
    )


def _parse(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _damaged() from None


def _read_manifest(path: Path, key: bytes) -> dict[str, Any]:
    """The archive's manifest, read from its first entry alone."""
    with _archive(path, key) as entries:
        for name, blocks in entries:
            if name != MANIFEST:
                raise _damaged()
            manifest = _parse(b"".join(blocks))
            break
        else:
            raise _damaged()
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("format_version") != FORMAT_VERSION
    ):
        raise BackupError(
            _(
                "%(path)s is not a backup archive of this platform, or was made by a newer "
                "version of it."
            )
            % {"path": path}
        )
    return manifest


def _file_name(entry: str) -> PurePosixPath:
    """The path under the file folder an entry restores to; never outside it."""
    relative = PurePosixPath(entry[len(FILES) :])
    if (
        not relative.parts
        or relative.is_absolute()
        or any(part in ("", ".", "..") or "\\" in part for part in relative.parts)
    ):
        raise _damaged()
    return relative


@dataclass
class ArchiveContents:
    """What the first reading of an archive found."""

    checksums: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: int = 0
    encrypted_files: int = 0
    undecryptable_files: list[str] = field(default_factory=list)
    data_keys: str = ""

    @property
    def database_bytes(self) -> int:
        return int(self.checksums.get(DATABASE, {}).get("size", 0))


def _verify(path: Path, key: bytes, *, check_keys: bool, progress: Progress) -> ArchiveContents:
    """Read the whole archive once: authenticate every chunk, compare every checksum, and (with
    `check_keys`) decrypt every encrypted file with the configured data keys. Writes nothing."""
    progress(_("Checking the archive…"))
    contents = ArchiveContents()
    computed: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    fernet = data_fernet()
    with _archive(path, key) as entries:
        for name, blocks in entries:
            if name in computed:
                raise _damaged()
            if name.startswith(FILES):
                _file_name(name)
            order.append(name)
            digest, size, kept = hashlib.sha256(), 0, bytearray()
            keep = name in (MANIFEST, CHECKSUMS, DATA_KEYS)
            for index, block in enumerate(blocks):
                if index == 0 and name.startswith(FILES):
                    keep = block.startswith(FERNET_PREFIX)
                digest.update(block)
                size += len(block)
                if keep:
                    kept += block
            computed[name] = {"size": size, "sha256": digest.hexdigest()}
            if name == CHECKSUMS:
                listed = _parse(bytes(kept))
                try:
                    contents.checksums = {entry["name"]: entry for entry in listed["entries"]}
                except (KeyError, TypeError):
                    raise _damaged() from None
            elif name == DATA_KEYS:
                contents.data_keys = bytes(kept).decode("ascii", "replace").strip()
            elif name.startswith(FILES):
                contents.files += 1
                if keep:
                    contents.encrypted_files += 1
                    if check_keys and not _decrypts(fernet, bytes(kept)):
                        contents.undecryptable_files.append(name[len(FILES) :])
    if not order or order[0] != MANIFEST or order[-1] != CHECKSUMS or DATABASE not in order:
        raise _damaged()
    del computed[CHECKSUMS]
    listed_sums = {
        name: {"size": entry.get("size"), "sha256": entry.get("sha256")}
        for name, entry in contents.checksums.items()
    }
    if listed_sums != computed:
        raise BackupError(
            _(
                "The archive's checksums do not match its content: it was not written whole. "
                "Nothing was restored from it: use another copy."
            )
        )
    if contents.undecryptable_files:
        raise BackupError(
            _(
                "%(count)d encrypted files of the archive cannot be decrypted with the "
                "configured DATA_ENCRYPTION_KEYS (for example %(name)s). Configure the keys "
                "they were encrypted with."
            )
            % {"count": len(contents.undecryptable_files), "name": contents.undecryptable_files[0]}
        )
    return contents


def _decrypts(fernet: Any, token: bytes) -> bool:
    try:
        fernet.decrypt(token)
    except InvalidToken:
        return False
    return True


# --- Restoring ---------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    manifest: dict[str, Any]
    contents: ArchiveContents
    restored: bool = False
    values_checked: int = 0
    data_keys_file: Path | None = None


def _check_data_keys(manifest: dict[str, Any]) -> None:
    configured = data_key_fingerprints()
    missing = [fp for fp in manifest.get("data_key_fingerprints", []) if fp not in configured]
    if not missing:
        return
    message = _(
        "The configured DATA_ENCRYPTION_KEYS lack keys this archive's data was encrypted with "
        "(fingerprints %(missing)s; the configured keys have %(configured)s). Without them the "
        "encrypted data (people's identities, attachments) cannot be read. Configure those keys "
        "before restoring."
    ) % {"missing": ", ".join(missing), "configured": ", ".join(configured)}
    if manifest.get("includes_data_keys"):
        message += " " + _(
            "This archive holds the data keys in escrow: write them to a file with "
            "--extract-data-keys FILE."
        )
    raise BackupError(message)


def _check_target(connection: Any, manifest: dict[str, Any], *, force: bool) -> None:
    vendor = manifest.get("database", {}).get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            _(
                "This archive holds a %(archive)s database; it cannot be restored into the "
                "configured %(target)s database."
            )
            % {"archive": vendor, "target": connection.vendor}
        )
    if not force and not database.is_empty(connection):
        raise BackupError(
            _(
                "The database is not empty. Restore into a new, empty database (created, not "
                "migrated), or add --force to replace what it holds."
            )
        )
    root = _media_root()
    if not force and any(True for _file in _media_files(root)):
        raise BackupError(
            _(
                "The folder of private files %(path)s is not empty. Restore into an empty "
                "folder (PRIVATE_MEDIA_ROOT), or add --force to overwrite its files."
            )
            % {"path": root}
        )


def _hashing(blocks: Iterable[bytes], digest: Any, size: list[int]) -> Iterator[bytes]:
    for block in blocks:
        digest.update(block)
        size[0] += len(block)
        yield block


def _write_file(root: Path, relative: PurePosixPath, blocks: Iterable[bytes]) -> None:
    target = root.joinpath(*relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.restoring")
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            for block in blocks:
                out.write(block)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _restore_entries(
    path: Path,
    key: bytes,
    connection: Any,
    contents: ArchiveContents,
    *,
    replace: bool,
    progress: Progress,
) -> None:
    root = _media_root()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _archive(path, key) as entries:
        for name, blocks in entries:
            digest, size = hashlib.sha256(), [0]
            hashed = _hashing(blocks, digest, size)
            if name == DATABASE:
                progress(_("Restoring the database…"))
                try:
                    database.restore(connection, hashed, replace=replace)
                except database.DatabaseToolError as error:
                    raise BackupError(
                        _("The database could not be restored: %(error)s") % {"error": error}
                    ) from None
                progress(_("Restoring the private files…"))
            elif name.startswith(FILES):
                _write_file(root, _file_name(name), hashed)
            else:
                for _block in hashed:
                    pass
            expected = contents.checksums.get(name)
            if name != CHECKSUMS and (
                expected is None
                or expected.get("size") != size[0]
                or expected.get("sha256") != digest.hexdigest()
            ):
                raise BackupError(
                    _(
                        "The archive changed while it was being restored: restore again from a "
                        "copy nobody is writing to."
                    )
                )


def backup_restore(
    *,
    actor: Actor,
    archive: Path,
    force: bool = False,
    verify_only: bool = False,
    extract_data_keys_to: Path | None = None,
    progress: Progress = _quiet,
) -> RestoreSummary:
    """Check an archive and restore it into the (empty) database and file folder.

    `verify_only` stops after checking the archive and that the configured data keys read it;
    `extract_data_keys_to` writes the escrowed data keys of the archive to a new file instead.
    """
    key = backup_key()
    archive = Path(archive)
    manifest = _read_manifest(archive, key)
    extracting = extract_data_keys_to is not None
    if extracting and not manifest.get("includes_data_keys"):
        raise BackupError(
            _("This archive holds no data keys: it was made without --include-data-keys.")
        )
    if not extracting:
        _check_data_keys(manifest)
    unknown = database.unknown_migrations(manifest.get("migrations", {}))
    if unknown and not (force or verify_only or extracting):
        raise BackupError(
            _(
                "The archive was made by another version of the platform (%(version)s): this "
                "version does not have its migrations %(migrations)s. Install the version that "
                "made it, or add --force."
            )
            % {
                "version": manifest.get("software", {}).get("donghanh") or "?",
                "migrations": ", ".join(unknown[:5]),
            }
        )
    if verify_only or extracting:
        contents = _verify(archive, key, check_keys=not extracting, progress=progress)
        summary = RestoreSummary(manifest=manifest, contents=contents)
        if extract_data_keys_to is not None:
            _write_keys(Path(extract_data_keys_to), contents.data_keys)
            summary.data_keys_file = Path(extract_data_keys_to)
        return summary

    role = platform_role()
    with owner_connection() as connection:
        _check_target(connection, manifest, force=force)
        contents = _verify(archive, key, check_keys=True, progress=progress)
        replace = not database.is_empty(connection)
        _restore_entries(archive, key, connection, contents, replace=replace, progress=progress)
        progress(_("Decrypting every encrypted value of the restored database…"))
        scan = database.scan_encrypted_values(connection, manifest.get("encrypted_columns", []))
        if owner_credentials() is not None and connection.vendor == "postgresql":
            try:
                apply_grants(connection, role)
            except RoleError as error:
                raise BackupError(str(error)) from None
    with transaction.atomic():
        audit_record(
            event=BackupEvent.RESTORED,
            actor=actor,
            organisation=None,
            details={"created": str(manifest.get("created_at", ""))[:10], "files": contents.files},
        )
    if scan.failed:
        raise BackupError(
            _(
                "The archive was restored, but %(failed)d of %(values)d encrypted values cannot "
                "be decrypted with the configured DATA_ENCRYPTION_KEYS (%(where)s). Add the "
                "missing keys; do not let anyone work on this database until every value reads."
            )
            % {
                "failed": scan.failed,
                "values": scan.values,
                "where": ", ".join(f"{name}: {count}" for name, count in scan.failures.items()),
            }
        )
    return RestoreSummary(
        manifest=manifest, contents=contents, restored=True, values_checked=scan.values
    )


def _write_keys(path: Path, keys: str) -> None:
    if not keys:
        raise _damaged()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(
            _("%(path)s already exists: choose another name.") % {"path": path}
        ) from None
    with open(descriptor, "w", encoding="ascii") as out:
        out.write(keys + "\n")
