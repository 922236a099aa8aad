"""A comparison as an item model: one top-level row per section (with its counts), one child row per change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt

from viewer.core.diff.html_report import word_runs
from viewer.core.diff.report import KIND_WORDS, SECTION_TITLES, counts_words
from viewer.core.diff.words import elide, side
from viewer.core.html_writer import inline_html

if TYPE_CHECKING:
    from viewer.core.diff.model import Change, Comparison
    from viewer.core.diff.words import Words

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Change", "Where", "A", "B", "A → B")
KIND, WHERE, SIDE_A, SIDE_B, INLINE = range(5)
HTML_ROLE = Qt.ItemDataRole.UserRole + 1  # the cell as rich text (our markup; record text escaped)
CHANGE_ROLE = Qt.ItemDataRole.UserRole + 2  # the Change of a row (None for a section row)
_NO_PARENT = 0xFFFFFFFF  # internalId of a section row; a change row's internalId is its section's row
CONTEXT_WORDS = 12  # unchanged words kept either side of an edit in a cell
UNCHANGED_WORDS = 40  # words shown of an unchanged text


class DiffModel(QAbstractItemModel):
    """Sections and their changes, thin over a `Comparison`; "only differences" hides unchanged rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._comparison: Comparison | None = None
        self._only_differences = True
        self._sections: list[tuple[str, str, list[Change]]] = []  # name, title with counts, rows shown

    # --- what it shows ---

    @property
    def comparison(self) -> Comparison | None:
        return self._comparison

    def set_comparison(self, comparison: Comparison | None) -> None:
        self.beginResetModel()
        self._comparison = comparison
        self._rebuild()
        self.endResetModel()

    @property
    def only_differences(self) -> bool:
        return self._only_differences

    def set_only_differences(self, only: bool) -> None:
        if only != self._only_differences:
            self.beginResetModel()
            self._only_differences = only
            self._rebuild()
            self.endResetModel()

    def _rebuild(self) -> None:
        self._sections = []
        if self._comparison is None:
            return
        counts = self._comparison.counts()
        for name, changes in self._comparison.sections:
            rows = [c for c in changes if c.kind != "unchanged" or not self._only_differences]
            self._sections.append((name, f"{SECTION_TITLES[name]} — {counts_words(counts[name])}", rows))

    def change(self, index: Index) -> Change | None:
        if not index.isValid() or index.internalId() == _NO_PARENT:
            return None
        return self._sections[index.internalId()][2][index.row()]

    def change_indexes(self) -> list[QModelIndex]:
        """The first cell of every row that is a difference, in order (for next / previous change)."""
        out = []
        for s, (_, _, rows) in enumerate(self._sections):
            parent = self.index(s, 0)
            out += [self.index(r, 0, parent) for r, c in enumerate(rows) if c.kind != "unchanged"]
        return out

    # --- the model interface ---

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _NO_PARENT)
        return self.createIndex(row, column, parent.row())

    def parent(self, child: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == _NO_PARENT:
            return QModelIndex()
        return self.createIndex(child.internalId(), 0, _NO_PARENT)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._sections)
        if parent.internalId() == _NO_PARENT and parent.column() == 0:
            return len(self._sections[parent.row()][2])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.ToolTipRole and self._comparison is not None:
                v = self._comparison.version_a if section == SIDE_A else self._comparison.version_b
                return f"{v.id} · {v.file}" if section in (SIDE_A, SIDE_B) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _NO_PARENT:
            return self._section_data(index, role)
        change = self.change(index)
        if change is None:
            return None
        column = index.column()
        if role == CHANGE_ROLE:
            return change
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(change, column)
        if role == HTML_ROLE:
            return cell_html(change, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return spoken(change, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == WHERE:
            import html

            return "<p>" + html.escape(change.path + (f" ({change.note})" if change.note else "")) + "</p>"
        return None

    def _section_data(self, index: Index, role: int) -> Any:
        if not 0 <= index.row() < len(self._sections):
            return None
        _, title, rows = self._sections[index.row()]
        if index.column() != 0:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return title if rows or not self._only_differences else f"{title.split(' — ')[0]} — no differences"
        if role == HTML_ROLE:
            import html

            return f"<b>{html.escape(self._section_data(index, Qt.ItemDataRole.DisplayRole))}</b>"
        return None


def _cell_words(change: Change, column: int) -> Words:
    if change.kind == "changed":
        words = change.words if column == INLINE else side(change.words, "a" if column == SIDE_A else "b")
        return elide(words, CONTEXT_WORDS)
    value = change.a if column == SIDE_A else change.b if column == SIDE_B else (change.b or change.a)
    if change.kind == "added":
        return (("+", value),) if value else ()
    if change.kind == "removed":
        return (("-", value),) if value else ()
    return _shortened(value or "")


def _shortened(text: str) -> Words:
    words = text.split(" ")
    return (("=", text if len(words) <= UNCHANGED_WORDS else " ".join(words[:UNCHANGED_WORDS]) + " …"),)


def cell_text(change: Change, column: int) -> str:
    if column == KIND:
        return f"{change.marker} {KIND_WORDS[change.kind]}"
    if column == WHERE:
        return change.path + (f" ({change.note})" if change.note else "")
    return "".join(text for _, text in _cell_words(change, column))


def cell_html(change: Change, column: int) -> str:
    import html

    if column == KIND:
        sign = html.escape(change.marker)
        return f'<span class="gutter">{sign}</span> <span class="{change.kind}">{KIND_WORDS[change.kind]}</span>'
    if column == WHERE:
        note = f' <span class="note">({html.escape(change.note)})</span>' if change.note else ""
        return html.escape(change.path) + note
    return inline_html(word_runs(_cell_words(change, column)))


def spoken(change: Change, column: int) -> str:
    """What a screen reader says for a cell: the kind in words, and edits as "deleted …", "inserted …"."""
    if column == KIND:
        return f"{KIND_WORDS[change.kind]}: {change.path}"
    if column == WHERE:
        return cell_text(change, WHERE)
    label = {SIDE_A: "A", SIDE_B: "B", INLINE: "A to B"}[column]
    parts = []
    for op, text in _cell_words(change, column):
        parts.append(text if op == "=" else f"[{'deleted' if op == '-' else 'inserted'}: {text}]")
    return f"{label}: {''.join(parts) or 'nothing'}"
