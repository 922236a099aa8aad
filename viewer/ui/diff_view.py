"""The differences as one tree view: A and B columns side by side (or one inline column), rows aligned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QTimer, Slot
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from viewer.ui.diff_model import CHANGE_ROLE, HTML_ROLE, INLINE, KIND, SIDE_A, SIDE_B, WHERE, DiffModel
from viewer.ui.rich_text_delegate import RichTextDelegate

if TYPE_CHECKING:
    from viewer.core.diff.model import Change


class DiffView(QTreeView):
    """A view of a DiffModel: sections span the row, changes below; both sides in one view scroll as one."""

    def __init__(self, model: DiffModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diff_model = model
        self.setObjectName("differences")
        self.setModel(model)
        self.setItemDelegate(RichTextDelegate(self, HTML_ROLE))
        self.setUniformRowHeights(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAllColumnsShowFocus(True)
        self.setRootIsDecorated(False)
        self.setItemsExpandable(False)
        self.setAccessibleName("Differences")
        self.setAccessibleDescription(
            "One row per change: its kind (added, removed, changed, moved), where it is, and study A's and "
            "study B's wording; deleted words are struck through, inserted words underlined"
        )
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(KIND, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(WHERE, QHeaderView.ResizeMode.Interactive)
        for column in (SIDE_A, SIDE_B, INLINE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(KIND, 110)
        header.resizeSection(WHERE, 250)
        self._relayout = QTimer(self)  # row heights follow column widths, once the resizing settles
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(60)
        self._relayout.timeout.connect(self._layout_rows)
        header.sectionResized.connect(self._on_section_resized)
        self.set_side_by_side(True)

    @property
    def side_by_side(self) -> bool:
        return not self.isColumnHidden(SIDE_A)

    def set_side_by_side(self, on: bool) -> None:
        self.setColumnHidden(SIDE_A, not on)
        self.setColumnHidden(SIDE_B, not on)
        self.setColumnHidden(INLINE, on)
        self._relayout.start()

    def after_reset(self) -> None:
        """Sections open and spanning the row; the first change current."""
        self.expandAll()
        for row in range(self.diff_model.rowCount()):
            self.setFirstColumnSpanned(row, QModelIndex(), True)
        changes = self.diff_model.change_indexes()
        if changes:
            self.setCurrentIndex(changes[0])
            self.scrollToTop()

    def current_change(self) -> Change | None:
        return self.diff_model.change(self.currentIndex())

    def step(self, step: int) -> tuple[int, int, Change | None]:
        """Make the next (`step` 1) or previous (-1) difference current, wrapping; (its number, count, it)."""
        indexes = self.diff_model.change_indexes()
        if not indexes:
            return 0, 0, None
        current = self.currentIndex().siblingAtColumn(0)
        at = next((k for k, index in enumerate(indexes) if index == current), None)
        if at is None:
            at = -1 if step > 0 else 0
        target = (at + step) % len(indexes)
        self.setCurrentIndex(indexes[target])
        self.scrollTo(indexes[target], QAbstractItemView.ScrollHint.EnsureVisible)
        return target + 1, len(indexes), self.diff_model.change(indexes[target])

    def select(self, change: Change | None) -> None:
        if change is None:
            return
        model = self.diff_model
        for s in range(model.rowCount()):
            parent = model.index(s, 0)
            for r in range(model.rowCount(parent)):
                index = model.index(r, 0, parent)
                if index.data(CHANGE_ROLE) is change:
                    self.setCurrentIndex(index)
                    self.scrollTo(index)
                    return

    @Slot(int, int, int)
    def _on_section_resized(self, _column: int, _old: int, _new: int) -> None:
        self._relayout.start()

    @Slot()
    def _layout_rows(self) -> None:
        self.doItemsLayout()
