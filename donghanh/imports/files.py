"""Uploaded files, kept encrypted under MEDIA_ROOT/imports until imported or expired, the way
the background jobs keep their results (donghanh/jobs/files.py)."""

from __future__ import annotations

from collections.abc import Iterator

from donghanh.jobs import files as jobs_files

FOLDER = "imports"


def save(content: bytes) -> str:
    """Store `content` encrypted; the random name it is stored under."""
    name = jobs_files.new_stored_name()
    jobs_files.write_encrypted(name, content, folder=FOLDER)
    return name


def read(name: str) -> bytes:
    return b"".join(jobs_files.read_decrypted(name, folder=FOLDER))


def exists(name: str) -> bool:
    return jobs_files.exists(name, folder=FOLDER)


def remove(name: str) -> None:
    jobs_files.remove_file(name, folder=FOLDER)


def stored() -> Iterator[tuple[str, float]]:
    """Every file kept, with the time it was written."""
    return jobs_files.stored_files(folder=FOLDER)
