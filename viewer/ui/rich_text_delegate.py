"""Item cells drawn as rich text (marked words: underline, strike-through, colours from the style sheet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView

from viewer.ui.resources import document_css, is_dark
from viewer.ui.text_document import InertDocument

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter

    Index = QModelIndex | QPersistentModelIndex

PADDING = 4


class RichTextDelegate(QStyledItemDelegate):
    """Paints the model's `html_role` as an inert document; heights measured from the plain text (fast), so
    a view of thousands of rows lays out without building a document per row."""

    def __init__(self, view: QTreeView, html_role: int) -> None:
        super().__init__(view)
        self._view = view
        self._role = html_role
        self._document = InertDocument()  # one, re-filled per cell painted: the cells are small
        self._css_dark: bool | None = None

    def _prepare(self, html: str, width: float, option: QStyleOptionViewItem) -> QTextDocument:
        dark = is_dark(self._view.palette())
        if dark != self._css_dark:
            self._document.setDefaultStyleSheet(document_css(dark))
            self._css_dark = dark
        self._document.setDefaultFont(option.font)
        self._document.setDocumentMargin(0)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._document.setDefaultTextOption(text_option)
        self._document.setHtml(html)
        self._document.setTextWidth(max(width, 10))
        return self._document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        html = index.data(self._role)
        if html is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = opt.rect.adjusted(PADDING, PADDING // 2, -PADDING, 0)
        document = self._prepare(html, rect.width(), opt)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if index.data(self._role) is None or not text:
            return super().sizeHint(option, index)
        width = max(self._view.columnWidth(index.column()) - 2 * PADDING, 20)
        if index.column() == 0 and not index.parent().isValid():
            return QSize(width, option.fontMetrics.height() + 2 * PADDING)
        metrics = option.fontMetrics
        flags = int(Qt.TextFlag.TextWordWrap)
        bounds = metrics.boundingRect(0, 0, width, 100_000, flags, text)
        return QSize(width, bounds.height() + PADDING + 2)
