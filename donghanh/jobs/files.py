"""The result files of background jobs, encrypted at rest like case attachments.

A result is written under MEDIA_ROOT/jobs (never served by URL) with a random name, as Fernet
tokens made with the data keys of `donghanh.core.crypto`: one token per chunk of at most
1 MiB, one token a line, so a large export is encrypted and decrypted piece by piece instead
of whole in memory. Only the download view gives the bytes back, to the job's owner.

Other apps keep files the same way in a folder of their own (`folder=`): the imports app keeps
the spreadsheets people upload under MEDIA_ROOT/imports until they are imported or expire.
The nightly clean-up of the jobs looks at the jobs folder only.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from cryptography.fernet import InvalidToken
from django.conf import settings

from donghanh.core.crypto import DecryptionError, data_fernet

CHUNK_BYTES = 1024 * 1024
RESULTS_FOLDER = "jobs"

# The types a result may be served as; anything else is served as plain bytes.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAFE_CONTENT_TYPES = {
    "text/csv",
    "text/plain",
    "application/json",
    "application/pdf",
    "application/zip",
    XLSX,
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"

Content = bytes | IO[bytes] | Iterable[bytes]


def safe_content_type(content_type: str) -> str:
    """The type to store and serve: one of SAFE_CONTENT_TYPES, or plain bytes."""
    base = content_type.split(";", 1)[0].strip().lower()
    return base if base in SAFE_CONTENT_TYPES else FALLBACK_CONTENT_TYPE


def served_content_type(content_type: str) -> str:
    if content_type.startswith("text/") or content_type == "application/json":
        return f"{content_type}; charset=utf-8"
    return content_type


def safe_file_name(name: str) -> str:
    """A file name without folders, control characters or leading dots, at most 200 long."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if not name:
        return "result"
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) <= 10:
            return stem[: 199 - len(extension)] + "." + extension
        return name[:200]
    return name


def results_root(folder: str = RESULTS_FOLDER) -> Path:
    if not folder or "/" in folder or "\\" in folder or folder.startswith("."):
        raise ValueError("a folder of encrypted files is one plain name")
    return Path(settings.MEDIA_ROOT) / folder


def path_of(stored_name: str, *, folder: str = RESULTS_FOLDER) -> Path:
    root = results_root(folder).resolve()
    path = (root / stored_name).resolve()
    if root not in path.parents:
        raise ValueError("a stored file's path must stay inside its folder")
    return path


def new_stored_name() -> str:
    return f"{secrets.token_hex(16)}.bin"


def _chunks(content: Content) -> Iterator[bytes]:
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        for start in range(0, len(data), CHUNK_BYTES):
            yield data[start : start + CHUNK_BYTES]
        return
    read = getattr(content, "read", None)
    if read is not None:
        while chunk := read(CHUNK_BYTES):
            yield bytes(chunk)
        return
    for piece in content:
        for start in range(0, len(piece), CHUNK_BYTES):
            yield bytes(piece[start : start + CHUNK_BYTES])


def write_encrypted(stored_name: str, content: Content, *, folder: str = RESULTS_FOLDER) -> int:
    """Encrypt `content` chunk by chunk with the newest data key; the plain size in bytes.

    Never writes over another file; a partly written file is removed.
    """
    path = path_of(stored_name, folder=folder)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fernet = data_fernet()
    size = 0
    with open(path, "xb") as out:
        try:
            os.fchmod(out.fileno(), 0o600)
            for chunk in _chunks(content):
                if not chunk:
                    continue
                out.write(fernet.encrypt(chunk))
                out.write(b"\n")
                size += len(chunk)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    return size


def read_decrypted(stored_name: str, *, folder: str = RESULTS_FOLDER) -> Iterator[bytes]:
    """The plain content, chunk by chunk."""
    fernet = data_fernet()
    with open(path_of(stored_name, folder=folder), "rb") as stored:
        for line in stored:
            token = line.strip()
            if not token:
                continue
            try:
                yield fernet.decrypt(token)
            except InvalidToken:
                raise DecryptionError(
                    "a stored file cannot be decrypted with any key in "
                    "DATA_ENCRYPTION_KEYS; was a key removed before the file expired?"
                ) from None


def exists(stored_name: str, *, folder: str = RESULTS_FOLDER) -> bool:
    return bool(stored_name) and path_of(stored_name, folder=folder).exists()


def remove_file(stored_name: str, *, folder: str = RESULTS_FOLDER) -> None:
    if stored_name:
        path_of(stored_name, folder=folder).unlink(missing_ok=True)


def stored_files(*, folder: str = RESULTS_FOLDER) -> Iterator[tuple[str, float]]:
    """Every file in the folder (the jobs' by default), with the time it was last written."""
    root = results_root(folder)
    if not root.is_dir():
        return
    for path in root.iterdir():
        if path.is_file():
            yield path.name, path.stat().st_mtime
