"""The detail pane's parts: a text browser that never fetches, and the breadcrumb above it."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTextBrowser, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QResizeEvent


class SafeBrowser(QTextBrowser):
    """A text browser that never fetches: no files, no images, no URLs, and links do not navigate."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )

    def loadResource(self, type: int, name: QUrl | str, /) -> Any:
        self.blocked.append(name if isinstance(name, str) else name.toString())
        return None


class Breadcrumb(QLabel):
    """Where the shown node sits, on one line: elided with "…" to fit, the whole trail in the tool tip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trail = ""
        self.setObjectName("breadcrumb")
        self.setTextFormat(Qt.TextFormat.PlainText)  # record text: never as rich text
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMinimumWidth(10)  # a long trail must not widen the pane; it is elided instead

    @property
    def trail(self) -> str:
        """The whole trail, however much of it fits."""
        return self._trail

    def set_trail(self, trail: str) -> None:
        self._trail = trail
        self.setAccessibleName(trail)
        tip = ""
        if trail:
            tip = f"<p>{html.escape(trail)}</p>"  # escaped rich text: a tool tip would render markup in a record
        self.setToolTip(tip)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self.isVisible():  # no real width yet; the resize that comes with showing elides
            self.setText(self._trail)
            return
        width = self.contentsRect().width()
        self.setText(self.fontMetrics().elidedText(self._trail, Qt.TextElideMode.ElideRight, width))
