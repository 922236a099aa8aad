"""Compare With…: pick the other study, with the same trial's other records (versions, other registries)
listed first, and a filter to find any other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from viewer.core.model import Study

STUDY_ROLE = Qt.ItemDataRole.UserRole + 1


def candidates(study: Study, others: list[Study]) -> list[tuple[Study, str]]:
    """The studies to offer, each with why it is offered; the same trial first (same id, or linked ids)."""
    from viewer.core.linking import link, study_key

    group = {study_key(s) for s in link([study, *others]).get(study_key(study), ())}
    same = [(s, f"same trial · {s.registry}" if s.id != study.id else "another version or copy")
            for s in others if study_key(s) in group or s.id == study.id]  # fmt: skip
    seen = {study_key(s) for s, _ in same}
    rest = [(s, s.registry) for s in others if study_key(s) not in seen]
    return same + rest


class StudyPicker(QDialog):
    def __init__(self, parent: QWidget | None, study: Study, others: list[Study]) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Compare {study.id} With…")
        intro = QLabel(f"Compare {study.id} ({' '.join(study.title.split())[:80]}) with:", self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter by id or title")
        self.filter.setAccessibleName("Filter the studies to compare with")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Studies to compare with")
        for other, why in candidates(study, others):
            date = f" · updated {other.summary.last_update_posted}" if other.summary.last_update_posted else ""
            item = QListWidgetItem(f"{other.id}  —  {' '.join(other.title.split())[:120]}   [{why}{date}]")
            item.setData(STUDY_ROLE, other)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Compare")
        ok.setEnabled(self.list.count() > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.accept())
        self.filter.textChanged.connect(self._apply_filter)
        layout = QVBoxLayout(self)
        for widget in (intro, self.filter, self.list, buttons):
            layout.addWidget(widget)
        self.resize(720, 480)

    @Slot(str)
    def _apply_filter(self, text: str) -> None:
        words = text.casefold().split()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = not all(w in item.text().casefold() for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = row
        if first is not None:
            self.list.setCurrentRow(first)

    def chosen(self) -> Study | None:
        item = self.list.currentItem()
        return item.data(STUDY_ROLE) if item is not None and not item.isHidden() else None


def pick_study(parent: QWidget | None, study: Study, others: list[Study]) -> Study | None:
    dialog = StudyPicker(parent, study, others)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
