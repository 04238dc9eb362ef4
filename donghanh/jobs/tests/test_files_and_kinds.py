"""Result files (chunked encryption, safe names and types) and the registry of job kinds."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet

from donghanh.core.crypto import DecryptionError
from donghanh.jobs import files
from donghanh.jobs.registry import (
    UnknownJobKindError,
    get_kind,
    job_kind,
    kind_label,
    nightly_kinds,
    unregister,
)


def test_a_large_file_is_encrypted_and_read_back_chunk_by_chunk(media_root, monkeypatch):
    monkeypatch.setattr(files, "CHUNK_BYTES", 10)
    content = bytes(range(256)) * 3
    name = files.new_stored_name()

    assert files.write_encrypted(name, io.BytesIO(content)) == len(content)

    stored = files.path_of(name).read_bytes()
    assert content[:10] not in stored
    assert stored.count(b"\n") == -(-len(content) // 10)
    assert b"".join(files.read_decrypted(name)) == content
    # Bytes and an iterable of pieces give the same content.
    for source in (content, [content[:5], content[5:300], content[300:]]):
        other = files.new_stored_name()
        files.write_encrypted(other, source)
        assert b"".join(files.read_decrypted(other)) == content


def test_a_file_is_never_written_over(media_root):
    name = files.new_stored_name()
    files.write_encrypted(name, b"first")
    with pytest.raises(FileExistsError):
        files.write_encrypted(name, b"second")
    assert b"".join(files.read_decrypted(name)) == b"first"


def test_a_failed_write_leaves_no_file(media_root):
    def broken():
        yield b"some"
        raise OSError("disk full")

    name = files.new_stored_name()
    with pytest.raises(OSError, match="disk full"):
        files.write_encrypted(name, broken())
    assert not files.exists(name)


def test_a_file_under_a_removed_key_is_an_error_not_garbage(media_root, settings):
    name = files.new_stored_name()
    files.write_encrypted(name, b"secret")
    settings.DATA_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError):
        b"".join(files.read_decrypted(name))


def test_paths_stay_inside_the_jobs_folder(media_root):
    with pytest.raises(ValueError, match="inside"):
        files.path_of("../casefiles/x.bin")


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("text/csv", "text/csv"),
        ("TEXT/CSV; charset=latin-1", "text/csv"),
        (files.XLSX, files.XLSX),
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("", "application/octet-stream"),
    ],
)
def test_only_safe_content_types_are_kept(given, safe):
    assert files.safe_content_type(given) == safe


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("báo cáo.xlsx", "báo cáo.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\list.csv", "list.csv"),
        (".hidden", "hidden"),
        ("bad\x00name\n.csv", "badname.csv"),
        ("", "result"),
        ("a" * 300 + ".xlsx", "a" * 195 + ".xlsx"),
    ],
)
def test_file_names_are_made_safe(given, safe):
    assert files.safe_file_name(given) == safe


def test_a_kind_is_registered_under_one_name():
    def first(ctx):
        return None

    def second(ctx):
        return None

    job_kind("tests.once", label="Once")(first)
    try:
        assert get_kind("tests.once").run is first
        assert kind_label("tests.once") == "Once"
        job_kind("tests.once", label="Once")(first)  # the same callable again: harmless
        with pytest.raises(ValueError, match="two job kinds"):
            job_kind("tests.once", label="Twice")(second)
    finally:
        unregister("tests.once")
    with pytest.raises(UnknownJobKindError):
        get_kind("tests.once")
    assert kind_label("tests.once") == "tests.once"


@pytest.mark.parametrize("name", ["", "nodot", "x." + "y" * 100])
def test_a_kind_needs_an_app_and_a_name(name):
    with pytest.raises(ValueError, match=r"app\.what"):
        job_kind(name, label="x")


def test_the_result_clean_up_is_a_registered_nightly_kind():
    assert "jobs.purge_expired_results" in [kind.name for kind in nightly_kinds()]
