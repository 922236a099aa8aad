"""A filter chip of the Search dock: a button with a menu of the result's values for one key, with counts."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from viewer.ui.search_results import label

CHIP_VALUES = 12  # values offered per chip (the most frequent in the result)


class FilterChip(QToolButton):
    """One filter (phase, status, ...): a button with a menu of the result's values and their counts.
    Checked values filter the search; the button reads "Phase: 2, 3" while any is checked."""

    changed = Signal()

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key, self.title = key, title
        self.chosen: list[str] = []
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.setAccessibleName(f"Filter by {title.lower()}")
        self.setCheckable(True)
        self._counts: tuple[tuple[str, int], ...] = ()
        self._refresh()

    def set_counts(self, counts: tuple[tuple[str, int], ...]) -> None:
        self._counts = counts
        self._refresh()

    def clear(self) -> None:
        if self.chosen:
            self.chosen = []
            self._refresh()

    def _refresh(self) -> None:
        menu = self.menu()
        menu.clear()
        shown = list(self._counts[:CHIP_VALUES])
        known = {value for value, _ in shown}
        shown += [(value, 0) for value in self.chosen if value not in known]  # a chosen value never vanishes
        for value, count in shown:
            action = QAction(f"{label(self.key, value)}  ({count:,})", menu)
            action.setCheckable(True)
            action.setChecked(value in self.chosen)
            action.setData(value)
            action.toggled.connect(self._on_toggled)
            menu.addAction(action)
        if not shown:
            none = menu.addAction("No values in these results")
            none.setEnabled(False)
        self.setEnabled(bool(shown))
        names = ", ".join(label(self.key, v) for v in self.chosen)
        self.setText(f"{self.title}: {names}" if names else self.title)
        self.setChecked(bool(self.chosen))
        self.setToolTip(f"Show only studies with this {self.title.lower()}")

    @Slot(bool)
    def _on_toggled(self, checked: bool) -> None:
        action = self.sender()
        if not isinstance(action, QAction):
            return
        value = str(action.data())
        if checked and value not in self.chosen:
            self.chosen.append(value)
        elif not checked and value in self.chosen:
            self.chosen.remove(value)
        QTimer.singleShot(0, self._refresh)  # not while the menu's own action is being handled
        self.changed.emit()
