"""The status-bar progress of a running load, with its cancel button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from viewer.ui.resources import icon

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from viewer.ui.study_loader import LoadSummary, StudyLoader


class LoadProgress(QWidget):
    """Hidden while idle; shows "Opening 12 of 340 files" with a bar and a Cancel button while loading."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._files = "Opening files"
        self.label = QLabel("", self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a file name is not markup
        self.bar = QProgressBar(self)
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Loading progress")
        self.cancel_button = QToolButton(self)
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop opening files (Esc)")
        self.cancel_button.setAccessibleName("Cancel loading")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()

    def attach(self, window: QMainWindow, cancel: QAction) -> StudyLoader:
        """A loader whose progress this widget shows in `window`'s status bar, stopped by `cancel` too."""
        from viewer.ui.study_loader import StudyLoader

        loader = StudyLoader(window)
        window.statusBar().insertPermanentWidget(0, self)
        for trigger in (cancel.triggered, self.cancel_requested):
            trigger.connect(loader.cancel)
            trigger.connect(self.cancelling)
        loader.started.connect(self.start)
        loader.started.connect(lambda: cancel.setEnabled(True))
        loader.progress_changed.connect(self.set_progress)
        loader.reading.connect(self.set_reading)
        loader.idle.connect(self.stop)
        loader.idle.connect(lambda: cancel.setEnabled(False))
        return loader

    @Slot()
    def start(self) -> None:
        self._files = "Opening files"
        self.label.setText("Opening files…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    @Slot(int, int)
    def set_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self._files = f"Opening {done} of {total} file{'s' if total != 1 else ''}"
        self.label.setText(f"{self._files}…")

    @Slot(str, int, int)
    def set_reading(self, name: str, size: int, read: int) -> None:
        """Inside one large file the count of files does not move: say which file, its size, studies so far."""
        if not name:
            return
        leaf = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit("!", 1)[-1]
        megabytes = f" ({size / 2**20:,.0f} MB)" if size >= 2**20 else ""
        studies = f" · {read:,} stud{'y' if read == 1 else 'ies'}" if read else ""
        self.label.setText(f"{self._files} · reading {leaf}{megabytes}{studies}…")

    @Slot()
    def cancelling(self) -> None:
        self.label.setText("Cancelling…")
        self.cancel_button.setEnabled(False)

    @Slot(object)
    def finish(self, summary: LoadSummary) -> None:
        self.hide()

    @Slot()
    def stop(self) -> None:
        self.hide()
