"""A small JSON settings file of our own, written atomically (temp file, fsync, rename), never through a link.

QSettings writes through symlinks (it replaced /dev/zero with a regular file when run as root) and keeps
nothing of a damaged file without saying so; this file is replaced whole, in one rename, and a damaged
one is set aside and reported, not silently reused.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename: a crash leaves the old file or the new, never half of one.

    If `path` is a symbolic link, the link itself is replaced by our file; its target is never written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


class SettingsFile:
    """Key/value settings kept as one JSON object; `problems` tells the user what could not be kept."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.values: dict[str, Any] = self._load()
        folder = next((p for p in (path.parent, *path.parents) if p.exists()), None)
        if folder is not None and not os.access(folder, os.W_OK):  # said now: at quit nobody would read it
            self.problems.append(f"the settings cannot be saved in {path.parent} (it is read-only); "
                                 "window layout and preferences changed this session are not kept")  # fmt: skip

    def _load(self) -> dict[str, Any]:
        try:
            if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
                self.problems.append(f"the settings file {self.path} is not a plain file; it was not read")
                return {}
            if not self.path.exists():
                return {}
            with open(self.path, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            self.problems.append(f"the settings could not be read ({exc.strerror or exc}); defaults are used")
            return {}
        try:
            values = json.loads(data.decode("utf-8")) if len(data) <= MAX_BYTES else None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            values = None
        if not isinstance(values, dict):
            kept = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(self.path, kept)
                where = f"; the damaged file is kept as {kept}"
            except OSError:
                where = ""
            self.problems.append(f"the settings file was damaged and window layout and preferences were reset{where}")
            return {}
        return values

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.values[key] = value

    def save(self) -> bool:
        """Write the file; False (and a problem noted) when it cannot be written."""
        try:
            write_atomic(self.path, json.dumps(self.values, indent=1, sort_keys=True).encode("utf-8"))
        except OSError as exc:
            message = f"the settings could not be saved in {self.path.parent} ({exc.strerror or exc})"
            if message not in self.problems:
                self.problems.append(message)
            return False
        return True
