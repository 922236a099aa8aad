"""The status-bar progress of a running load, with its cancel button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from viewer.ui.resources import icon

if TYPE_CHECKING:
    from viewer.ui.study_loader import LoadSummary


class LoadProgress(QWidget):
    """Hidden while idle; shows "Opening 12 of 340 files" with a bar and a Cancel button while loading."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("", self)
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

    @Slot()
    def start(self) -> None:
        self.label.setText("Opening files…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    @Slot(int, int)
    def set_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.label.setText(f"Opening {done} of {total} file{'s' if total != 1 else ''}…")

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
