"""File > Open Recent: the last files and folders opened, newest first."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget


class RecentMenu(QMenu):
    """Lists recent paths as numbered entries; emits the one chosen, or a request to forget them all."""

    path_chosen = Signal(str)
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Open &Recent", parent)
        self._paths: list[str] = []
        self.set_paths([])

    @property
    def paths(self) -> list[str]:
        return list(self._paths)

    def set_paths(self, paths: list[str]) -> None:
        self._paths = list(paths)
        self.clear()
        for number, path in enumerate(self._paths, 1):
            prefix = f"&{number} " if number < 10 else "1&0 " if number == 10 else ""
            label = prefix + (os.path.basename(path.rstrip(os.sep)) or path).replace("&", "&&")
            action = self.addAction(label)
            action.setData(path)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(self._on_triggered)
        if self._paths:
            self.addSeparator()
        clear = self.addAction("&Clear Recent")
        clear.setEnabled(bool(self._paths))
        clear.triggered.connect(self.clear_requested)
        self.setEnabled(True)

    @Slot()
    def _on_triggered(self) -> None:
        action = self.sender()
        path = action.data() if isinstance(action, QAction) else None
        if isinstance(path, str):
            self.path_chosen.emit(path)
