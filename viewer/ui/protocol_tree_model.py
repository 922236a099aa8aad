"""The protocol tree of one study as a Qt item model: a thin adapter over viewer.core.outline nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from viewer.ui.resources import icon

if TYPE_CHECKING:  # the outline module loads with the first study, after the window is painted
    from viewer.core.outline import Node

Index = QModelIndex | QPersistentModelIndex
NODE_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2

# Keyed by Kind values: Kind is a StrEnum, so its members find these directly.
SECTION_ICONS = {
    "summary": "summary",
    "eligibility": "eligibility",
    "outcomes": "outcomes",
    "sites": "sites",
    "design": "design",
    "arms": "arms",
    "contacts": "contacts",
    "references": "references",
    "extra": "extra",
    "source": "source",
    "warnings": "warning",
    "contact": "contacts",
}


class ProtocolTreeModel(QAbstractItemModel):
    """Rows are outline nodes; the node index (parent and row of each node) is built once per study."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root: Node | None = None
        self._parent: dict[int, Node | None] = {}
        self._row: dict[int, int] = {}
        self._bold = QFont()
        self._bold.setWeight(QFont.Weight.DemiBold)

    @property
    def root(self) -> Node | None:
        return self._root

    def set_root(self, root: Node | None) -> None:
        """Show another study's outline (None: nothing)."""
        self.beginResetModel()
        self._root = root
        self._parent.clear()
        self._row.clear()
        if root is not None:
            self._index_children(root, None)
        self.endResetModel()

    def _index_children(self, node: Node, parent: Node | None) -> None:
        for row, child in enumerate(node.children):
            self._parent[id(child)] = parent
            self._row[id(child)] = row
            self._index_children(child, child)

    def node(self, index: Index) -> Node | None:
        if not index.isValid():
            return None
        node: Node | None = index.internalPointer()  # only outline nodes are ever stored there
        return node

    def _children(self, node: Node | None) -> tuple[Node, ...]:
        if node is not None:
            return node.children
        return self._root.children if self._root is not None else ()

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        children = self._children(self.node(parent))
        if column != 0 or not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None:
            return QModelIndex()
        parent = self._parent.get(id(node))
        if parent is None:
            return QModelIndex()
        return self.createIndex(self._row[id(parent)], 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(self.node(parent)))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self.node(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{node.title}  ·  {node.note}" if node.note else node.title
        if role == NODE_ROLE:
            return node
        if role == KEY_ROLE:
            return node.key
        if role == Qt.ItemDataRole.ToolTipRole:
            # Escaped and wrapped: Qt would otherwise render markup found in a record.
            import html

            text = node.title + (f" ({node.note})" if node.note else "")
            return f"<p>{html.escape(text)}</p>"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return node.title + (f", {node.note}" if node.note else "")
        if role == Qt.ItemDataRole.FontRole and self._parent.get(id(node)) is None:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and node.empty:  # "none stated": muted, from the palette
            return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.DecorationRole and node.kind in SECTION_ICONS:
            return icon(SECTION_ICONS[node.kind])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and section == 0 and role == Qt.ItemDataRole.DisplayRole:
            return "Protocol"
        return None

    def index_for_key(self, key: tuple[str | int, ...]) -> QModelIndex:
        """The index of the node with this key path, or an invalid index."""
        node = self._root.find(key) if self._root is not None else None
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(self._row[id(node)], 0, node)
