"""The index's bookkeeping in SQLite: which files (and zip members) were indexed, as what, with which studies.

A file's row is 'pending' while its studies are being committed to tantivy, 'complete' once they are,
'doomed' while its studies are being deleted (the file changed or was removed). Rows move in one SQLite
transaction after the tantivy commit they describe, so after a crash the rows that are not 'complete'
name exactly the tantivy documents to delete (SearchIndex reconciles on open).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,          -- the tantivy documents' `source` term
    path TEXT NOT NULL,
    member TEXT NOT NULL DEFAULT '',   -- '' for a file; a zip member's name for its own row
    kind TEXT NOT NULL,                -- 'file' | 'zip' (the archive itself, no studies) | 'member'
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT,
    state TEXT NOT NULL,               -- 'pending' | 'complete' | 'doomed'
    studies INTEGER NOT NULL DEFAULT 0,
    problem TEXT                       -- why (some of) the file could not be read, reported again while unchanged
);
CREATE INDEX IF NOT EXISTS files_path ON files (path, member);
CREATE INDEX IF NOT EXISTS files_state ON files (state) WHERE state != 'complete';
CREATE TABLE IF NOT EXISTS studies (
    file INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    study TEXT NOT NULL                -- the study's id (with `files.key`, its tantivy document)
);
CREATE INDEX IF NOT EXISTS studies_file ON studies (file);
"""
FILE_NAME = "catalog.sqlite"


class CatalogError(Exception):
    """The catalog cannot be read: damaged, or not a catalog."""


@dataclass(frozen=True)
class Row:
    id: int
    key: str
    path: str
    member: str
    kind: str
    size: int
    mtime_ns: int
    sha256: str | None
    state: str
    studies: int
    problem: str | None


@dataclass(frozen=True)
class NewFile:
    """A file or member parsed in this batch, to be recorded once tantivy has committed its studies."""

    key: str
    path: str
    member: str
    kind: str
    size: int
    mtime_ns: int
    sha256: str | None
    studies: tuple[str, ...]
    problem: str | None


class Catalog:
    """One SQLite connection, shared by threads under a lock."""

    def __init__(self, folder: Path, check: bool = True) -> None:
        self.path = folder / FILE_NAME
        self.lock = threading.RLock()
        try:
            self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA cache_size = -65536")  # 64 MiB: a registry's rows (600,000 files) stay cached
            if check:
                (verdict,) = self.db.execute("PRAGMA quick_check").fetchone()
                if verdict != "ok":
                    raise CatalogError(f"the catalog is damaged ({verdict})")
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            self.close()
            raise CatalogError(f"the catalog cannot be read ({exc})") from None

    def close(self) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def get(self, name: str) -> str | None:
        with self.lock:
            row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, db: sqlite3.Connection, name: str, value: str) -> None:
        db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def rows(self, where: str = "1", args: Iterable[object] = ()) -> list[Row]:
        with self.lock:
            found = self.db.execute(
                "SELECT id, key, path, member, kind, size, mtime_ns, sha256, state, studies, problem "
                f"FROM files WHERE {where}",
                tuple(args),
            ).fetchall()
        return [Row(*r) for r in found]

    def of_path(self, path: str) -> list[Row]:
        return self.rows("path = ? AND state = 'complete'", (path,))

    def unfinished(self) -> list[Row]:
        return self.rows("state != 'complete'")

    def complete_paths(self) -> list[str]:
        with self.lock:
            found = self.db.execute("SELECT DISTINCT path FROM files WHERE state = 'complete' ORDER BY path")
            return [str(r[0]) for r in found]

    def study_count(self) -> int:
        with self.lock:
            (count,) = self.db.execute(
                "SELECT COALESCE(SUM(studies), 0) FROM files WHERE state = 'complete'"
            ).fetchone()
        return int(count)

    def mark(self, db: sqlite3.Connection, new: Iterable[NewFile], doomed: Iterable[int]) -> None:
        """Before the tantivy commit: the batch's files as pending with their study ids (the id comes from each
        file's INSERT: no lookup by key per file), the rows it replaces as doomed."""
        insert = ("INSERT INTO files (key, path, member, kind, size, mtime_ns, sha256, state, studies, problem) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)")  # fmt: skip
        studies: list[tuple[int, str]] = []
        for f in new:
            row = (f.key, f.path, f.member, f.kind, f.size, f.mtime_ns, f.sha256, len(f.studies), f.problem)
            file_id = db.execute(insert, row).lastrowid
            assert file_id is not None  # an INSERT always sets it
            studies += [(file_id, s) for s in f.studies]
        db.executemany("INSERT INTO studies (file, study) VALUES (?, ?)", studies)
        db.executemany("UPDATE files SET state = 'doomed' WHERE id = ?", [(i,) for i in doomed])

    def settle(self, db: sqlite3.Connection, opstamp: int) -> None:
        """After the tantivy commit: pending rows complete, doomed rows gone (their studies with them)."""
        db.execute("UPDATE files SET state = 'complete' WHERE state = 'pending'")
        db.execute("DELETE FROM files WHERE state = 'doomed'")
        self.set(db, "opstamp", str(opstamp))

    def touch(self, row_id: int, size: int, mtime_ns: int) -> None:
        """A file whose content is unchanged (same hash) but whose size or time moved: not parsed again."""
        with self.transaction() as db:
            db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE id = ?", (size, mtime_ns, row_id))
