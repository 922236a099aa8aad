"""What the viewer remembers between runs: window layout, recent files, library, zoom, appearance."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10
SCHEMES = ("system", "light", "dark")


class Settings:
    """Typed access to QSettings; tests and smoke runs pass their own file so nothing leaks."""

    def __init__(self, path: str | None = None) -> None:
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "TrialViewer", "trialviewer")
        else:
            self._qs = QSettings(path, QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qs.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qs.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _strings(self, key: str) -> list[str]:
        value = self._qs.value(key, [])
        if isinstance(value, str):  # QSettings hands back a one-item list as a plain string
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _int(self, key: str, default: int) -> int:
        value = self._qs.value(key, default)
        try:
            return int(str(value))
        except (TypeError, ValueError):
            return default

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._qs.setValue("window/state", value)

    def splitter(self, name: str) -> QByteArray | None:
        return self._bytes(f"window/splitter_{name}")

    def set_splitter(self, name: str, value: QByteArray) -> None:
        self._qs.setValue(f"window/splitter_{name}", value)

    @property
    def recent_files(self) -> list[str]:
        return self._strings("recent/files")[:MAX_RECENT]

    def add_recent(self, paths: list[str]) -> list[str]:
        recent = [p for p in self.recent_files if p not in paths]
        recent = [*reversed(paths), *recent][:MAX_RECENT]
        self._qs.setValue("recent/files", recent)
        return recent

    def clear_recent(self) -> None:
        self._qs.setValue("recent/files", [])

    @property
    def library_files(self) -> list[str]:
        return self._strings("library/files")

    @library_files.setter
    def library_files(self, paths: list[str]) -> None:
        self._qs.setValue("library/files", paths)

    @property
    def zoom(self) -> int:
        return max(-5, min(10, self._int("view/zoom", 0)))

    @zoom.setter
    def zoom(self, steps: int) -> None:
        self._qs.setValue("view/zoom", steps)

    @property
    def scheme(self) -> str:
        value = str(self._qs.value("view/scheme", "system"))
        return value if value in SCHEMES else "system"

    @scheme.setter
    def scheme(self, value: str) -> None:
        self._qs.setValue("view/scheme", value)

    @property
    def last_dir(self) -> str:
        return str(self._qs.value("dialogs/last_dir", ""))

    @last_dir.setter
    def last_dir(self, value: str) -> None:
        self._qs.setValue("dialogs/last_dir", value)
