"""The status-bar notice of problems: hidden while there are none, "3 problems" (a button) when there are."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QToolButton, QWidget

from viewer.ui.resources import icon


class ProblemsButton(QToolButton):
    """Clicking it opens the problems panel; the count is spoken as well as shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemsButton")
        self.setIcon(icon("warning"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        self.setToolTip("Show the files that could not be opened")
        self.hide()

    @Slot(int)
    def set_count(self, count: int) -> None:
        text = f"{count} problem{'s' if count != 1 else ''}"
        self.setText(text)
        self.setAccessibleName(f"{text}: show the problems panel")
        self.setVisible(count > 0)
