"""What the viewer remembers between runs: window layout, recent files, zoom, appearance, sort order,
and (in its own store, viewer.core.library_store) the library.

Window state lives in a JSON file of our own, written atomically and never through a link; the library
lives in SQLite beside the index, so damage to one never costs the other. Every value read back is checked.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray

from viewer.core.paths import config_dir, data_dir
from viewer.core.settings_file import SettingsFile

if TYPE_CHECKING:
    from viewer.core.library_store import LibraryStore

MAX_RECENT = 10
SCHEMES = ("system", "light", "dark")
SETTINGS_NAME = "settings.json"
MAX_STATE_BYTES = 64 * 1024  # window geometry and splitter states are a few dozen bytes


class Settings:
    """Typed, validated settings. Tests and smoke runs pass their own file, and the library is kept beside it."""

    def __init__(self, path: str | None = None) -> None:
        file = Path(path) if path else config_dir() / SETTINGS_NAME
        self._file = SettingsFile(file)
        self._library_path = file.with_name("library.sqlite3") if path else data_dir() / "library.sqlite3"
        self._library: LibraryStore | None = None

    @property
    def library(self) -> LibraryStore:
        """The library store, opened when first used: after the first paint, not before it."""
        if self._library is None:
            from viewer.core.library_store import LibraryStore

            self._library = LibraryStore(self._library_path)
        return self._library

    @property
    def problems(self) -> list[str]:
        """What could not be read or kept, for the user (a damaged file reset, a folder that cannot be written)."""
        return [*self._file.problems, *self.library.problems]

    def sync(self) -> None:
        self._file.save()

    # typed access ------------------------------------------------------------------------------------------
    def _bytes(self, key: str) -> QByteArray | None:
        value = self._file.get(key)
        if not isinstance(value, str) or not value or len(value) > MAX_STATE_BYTES:
            return None
        try:
            return QByteArray(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            return None

    def _set_bytes(self, key: str, value: QByteArray) -> None:
        self._file.set(key, base64.b64encode(bytes(value.data())).decode("ascii"))

    def _strings(self, key: str) -> list[str]:
        value = self._file.get(key, [])
        return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        value = self._file.get(key, default)
        return max(low, min(high, value)) if isinstance(value, int) and not isinstance(value, bool) else default

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set_bytes("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._set_bytes("window/state", value)

    def splitter(self, name: str) -> QByteArray | None:
        return self._bytes(f"window/splitter_{name}")

    def set_splitter(self, name: str, value: QByteArray) -> None:
        self._set_bytes(f"window/splitter_{name}", value)

    def reset_layout(self) -> None:
        """Forget window geometry, dock and splitter positions (View > Reset Layout)."""
        for key in [k for k in self._file.values if k.startswith("window/")]:
            del self._file.values[key]

    @property
    def recent_files(self) -> list[str]:
        return list(dict.fromkeys(self._strings("recent/files")))[:MAX_RECENT]

    def add_recent(self, paths: list[str]) -> list[str]:
        recent = [p for p in self.recent_files if p not in paths]
        recent = [*reversed(paths), *recent][:MAX_RECENT]
        self._file.set("recent/files", recent)
        return recent

    def clear_recent(self) -> None:
        self._file.set("recent/files", [])

    @property
    def search_open(self) -> bool:
        """Whether the Search dock was open when the window closed (part of the layout: Reset Layout forgets it)."""
        return self._int("window/search_open", 0, 0, 1) == 1

    @search_open.setter
    def search_open(self, value: bool) -> None:
        self._file.set("window/search_open", int(bool(value)))

    @property
    def zoom(self) -> int:
        return self._int("view/zoom", 0, -5, 10)

    @zoom.setter
    def zoom(self, steps: int) -> None:
        self._file.set("view/zoom", int(steps))

    @property
    def scheme(self) -> str:
        value = self._file.get("view/scheme", "system")
        return value if value in SCHEMES else "system"

    @scheme.setter
    def scheme(self, value: str) -> None:
        self._file.set("view/scheme", value)

    @property
    def sort(self) -> tuple[int, bool]:
        """The library's sort column (-1: order opened) and whether it is descending."""
        return self._int("library/sort_column", -1, -1, 16), bool(self._file.get("library/sort_descending") is True)

    @sort.setter
    def sort(self, value: tuple[int, bool]) -> None:
        self._file.set("library/sort_column", int(value[0]))
        self._file.set("library/sort_descending", bool(value[1]))

    @property
    def last_dir(self) -> str:
        value = self._file.get("dialogs/last_dir", "")
        return value if isinstance(value, str) else ""

    @last_dir.setter
    def last_dir(self, value: str) -> None:
        self._file.set("dialogs/last_dir", value)
