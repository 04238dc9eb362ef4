"""The backup archive: named entries in one stream, encrypted and authenticated in chunks.

Layout of the file:

    header   = b"DHBACKUP" | version (1 byte) | salt (32 bytes) | key check (32 bytes)
    chunk    = length (4 bytes, big-endian; the top bit marks the last chunk) | ciphertext

Each chunk holds up to `CHUNK_SIZE` bytes of the plain stream, encrypted with AES-256-GCM under
a key derived (HKDF-SHA256) from the backup key and the archive's random salt, so no two
archives share a key and nonces never repeat. The nonce is the chunk's number and whether it is
the last one, and the header is authenticated with every chunk: chunks cannot be changed,
dropped, reordered or moved to another archive, and an archive cut short has no last chunk.
The key check (derived from the same key) tells a wrong key from a damaged archive.

The plain stream is a sequence of entries, then an end mark:

    entry    = b"E" | name length (2 bytes) | name (UTF-8) | block* | 0 (4 bytes)
    block    = length (4 bytes) | data
    end      = b"Z"

Writing and reading both stream: neither needs the whole archive, nor a whole entry, in memory.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"DHBACKUP"
VERSION = 1
SALT_BYTES = 32
KEY_CHECK_BYTES = 32
HEADER_BYTES = len(MAGIC) + 1 + SALT_BYTES + KEY_CHECK_BYTES
CHUNK_SIZE = 1024 * 1024
TAG_BYTES = 16
_LAST = 0x8000_0000
_ENTRY, _END = b"E", b"Z"


class ArchiveError(Exception):
    """The file cannot be read as a backup archive."""


class NotAnArchive(ArchiveError):  # noqa: N818  (named for what the file is)
    """The file is not a backup archive of this platform (or of a newer format)."""


class WrongKey(ArchiveError):  # noqa: N818
    """The archive was encrypted with another backup key."""


class Damaged(ArchiveError):  # noqa: N818
    """The archive was changed, cut short or corrupted after it was written."""


def decode_key(text: str) -> bytes:
    """A backup key from its text form: 32 bytes in URL-safe base64 (as Fernet keys are)."""
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ValueError("not URL-safe base64") from None
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return raw


def key_fingerprint(key: bytes) -> str:
    """A short, one-way name for a key, to tell keys apart without showing them."""
    return hashlib.sha256(b"donghanh key fingerprint v1\x00" + key).hexdigest()[:16]


def _derive(key: bytes, salt: bytes, purpose: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"donghanh backup v1 " + purpose
    ).derive(key)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


@dataclass(frozen=True)
class EntryInfo:
    name: str
    size: int
    sha256: str


class ArchiveWriter:
    """Writes entries into `out`, encrypting as it goes; `close()` seals the archive."""

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        salt = os.urandom(SALT_BYTES)
        self._aead = AESGCM(_derive(key, salt, b"encryption"))
        self._header = MAGIC + bytes([VERSION]) + salt + _derive(key, salt, b"key check")
        self._out = out
        self._out.write(self._header)
        self._pending = bytearray()
        self._counter = 0
        self._closed = False

    def _write_plain(self, data: bytes) -> None:
        self._pending += data
        while len(self._pending) > CHUNK_SIZE:
            self._seal(bytes(self._pending[:CHUNK_SIZE]), last=False)
            del self._pending[:CHUNK_SIZE]

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), plain, self._header)
        self._out.write(struct.pack(">I", len(sealed) | (_LAST if last else 0)) + sealed)
        self._counter += 1

    def add(self, name: str, blocks: Iterable[bytes]) -> EntryInfo:
        """Add an entry whose content comes in `blocks` (any sizes); returns its size and hash."""
        if self._closed:
            raise ValueError("the archive is closed")
        encoded = name.encode("utf-8")
        self._write_plain(_ENTRY + struct.pack(">H", len(encoded)) + encoded)
        digest, size = hashlib.sha256(), 0
        for block in blocks:
            for start in range(0, len(block), CHUNK_SIZE):
                part = block[start : start + CHUNK_SIZE]
                self._write_plain(struct.pack(">I", len(part)) + part)
                digest.update(part)
                size += len(part)
        self._write_plain(struct.pack(">I", 0))
        return EntryInfo(name=name, size=size, sha256=digest.hexdigest())

    def add_bytes(self, name: str, data: bytes) -> EntryInfo:
        return self.add(name, [data] if data else [])

    def close(self) -> None:
        if self._closed:
            return
        self._write_plain(_END)
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        self._closed = True


class _PlainStream:
    """The decrypted stream of an archive, read on demand."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        header = source.read(HEADER_BYTES)
        if len(header) < len(MAGIC) + 1 or header[: len(MAGIC)] != MAGIC:
            raise NotAnArchive("not a backup archive")
        if header[len(MAGIC)] != VERSION:
            raise NotAnArchive(f"archive format {header[len(MAGIC)]} is not known")
        if len(header) < HEADER_BYTES:
            raise Damaged("the header is cut short")
        salt = header[len(MAGIC) + 1 : len(MAGIC) + 1 + SALT_BYTES]
        if not hmac.compare_digest(header[-KEY_CHECK_BYTES:], _derive(key, salt, b"key check")):
            raise WrongKey("the archive was encrypted with another key")
        self._aead = AESGCM(_derive(key, salt, b"encryption"))
        self._header = header
        self._source = source
        self._buffer = bytearray()
        self._counter = 0
        self._finished = False

    def _next_chunk(self) -> None:
        if self._finished:
            raise Damaged("the archive ends inside an entry")
        prefix = self._source.read(4)
        if len(prefix) < 4:
            raise Damaged("the archive is cut short")
        (word,) = struct.unpack(">I", prefix)
        last, length = bool(word & _LAST), word & ~_LAST
        if length > CHUNK_SIZE + TAG_BYTES:
            raise Damaged("a chunk is longer than any chunk written")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise Damaged("the archive is cut short")
        try:
            plain = self._aead.decrypt(_nonce(self._counter, last), sealed, self._header)
        except InvalidTag:
            raise Damaged("a chunk fails its authentication") from None
        self._counter += 1
        self._buffer += plain
        if last:
            self._finished = True
            if self._source.read(1):
                raise Damaged("data follows the last chunk")

    def read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._next_chunk()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def at_end(self) -> bool:
        return self._finished and not self._buffer


class ArchiveReader:
    """Reads an archive's entries in order: `for name, blocks in reader.entries(): …`.

    Every chunk is authenticated before any of its bytes is handed out; an entry's blocks must
    be consumed (or are skipped) before the next entry is read.
    """

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self._stream = _PlainStream(source, key)

    def entries(self) -> Iterator[tuple[str, Iterator[bytes]]]:
        stream = self._stream
        while True:
            mark = stream.read_exact(1)
            if mark == _END:
                if not stream.at_end():
                    raise Damaged("data follows the end of the archive")
                return
            if mark != _ENTRY:
                raise Damaged("an entry is malformed")
            (length,) = struct.unpack(">H", stream.read_exact(2))
            try:
                name = stream.read_exact(length).decode("utf-8")
            except UnicodeDecodeError:
                raise Damaged("an entry name is malformed") from None
            blocks = self._blocks()
            yield name, blocks
            for _skipped in blocks:
                pass

    def _blocks(self) -> Iterator[bytes]:
        while True:
            (length,) = struct.unpack(">I", self._stream.read_exact(4))
            if length == 0:
                return
            if length > CHUNK_SIZE:
                raise Damaged("a block is longer than any block written")
            yield self._stream.read_exact(length)
