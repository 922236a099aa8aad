"""Find in the detail pane: a bar under the breadcrumb that marks every match and steps through them."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextBrowser, QTextEdit, QToolButton, QWidget

MAX_MARKED = 2_000  # beyond this many matches, only the count is exact: marking more costs more than it helps


class FindBar(QWidget):
    """Type to find (case-insensitive); Enter / F3 next, Shift+Enter / Shift+F3 previous, Esc closes."""

    closed = Signal()

    def __init__(self, browser: QTextBrowser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = browser
        self._matches: list[QTextCursor] = []
        self._current = -1
        self._total = 0
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in details")
        self.edit.setAccessibleName("Find in details")
        self.edit.setClearButtonEnabled(True)
        self.count = QLabel("", self)
        self.count.setAccessibleName("Matches")
        self.previous_button = self._button("Previous", "Previous match (Shift+F3)", self.find_previous)
        self.next_button = self._button("Next", "Next match (F3)", self.find_next)
        self.close_button = self._button("Close", "Close the find bar (Esc)", self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.edit, self.count, self.previous_button, self.next_button, self.close_button):
            layout.addWidget(widget)
        layout.setStretch(0, 1)
        self.edit.textChanged.connect(self.refresh)
        self.edit.installEventFilter(self)
        self.hide()

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def open(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()
        self.refresh()

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        self.browser.setExtraSelections([])
        self.closed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key_event = event if isinstance(event, QKeyEvent) else None
            if key_event is not None and key_event.key() == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if key_event is not None and key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                back = bool(key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.find_previous() if back else self.find_next()
                return True
        return super().eventFilter(watched, event)

    @Slot()
    def refresh(self) -> None:
        """Find every match in the document shown now (called again when the document changes)."""
        self._matches, self._current = [], -1
        text = self.edit.text()
        if self.isHidden() or not text:
            self.browser.setExtraSelections([])
            self.count.setText("")
            return
        document = self.browser.document()
        cursor = QTextCursor(document)
        total = 0
        while True:
            cursor = document.find(text, cursor)
            if cursor.isNull():
                break
            total += 1
            if len(self._matches) < MAX_MARKED:
                self._matches.append(QTextCursor(cursor))
        self._total = total
        self._mark()
        if self._matches:
            self.find_next()
        else:
            self.count.setText("No matches")

    def _mark(self) -> None:
        palette = self.browser.palette()
        every = QTextCharFormat()
        every.setBackground(QColor(palette.color(QPalette.ColorRole.Highlight)).lighter(160))
        every.setForeground(palette.color(QPalette.ColorRole.Text))
        this = QTextCharFormat()
        this.setBackground(palette.color(QPalette.ColorRole.Highlight))
        this.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
        selections = []
        for i, cursor in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = this if i == self._current else every
            selections.append(selection)
        self.browser.setExtraSelections(selections)

    def _go(self, step: int) -> None:
        if not self._matches:
            if self.isHidden():
                self.open()
            return
        self._current = (self._current + step) % len(self._matches)
        self.browser.setTextCursor(self._matches[self._current])
        self.browser.ensureCursorVisible()
        self._mark()
        more = "+" if self._total > len(self._matches) else ""
        self.count.setText(f"{self._current + 1} of {self._total:,}{more}")

    @Slot()
    def find_next(self) -> None:
        self._go(1)

    @Slot()
    def find_previous(self) -> None:
        self._go(-1)
