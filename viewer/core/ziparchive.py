"""Zip archives read as a stream: the central directory one entry at a time, members decompressed with
bounded memory, nothing extracted to disk.

`zipfile.ZipFile` reads every central-directory entry into a list before anything can be checked (2.3
million entries: 35 s and 1 GB before a refusal) and trusts the sizes headers declare. Here the entry
count is read from the end record first, overlapping members (a 205 KB archive that expands to 200 MiB)
are found from their offsets before any is read, and every member is decompressed with a hard limit on
the bytes it may produce, whatever its header claims.
"""

from __future__ import annotations

import bz2
import itertools
import lzma
import struct
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

_EOCD = b"PK\x05\x06"
_EOCD64 = b"PK\x06\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_EOCD_SIZE = 22
_MAX_COMMENT = 65_535
_CHUNK = 1 << 16
METHODS = {0: "stored", 8: "deflate", 12: "bzip2", 14: "lzma"}


class ZipError(Exception):
    """The archive (or one member) cannot be read; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One member as the central directory describes it."""

    name: str
    method: int
    flags: int
    crc: int
    compressed: int
    size: int
    offset: int

    @property
    def is_dir(self) -> bool:
        return self.name.endswith(("/", "\\"))

    @property
    def encrypted(self) -> bool:
        return bool(self.flags & 1)


@dataclass(frozen=True)
class Directory:
    """Where the central directory is, and how many entries it says it has."""

    count: int
    offset: int
    size: int


def is_zip(handle: BinaryIO) -> bool:
    handle.seek(0)
    return handle.read(4) in (_LOCAL, _EOCD)


def directory(handle: BinaryIO) -> Directory:
    """Read the end record (zip64 too): the entry count is known before any entry is read."""
    handle.seek(0, 2)
    length = handle.tell()
    if length < _EOCD_SIZE:
        raise ZipError("not a readable zip archive (too short)")
    tail_start = max(0, length - _EOCD_SIZE - _MAX_COMMENT)
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(_EOCD)
    if at < 0:
        raise ZipError("not a readable zip archive (no end-of-archive record; truncated?)")
    fields = struct.unpack("<4s4H2LH", tail[at : at + _EOCD_SIZE])
    count, size, offset = fields[4], fields[5], fields[6]
    eocd_pos = tail_start + at
    if count == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        handle.seek(max(0, eocd_pos - 20))
        locator = handle.read(20)
        if locator[:4] == _EOCD64_LOCATOR:
            (position,) = struct.unpack("<Q", locator[8:16])
            handle.seek(position)
            record = handle.read(56)
            if record[:4] == _EOCD64 and len(record) == 56:
                count, size, offset = struct.unpack("<QQQ", record[32:56])
    if offset + size > eocd_pos or offset > length:
        raise ZipError("not a readable zip archive (its directory points outside the file)")
    return Directory(count, offset, size)


def entries(handle: BinaryIO, where: Directory, limit: int) -> Iterator[Entry]:
    """The central directory's entries, read one at a time (never all held at once).

    Stops with ZipError after `limit` entries, so a directory that lies about its count is still bounded.
    """
    handle.seek(where.offset)
    for number in range(min(where.count, limit + 1)):
        if number >= limit:
            raise ZipError(f"zip archive has more than {limit:,} members")
        fixed = handle.read(46)
        if len(fixed) < 46 or fixed[:4] != _CENTRAL:
            raise ZipError(f"not a readable zip archive (directory entry {number + 1} is damaged)")
        (_, _, _, flags, method, _, _, crc, compressed, size, name_len, extra_len, comment_len, _, _, _,
         offset) = struct.unpack("<4s6H3L5HLL", fixed)  # fmt: skip
        raw_name = handle.read(name_len)
        extra = handle.read(extra_len)
        handle.seek(comment_len, 1)
        if 0xFFFFFFFF in (compressed, size, offset):
            size, compressed, offset = _zip64(extra, size, compressed, offset)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        yield Entry(name, method, flags, crc, compressed, size, offset)


