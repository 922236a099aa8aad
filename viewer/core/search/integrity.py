"""Checksums of the committed segment files: damage is found on open, not as a crash mid-search.

Every tantivy file ends with a footer holding the CRC-32 of what precedes it. Segment files never change
once committed, so each is checked once (right after the run that wrote it, or on the next open) and
remembered by name, size and modification time; a file written over later has a new time and is checked again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import zlib
from pathlib import Path

MAGIC = 1337
CHUNK = 4 * 2**20
SUFFIXES = (".idx", ".term", ".pos", ".store", ".fast", ".fieldnorm")


class SegmentDamaged(Exception):
    """A committed file is missing, or its content does not match its checksum."""


def committed_files(data: Path) -> list[Path]:
    """The files meta.json's segments are made of (their deletion bitsets included)."""
    meta = json.loads((data / "meta.json").read_bytes())
    found = []
    for segment in meta["segments"]:
        stem = str(segment["segment_id"]).replace("-", "")
        found += [data / f"{stem}{suffix}" for suffix in SUFFIXES]
        deletes = segment.get("deletes")
        if deletes:
            found.append(data / f"{stem}.{deletes['opstamp']}.del")
    return found


def verify(data: Path, db: sqlite3.Connection) -> int:
    """Check every committed file not checked before; returns how many were read. Raises SegmentDamaged."""
    db.execute("CREATE TABLE IF NOT EXISTS verified (name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER)")
    known = {name: (size, mtime) for name, size, mtime in db.execute("SELECT name, size, mtime_ns FROM verified")}
    checked: list[tuple[str, int, int]] = []
    files = committed_files(data)
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            raise SegmentDamaged(f"segment file {path.name} is missing") from None
        if known.get(path.name) == (info.st_size, info.st_mtime_ns):
            continue
        if not _crc_matches(path, info.st_size):
            raise SegmentDamaged(f"segment file {path.name} does not match its checksum")
        checked.append((path.name, info.st_size, info.st_mtime_ns))
    names = {p.name for p in files}
    gone = [(n,) for n in known if n not in names]
    if checked or gone:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT OR REPLACE INTO verified (name, size, mtime_ns) VALUES (?, ?, ?)", checked)
        db.executemany("DELETE FROM verified WHERE name = ?", gone)
        db.execute("COMMIT")
    return len(checked)


def _crc_matches(path: Path, size: int) -> bool:
    try:
        with open(path, "rb") as handle:
            if size < 8:
                return False
            handle.seek(size - 8)
            length, magic = struct.unpack("<II", handle.read(8))
            if magic != MAGIC or length + 8 > size:
                return False
            handle.seek(size - 8 - length)
            footer = json.loads(handle.read(length))
            expected = int(footer["crc"])
            handle.seek(0)
            left = size - 8 - length
            crc = 0
            while left > 0:
                block = handle.read(min(CHUNK, left))
                if not block:
                    return False
                crc = zlib.crc32(block, crc)
                left -= len(block)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return crc == expected
