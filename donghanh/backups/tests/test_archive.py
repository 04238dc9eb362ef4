"""The archive format: entries stream through AES-GCM chunks that cannot be changed, dropped,
reordered or cut short without the reader noticing; a wrong key is told apart."""

from __future__ import annotations

import hashlib
import io
import os
import struct

import pytest
from cryptography.fernet import Fernet

from donghanh.backups import archive
from donghanh.backups.archive import (
    CHUNK_SIZE,
    HEADER_BYTES,
    ArchiveReader,
    ArchiveWriter,
    Damaged,
    NotAnArchive,
    WrongKey,
    decode_key,
    key_fingerprint,
)

KEY = os.urandom(32)
BIG = os.urandom(CHUNK_SIZE * 2 + 12345)


def _written(key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    writer = ArchiveWriter(out, key)
    writer.add_bytes("manifest.json", b'{"a": 1}')
    writer.add("database", [BIG[:1000], BIG[1000:]])
    writer.add_bytes("empty", b"")
    writer.add_bytes("files/1/t\u00ean.bin", b"gAAAAA token")
    writer.close()
    return out.getvalue()


def _read(data: bytes, key: bytes = KEY) -> dict[str, bytes]:
    return {
        name: b"".join(blocks) for name, blocks in ArchiveReader(io.BytesIO(data), key).entries()
    }


def _chunks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each chunk record after the header."""
    spans, position = [], HEADER_BYTES
    while position < len(data):
        (word,) = struct.unpack(">I", data[position : position + 4])
        end = position + 4 + (word & 0x7FFF_FFFF)
        spans.append((position, end))
        position = end
    return spans


def test_entries_come_back_whole_and_in_order():
    data = _written()
    assert list(_read(data)) == ["manifest.json", "database", "empty", "files/1/t\u00ean.bin"]
    assert _read(data)["database"] == BIG
    assert _read(data)["empty"] == b""
    assert len(_chunks(data)) == 3  # two full chunks and the last one


def test_nothing_readable_is_in_the_file():
    data = _written()
    assert b"manifest" not in data
    assert BIG[:64] not in data
    assert b"gAAAAA token" not in data


def test_the_same_content_encrypts_differently_each_time():
    assert _written()[HEADER_BYTES:][:64] != _written()[HEADER_BYTES:][:64]


def test_an_entry_reports_its_size_and_hash():
    writer = ArchiveWriter(io.BytesIO(), KEY)
    info = writer.add("x", [b"ab", b"c"])
    assert (info.size, info.sha256) == (3, hashlib.sha256(b"abc").hexdigest())


def test_a_wrong_key_is_told_apart():
    with pytest.raises(WrongKey):
        _read(_written(), key=os.urandom(32))


def test_another_file_is_not_an_archive():
    with pytest.raises(NotAnArchive):
        _read(b"PGDMP\x01\x0e\x00" + os.urandom(200))
    with pytest.raises(NotAnArchive):
        _read(b"")


@pytest.mark.parametrize("where", ["first", "middle", "last", "length"])
def test_a_changed_byte_is_found(where):
    data = bytearray(_written())
    spans = _chunks(bytes(data))
    start, end = {"first": spans[0], "middle": spans[1], "last": spans[-1]}.get(where, spans[1])
    position = start + 1 if where == "length" else (start + end) // 2
    data[position] ^= 0x01
    with pytest.raises(Damaged):
        _read(bytes(data))


def test_a_changed_header_is_found():
    data = bytearray(_written())
    data[HEADER_BYTES - 1] ^= 0x01  # the key check: looks like another key
    with pytest.raises(WrongKey):
        _read(bytes(data))
    data = bytearray(_written())
    data[20] ^= 0x01  # the salt
    with pytest.raises((WrongKey, Damaged)):
        _read(bytes(data))


def test_cut_short_dropped_swapped_or_extended_archives_are_refused():
    data = _written()
    spans = _chunks(data)
    (a0, a1), (b0, b1), (c0, c1) = spans
    cut_at_a_chunk = data[:b1]
    cut_inside = data[: len(data) - 10]
    dropped = data[:a1] + data[b1:]
    swapped = data[:a0] + data[b0:b1] + data[a0:a1] + data[c0:]
    extended = data + b"\x00"
    last_first = data[:a0] + data[c0:c1]
    for broken in (cut_at_a_chunk, cut_inside, dropped, swapped, extended, last_first):
        with pytest.raises(Damaged):
            _read(broken)


def test_a_chunk_cannot_move_to_another_archive():
    one, other = _written(), _written()
    mixed = one[: _chunks(one)[1][0]] + other[_chunks(other)[1][0] :]
    with pytest.raises(Damaged):
        _read(mixed)


def test_backup_keys_are_32_bytes_of_url_safe_base64():
    key = Fernet.generate_key().decode()
    assert len(decode_key(key)) == 32
    for bad in ("", "not a key", "c2hvcnQ=", key[:-4]):
        with pytest.raises(ValueError):
            decode_key(bad)


def test_fingerprints_name_keys_without_showing_them():
    key = os.urandom(32)
    assert key_fingerprint(key) == key_fingerprint(key) != key_fingerprint(os.urandom(32))
    assert len(key_fingerprint(key)) == 16
    assert key.hex()[:16] != key_fingerprint(key)
    assert archive.VERSION == 1
