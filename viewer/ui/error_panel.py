"""The problems panel: files that could not be opened, with their reasons; never modal."""

from __future__ import annotations

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


class ErrorPanel(QDockWidget):
    """A dock listing each failed file and why; it shows itself when new problems arrive."""

    count_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        self.setObjectName("problemsDock")
        self.setAllowedAreas(Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        body = QWidget(self)
        self.summary = QLabel("No problems.", body)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QTreeWidget(body)
        self.list.setColumnCount(2)
        self.list.setHeaderLabels(["File", "Reason"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setUniformRowHeights(True)
        self.list.setAccessibleName("Files that could not be opened")
        self.list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.list.header().setStretchLastSection(True)
        self.list.header().resizeSection(0, 380)
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
        """A hidden panel docked where the user last left it (bottom at first); `toggle` follows its visibility."""
        panel = cls(window)
        if not window.restoreDockWidget(panel):
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, panel)
        panel.hide()  # until problems arrive or the user asks for it
        panel.toggleViewAction().toggled.connect(toggle.setChecked)
        return panel

    def count(self) -> int:
        return self.list.topLevelItemCount()

    def failures(self) -> list[tuple[str, str]]:
        items = (self.list.topLevelItem(i) for i in range(self.count()))
        return [(item.text(0), item.text(1)) for item in items if item is not None]

    def add_failures(self, failures: list[tuple[str, str]]) -> None:
        if not failures:
            return
        for file, reason in failures:
            item = QTreeWidgetItem([file, reason])
            item.setToolTip(0, "")  # plain item text; no rich-text tool tips built from record data
            self.list.addTopLevelItem(item)
        self._update()
        if self.isHidden():
            self.show()  # shown, not focused: the user keeps working where they were

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
        self.summary.setText(f"{n} file{'s' if n != 1 else ''} could not be opened." if n else "No problems.")
        self.copy_button.setEnabled(n > 0)
        self.clear_button.setEnabled(n > 0)
        self.count_changed.emit(n)