def _zip64(extra: bytes, size: int, compressed: int, offset: int) -> tuple[int, int, int]:
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack("<HH", extra[at : at + 4])
        body = extra[at + 4 : at + 4 + length]
        if tag == 1:
            values = list(struct.unpack(f"<{len(body) // 8}Q", body[: len(body) // 8 * 8]))
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
            break
        at += 4 + length
    return size, compressed, offset


def overlaps(handle: BinaryIO, where: Directory, limit: int) -> bool:
    """Whether any two members share bytes (the overlapping-member zip bomb), from their offsets alone.

    Two arrays of integers, 16 bytes per member: bounded however many members there are.
    """
    starts, ends = array("q"), array("q")
    for entry in entries(handle, where, limit):
        starts.append(entry.offset)
        # A local header is 30 bytes plus the name; its extra field may differ from the central one.
        ends.append(entry.offset + 30 + len(entry.name.encode("utf-8", "replace")) + entry.compressed)
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return any(ends[a] > starts[b] for a, b in itertools.pairwise(order))


def read_member(handle: BinaryIO, entry: Entry, max_bytes: int) -> bytes:
    """The member's bytes, at most `max_bytes` of them (ZipError past that, whatever the header said)."""
    if entry.encrypted:
        raise ZipError("encrypted, cannot be opened")
    if entry.method not in METHODS:
        raise ZipError(f"compressed with a method the viewer does not read (method {entry.method})")
    if entry.size > max_bytes:
        raise ZipError(f"too large to open ({entry.size // 2**20} MiB)")
    handle.seek(entry.offset)
    local = handle.read(30)
    if len(local) < 30 or local[:4] != _LOCAL:
        raise ZipError("damaged (no member header where the directory says)")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    handle.seek(name_len + extra_len, 1)
    out = bytearray()
    crc = 0
    remaining = entry.compressed
    decompress = _decompressor(entry.method)
    try:
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                raise ZipError("damaged (the archive ends inside this member)")
            remaining -= len(chunk)
            data = decompress(chunk, max_bytes + 1 - len(out))
            out += data
            crc = zlib.crc32(data, crc)
            if len(out) > max_bytes:
                raise ZipError(f"expands to more than {max_bytes // 2**20} MiB, more than its header says")
    except (zlib.error, lzma.LZMAError, OSError, EOFError, ValueError) as exc:
        raise ZipError(f"damaged compressed data ({exc})") from None
    except MemoryError:  # a damaged LZMA header can ask for a huge dictionary
        raise ZipError("damaged compressed data") from None
    if crc != entry.crc or len(out) != entry.size:
        raise ZipError("damaged (its checksum or size does not match)")
    return bytes(out)


class _Decompress:
    """One streaming decompressor with an output cap per call (so a bomb never fills memory)."""

    def __init__(self, method: int) -> None:
        self.method = method
        self.lzma_header = b""
        self.engine: zlib._Decompress | bz2.BZ2Decompressor | lzma.LZMADecompressor | None = None
        if method == 8:
            self.engine = zlib.decompressobj(-15)
        elif method == 12:
            self.engine = bz2.BZ2Decompressor()

    def __call__(self, chunk: bytes, room: int) -> bytes:
        if self.method == 0:
            return chunk
        if self.method == 14:
            return self._lzma(chunk, room)
        engine = self.engine
        if isinstance(engine, bz2.BZ2Decompressor):
            return engine.decompress(chunk, max_length=room)
        assert engine is not None
        return engine.decompress(chunk, room)

    def _lzma(self, chunk: bytes, room: int) -> bytes:
        if self.engine is None:
            # Zip's LZMA: 2 bytes of version, 2 of properties size, then the properties (LZMA1 filter).
            self.lzma_header += chunk
            if len(self.lzma_header) < 4:
                return b""
            (props_size,) = struct.unpack("<H", self.lzma_header[2:4])
            if len(self.lzma_header) < 4 + props_size:
                return b""
            props = self.lzma_header[4 : 4 + props_size]
            filters = [lzma._decode_filter_properties(lzma.FILTER_LZMA1, props)]  # type: ignore[attr-defined]
            self.engine = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=filters)
            chunk, self.lzma_header = self.lzma_header[4 + props_size :], b""
        assert isinstance(self.engine, lzma.LZMADecompressor)
        return self.engine.decompress(chunk, max_length=room)


def _decompressor(method: int) -> _Decompress:
    return _Decompress(method)
