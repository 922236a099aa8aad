"""The protocol tree pane: sections of the selected study; tells the window which node is chosen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from viewer.ui.protocol_tree_model import NODE_ROLE, ProtocolTreeModel

if TYPE_CHECKING:
    from viewer.core.model import Study
    from viewer.core.outline import Key, Node

DEFAULT_EXPANDED: frozenset[tuple[str | int, ...]] = frozenset(
    {
        ("eligibility",),
        ("eligibility", "inclusion"),
        ("eligibility", "exclusion"),
        ("outcomes",),
        ("arms",),
    }
)


class _RowDelegate(QStyledItemDelegate):
    """Criteria and outcomes that start alike ("Patients with ...") differ at the end: their long rows
    keep both ends; section rows ("Outcomes · none stated") keep their start."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        node = index.data(NODE_ROLE)
        if node is not None and node.kind in _LONG_ROWS:
            option.textElideMode = Qt.TextElideMode.ElideMiddle


_LONG_ROWS = frozenset({"criterion", "outcome", "site", "reference"})


class ProtocolTree(QWidget):
    """Shows one study's outline; keeps the selected section and the expanded rows when the study changes."""

    node_selected = Signal(object)
    open_requested = Signal(object)  # a linked record (the same trial elsewhere): show it
    compare_requested = Signal(object)  # ... compare the shown study with it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ProtocolTreeModel(self)
        self._expanded: set[Key] = set(DEFAULT_EXPANDED)
        self._selected_key: Key = ("summary",)
        self._restoring = False

        title = QLabel("Protocol", self)
        title.setObjectName("paneTitle")
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        self.view.setAnimated(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setItemDelegate(_RowDelegate(self.view))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAccessibleName("Protocol tree")
        self.view.setAccessibleDescription("Sections of the selected study; arrow keys move, Right expands")
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        title.setBuddy(self.view)

        self.copy_action = QAction("&Copy Row Text", self)
        self.copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_current)
        self.view.addAction(self.copy_action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.view)
        self.setFocusProxy(self.view)

        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.view.expanded.connect(self._on_expanded)
        self.view.activated.connect(self._on_activated)
        self.view.collapsed.connect(self._on_collapsed)

    def show_study(self, study: Study | None, linked: Sequence[Study] = ()) -> None:
        """Show a study's tree (None clears it), restoring the previous selection where it exists.

        `linked`: the same trial's other records in the library, shown first as "Also registered as".
        """
        root: Node | None = None
        if study is not None:
            from viewer.core.outline import outline  # with the first study, after the window is painted

            root = outline(study, linked)
        self._restoring = True
        try:
            self.model.set_root(root)
            if root is not None:
                for node in root.walk():
                    if node.key in self._expanded and node.children:
                        self.view.expand(self.model.index_for_key(node.key))
        finally:
            self._restoring = False
        if root is None:
            self.node_selected.emit(None)
            return
        index = self._nearest_index(self._selected_key)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _nearest_index(self, key: Key) -> QModelIndex:
        """The row for `key`, else for the nearest enclosing key this study has, else the first row."""
        for end in range(len(key), 0, -1):
            index = self.model.index_for_key(key[:end])
            if index.isValid():
                return index
        return self.model.index(0, 0)

    def current_node(self) -> Node | None:
        return self.model.node(self.view.currentIndex())

    def trail(self) -> str:
        """Where the current row sits: "NCT01165008 › Eligibility › Inclusion (5)"."""
        index = self.view.currentIndex()
        parts: list[str] = []
        while index.isValid():
            node = self.model.node(index)
            if node is not None:
                parts.append(node.title)
            index = index.parent()
        root = self.model.root
        if root is not None:
            parts.append(root.label)
        return " › ".join(reversed(parts))

    def select_key(self, key: Key) -> bool:
        index = self.model.index_for_key(key)
        if index.isValid():
            parent = index.parent()
            while parent.isValid():
                self.view.expand(parent)
                parent = parent.parent()
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        return index.isValid()

    def set_zoom(self, factor: float) -> None:
        """The window's font carries the zoom; the icons follow it."""
        side = round(16 * factor)
        self.view.setIconSize(QSize(side, side))

    @Slot()
    def copy_current(self) -> None:
        node = self.current_node()
        if node is not None:
            QGuiApplication.clipboard().setText(node.title + (f"\n{node.note}" if node.note else ""))

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = self.view.selectionModel().selectedIndexes()
        node = self.model.data(indexes[0], NODE_ROLE) if indexes else None
        if node is not None:
            self._selected_key = node.key
        self.node_selected.emit(node)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        """Enter or double-click on a linked record opens it."""
        node = self.model.node(index)
        if node is not None and node.kind == "link":
            self.open_requested.emit(node.ref)

    @Slot(QModelIndex)
    def _on_expanded(self, index: QModelIndex) -> None:
        node = self.model.node(index)
        if node is not None and not self._restoring:
            self._expanded.add(node.key)

    @Slot(QModelIndex)
    def _on_collapsed(self, index: QModelIndex) -> None:
        node = self.model.node(index)
        if node is not None:
            self._expanded.discard(node.key)

    @Slot(QPoint)
    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        node = self.model.node(self.view.indexAt(pos))
        if node is not None and node.kind == "link":
            other = node.ref
            menu.addAction(f"&Open {node.label}", lambda: self.open_requested.emit(other))
            menu.addAction(f"&Compare with {node.label}", lambda: self.compare_requested.emit(other))
            menu.addSeparator()
        menu.addAction(self.copy_action)
        menu.addSeparator()
        menu.addAction("Expand All", self.view.expandAll)
        menu.addAction("Collapse All", self.view.collapseAll)
        menu.exec(self.view.viewport().mapToGlobal(pos))
