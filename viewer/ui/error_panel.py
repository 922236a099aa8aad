"""The problems panel: files that could not be opened, newest first, name before folder; never modal.

It does not open by itself: new problems light up a button in the status bar ("2 problems"), and the user
opens the panel from there (or View > Problems Panel). It docks small, so the panes keep their room.
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

DOCK_HEIGHT = 150
COLUMNS = ("File", "Reason", "Folder")


def split_name(file: str) -> tuple[str, str]:
    """'/a/b/c.json' -> ('c.json', '/a/b'); a zip member 'x.zip!in/y.json' -> ('y.json', 'x.zip!in')."""
    if file.startswith("(") or not file:
        return file, ""
    outer, bang, inner = file.partition("!")
    if bang:
        head, _, leaf = inner.replace("\\", "/").rpartition("/")
        return leaf or inner, f"{outer}!{head}" if head else outer
    return os.path.basename(file) or file, os.path.dirname(file)


class ErrorPanel(QDockWidget):
    """A dock listing each failed file and why."""

    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        self.setObjectName("problemsDock")
        self.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        body = QWidget(self)
        self.summary = QLabel("No problems.", body)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QTreeWidget(body)
        self.list.setColumnCount(len(COLUMNS))
        self.list.setHeaderLabels(list(COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformRowHeights(True)
        self.list.setAccessibleName("Files that could not be opened")
        header = self.list.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 260)
        header.resizeSection(1, 520)
        header.setStretchLastSection(True)
        self.copy_button = QPushButton("&Copy List", body)
        self.copy_button.setAccessibleName("Copy the list of problems")
        self.clear_button = QPushButton("C&lear", body)
        self.clear_button.setAccessibleName("Clear the list of problems")
        self.copy_button.clicked.connect(self.copy_all)
        self.clear_button.clicked.connect(self.clear)

        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.list)
        self.setWidget(body)
        self._update()

    @classmethod
    def docked(cls, window: QMainWindow, toggle: QAction) -> ErrorPanel:
        """A hidden panel docked where the user last left it (bottom, small, at first)."""
        panel = cls(window)
        if not window.restoreDockWidget(panel):
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)
        panel.hide()  # until the user asks for it
        panel.toggleViewAction().toggled.connect(toggle.setChecked)
        return panel

    def open_small(self, window: QMainWindow) -> None:
        """Show the panel at a modest height, whatever it was given before."""
        self.show()
        if window.dockWidgetArea(self) == Qt.DockWidgetArea.BottomDockWidgetArea:
            window.resizeDocks([self], [DOCK_HEIGHT], Qt.Orientation.Vertical)

    def count(self) -> int:
        return self.list.topLevelItemCount()

    def failures(self) -> list[tuple[str, str]]:
        """(file, reason) for every problem, newest first."""
        items = (self.list.topLevelItem(i) for i in range(self.count()))
        return [(str(item.data(0, Qt.ItemDataRole.UserRole)), item.text(1)) for item in items if item is not None]

    def add_failures(self, failures: list[tuple[str, str]]) -> None:
        """Add problems at the top (the newest is the one the user is looking for)."""
        for file, reason in failures:
            name, folder = split_name(file)
            item = QTreeWidgetItem([name, reason, folder])
            item.setData(0, Qt.ItemDataRole.UserRole, file)
            for column in range(len(COLUMNS)):
                item.setToolTip(column, "")  # plain item text; no rich-text tool tips built from record data
            self.list.insertTopLevelItem(0, item)
        if failures:
            self.list.scrollToTop()
            self._update()

    @Slot()
    def clear(self) -> None:
        self.list.clear()
        self._update()

    @Slot()
    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(f"{f}: {r}" for f, r in self.failures()))

    def _update(self) -> None:
        n = self.count()
        self.setWindowTitle(f"Problems ({n})" if n else "Problems")
        self.summary.setText(f"{n} problem{'s' if n != 1 else ''}, newest first." if n else "No problems.")
        self.copy_button.setEnabled(n > 0)
        self.clear_button.setEnabled(n > 0)
        self.count_changed.emit(n)
