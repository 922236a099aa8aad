"""The search result list: a thin model over a result's hits, and a delegate that draws each as three lines
(title; id, registry, status and phase; the snippet with its matched words marked)."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from viewer.ui.resources import document_css, is_dark
from viewer.ui.text_document import InertDocument

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QListView

    from viewer.core.search import Hit

    Index = QModelIndex | QPersistentModelIndex

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
HTML_ROLE = Qt.ItemDataRole.UserRole + 2
LINES = 4  # title, facts, two lines of snippet
PADDING = 6
LEAD_IN = 40  # characters of context kept before a snippet's first matched word
REGISTRY_LABELS = {"ctgov": "ClinicalTrials.gov", "euctr": "EU CTR", "ictrp": "WHO ICTRP", "usdm": "USDM"}


def label(key: str, value: str) -> str:
    """A filter value as people read it: PHASE2 -> Phase 2, NOT_YET_RECRUITING -> Not yet recruiting."""
    from viewer.core.outline import humanize

    if not value:
        return "Not stated"
    if key == "registry":
        return REGISTRY_LABELS.get(value, value)
    if key == "phase":
        steps = re.findall(r"EARLY_PHASE1|PHASE(\d)", value.upper())
        if steps:
            return "Phase " + "/".join(step or "Early 1" for step in steps)
        if value.upper() in {"NA", "N/A"}:
            return "Phase not applicable"
    text = humanize(value)
    return text[:1].upper() + text[1:]


def facts_line(hit: Hit) -> str:
    """id · registry · status · phase (plain text)."""
    parts = (hit.id, label("registry", hit.registry), label("status", hit.status) if hit.status else "",
             label("phase", hit.phase) if hit.phase else "")  # fmt: skip
    return " · ".join(p for p in parts if p)


def hit_html(hit: Hit) -> str:
    """The snippet: record text escaped; the marks (matched words) are ours."""
    snippet = "".join(
        f'<span class="match">{html.escape(text)}</span>' if matched else html.escape(text)
        for text, matched in lead_in(hit.snippet_runs)
    )
    where = html.escape(hit.snippet_field.replace("_", " "))
    return f"<span class='note'>{where}:</span> {snippet}"


def lead_in(runs: tuple[tuple[str, bool], ...], before: int = LEAD_IN) -> list[tuple[str, bool]]:
    """The snippet from a little before its first matched word, so two lines show the match, not what precedes."""
    out = [(re.sub(r"\s+", " ", text), matched) for text, matched in runs]
    first = next((i for i, (_, matched) in enumerate(out) if matched), None)
    if first is None:
        return out
    context = "".join(text for text, _ in out[:first])
    if len(context) > before:
        cut = context[-before:]
        cut = cut[cut.find(" ") + 1 :] if " " in cut else cut
        return [("…" + cut, False), *out[first:]]
    return out


class HitModel(QAbstractListModel):
    """The hits of the current result, in rank order; more arrive in pages as the list is scrolled."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._html: dict[int, str] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title or hit.id
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title or hit.id}, {hit.id}. {''.join(text for text, _ in hit.snippet_runs)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{hit.id}\n{hit.file}" + (f"\n{hit.member}" if hit.member else "")
        if role == HIT_ROLE:
            return hit
        if role == HTML_ROLE:
            cached = self._html.get(index.row())
            if cached is None:
                cached = self._html[index.row()] = hit_html(hit)
            return cached
        return None

    def hit(self, row: int) -> Hit:
        return self._hits[row]

    def hits(self) -> list[Hit]:
        return list(self._hits)

    def set_hits(self, hits: tuple[Hit, ...]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._html.clear()
        self.endResetModel()

    def append_hits(self, hits: tuple[Hit, ...]) -> None:
        if not hits:
            return
        first = len(self._hits)
        self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
        self._hits.extend(hits)
        self.endInsertRows()


class HitDelegate(QStyledItemDelegate):
    """Each hit in a fixed height (every row alike, so a long list lays out at once), drawn as rich text."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self._document = InertDocument()
        self._dark: bool | None = None

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(200, option.fontMetrics.lineSpacing() * LINES + 2 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        hit = index.data(HIT_ROLE)
        if hit is None:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text_colour if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        rect = opt.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        line = opt.fontMetrics.lineSpacing()
        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_colour)
        title = QFontMetrics(bold).elidedText(hit.title or hit.id, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(opt.font)
        painter.setPen(muted)
        facts = opt.fontMetrics.elidedText(facts_line(hit), Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(QRect(rect.left(), rect.top() + line, rect.width(), line), Qt.AlignmentFlag.AlignLeft, facts)
        dark = is_dark(self._view.palette())
        if dark != self._dark:
            self._document.setDefaultStyleSheet(document_css(dark))
            self._dark = dark
        snippet = index.data(HTML_ROLE) or ""
        if selected:
            snippet = snippet.replace("<span class='note'>", "<span>")  # muted grey is unreadable on the selection
        document = self._document
        document.setDefaultFont(opt.font)
        document.setDocumentMargin(0)
        document.setHtml(snippet)
        document.setTextWidth(max(rect.width(), 10))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, text_colour)
        top = rect.top() + 2 * line
        painter.translate(rect.left(), top)
        painter.setClipRect(QRectF(0, 0, rect.width(), (LINES - 2) * line))
        document.documentLayout().draw(painter, context)
        painter.restore()
