"""The user's library (the files they opened, the studies they removed) in SQLite in the data folder.

Every change is its own transaction, written when it happens, not at quit: quitting while files load
loses nothing, two running viewers merge their additions instead of overwriting each other, and a damaged
settings file cannot touch it. A file that is missing for a session stays in the library, marked missing.
A damaged database is moved aside (kept for the user) and a new one started, and the caller is told.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from viewer.core.paths import data_dir

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    path TEXT PRIMARY KEY,       -- a file or zip archive the user opened (absolute)
    added REAL NOT NULL,         -- when (seconds since the epoch); the library keeps this order
    missing INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS hidden (
    sha256 TEXT NOT NULL,        -- a study the user removed while other studies of its file stay
    record INTEGER NOT NULL,
    PRIMARY KEY (sha256, record)
);
"""


@dataclass(frozen=True)
class Entry:
    path: str
    added: float
    missing: bool


class LibraryStore:
    """Typed access to the library database; `problems` says what went wrong opening it (for the user)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "library.sqlite3"
        self._problems: list[str] = []
        self._opened = False
        self._connection: sqlite3.Connection | None = None
        self.read_only = False

    @property
    def problems(self) -> list[str]:
        self._ensure_open()
        return self._problems

    @property
    def _db(self) -> sqlite3.Connection | None:
        """The database, opened on first use: the window paints before the library is read."""
        self._ensure_open()
        return self._connection

    @_db.setter
    def _db(self, value: sqlite3.Connection | None) -> None:
        self._connection = value

    def _ensure_open(self) -> None:
        if not self._opened:
            self._opened = True
            self._connection = self._open()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._connect()
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            return db
        except sqlite3.OperationalError as exc:
            # Read-only, locked or unopenable is not damage: the file is never moved aside for it.
            return self._read_only(exc)
        except sqlite3.DatabaseError as exc:
            if not self.path.exists():
                self._problems.append(f"the library cannot be kept ({exc}); it lasts this session only")
                return None
            kept = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(self.path, kept)
            except OSError as move_error:
                self._problems.append(f"the library file {self.path} is damaged and cannot be moved ({move_error})")
                return None
            self._problems.append(
                f"the library file was damaged and has been started afresh; the old one is kept as {kept}"
            )
            try:
                return self._connect()
            except sqlite3.DatabaseError as again:
                self._problems.append(f"the library cannot be kept ({again}); it lasts this session only")
                return None
        except OSError as exc:
            self._problems.append(f"the library cannot be kept in {self.path.parent} ({exc.strerror or exc})")
            return None

    def _read_only(self, exc: sqlite3.Error) -> sqlite3.Connection | None:
        """The library as it is, for reading only, when its folder or file cannot be written (or it is locked)."""
        where = self.path.parent
        if self.path.exists():
            for options in ("mode=ro", "mode=ro&immutable=1"):  # immutable: no -shm can be made beside it
                try:
                    db = sqlite3.connect(f"{self.path.as_uri()}?{options}", uri=True, timeout=10)
                    db.execute("SELECT count(*) FROM entries").fetchone()
                except sqlite3.Error:
                    continue
                self.read_only = True
                self._problems.append(
                    f"the library in {where} cannot be written ({exc}); it is shown as it was, and what changes "
                    "this session is not kept"
                )
                return db
        self._problems.append(f"the library cannot be kept in {where} ({exc}); it lasts this session only")
        return None

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")  # another running viewer reads while this one writes
        db.executescript(SCHEMA)
        return db

    @property
    def available(self) -> bool:
        return self._db is not None

    def _write(self, sql: str, rows: Iterable[tuple[object, ...]]) -> None:
        if self._db is None or self.read_only:  # said once, when it was opened
            return
        try:
            with self._db:  # one transaction
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(sql, rows)
        except sqlite3.Error as exc:
            message = f"the library could not be saved ({exc})"
            if message not in self.problems:
                self._problems.append(message)

    def entries(self) -> list[Entry]:
        """Every file in the library, in the order it was added."""
        if self._db is None:
            return []
        try:
            rows = self._db.execute("SELECT path, added, missing FROM entries ORDER BY added, path").fetchall()
        except sqlite3.Error as exc:
            self._problems.append(f"the library could not be read ({exc})")
            return []
        return [Entry(str(p), float(a), bool(m)) for p, a, m in rows]

    def paths(self) -> list[str]:
        return [e.path for e in self.entries()]

    def add(self, paths: Iterable[str]) -> None:
        """Add files (or mark them present again); existing ones keep their place."""
        now = time.time()
        rows = [(p, now + i * 1e-6) for i, p in enumerate(dict.fromkeys(paths))]
        self._write("INSERT INTO entries (path, added) VALUES (?, ?) ON CONFLICT(path) DO UPDATE SET missing = 0", rows)

    def remove(self, paths: Iterable[str]) -> None:
        self._write("DELETE FROM entries WHERE path = ?", [(p,) for p in paths])

    def set_missing(self, path: str, missing: bool = True) -> None:
        self._write("UPDATE entries SET missing = ? WHERE path = ?", [(int(missing), path)])

    def hide(self, studies: Iterable[tuple[str, int]]) -> None:
        """Remember studies removed from the library while others of their file stay (sha256, record)."""
        self._write("INSERT OR IGNORE INTO hidden (sha256, record) VALUES (?, ?)", list(studies))

    def unhide(self, studies: Iterable[tuple[str, int]]) -> None:
        self._write("DELETE FROM hidden WHERE sha256 = ? AND record = ?", list(studies))

    def hidden(self) -> set[tuple[str, int]]:
        if self._db is None:
            return set()
        try:
            return {(str(h), int(r)) for h, r in self._db.execute("SELECT sha256, record FROM hidden")}
        except sqlite3.Error:
            return set()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
