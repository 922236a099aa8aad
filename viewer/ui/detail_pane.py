"""The detail pane: the selected tree node rendered readably, with nothing in it able to load anything."""

from __future__ import annotations

import html
from collections import OrderedDict
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from viewer.ui.breadcrumb import Breadcrumb, SafeBrowser
from viewer.ui.resources import document_css, icon, is_dark

if TYPE_CHECKING:
    from viewer.core.outline import Node
    from viewer.ui.find_bar import FindBar
    from viewer.ui.tasks import CancelToken, Report, Task, TaskFailure
    from viewer.ui.text_document import DocumentLook, InertDocument

EMPTY_HTML = (
    "<h2>No section selected</h2><p>Choose a study in the library, then a section of its protocol tree.</p>"
    "<p>Open files with <strong>File › Open</strong> (Ctrl+O), a folder with <strong>File › Open Folder</strong>,"
    " or drop them on the window.</p>"
)
# Nodes with more record text than this (characters) have their HTML made in a worker; the document is
# then built on the GUI thread, as every Qt object is (see `tasks`). For the 1,218 sites of NCT02465060
# (~320,000 characters of HTML) the HTML takes ~40 ms and the document ~70 ms here, so a synchronous
# render of a node under the limit stays within a few milliseconds.
SYNC_LIMIT = 20_000
CACHED_DOCUMENTS = 4  # large renders kept, so going back to the 1,214 US sites is instant
BUSY_HTML = "<h2>{title}</h2><p><em>Preparing this section…</em></p>"


def render_html(node: Node, terms: tuple[str, ...] = (), token: CancelToken | None = None) -> str | None:
    """The node's HTML, `terms` marked; None once `token` is cancelled. Plain Python: a worker may run it."""
    from viewer.core.render import node_html

    body = node_html(node, terms=terms)
    if token is not None and token.cancelled:
        return None
    return body


def _html_in_worker(node: Node, terms: tuple[str, ...], token: CancelToken, _report: Report) -> str | None:
    """Worker: only the HTML; the document is built from it on the GUI thread."""
    return render_html(node, terms, token)


class DetailPane(QWidget):
    """Shows one node as HTML (rendered from escaped Markdown); text is selectable and copyable.

    Small nodes render at once; large ones (hundreds of sites) render in a worker while a hint shows,
    and only the newest request's result is ever shown.
    """

    rendered = Signal()  # the current node's text is in place (at once for small nodes, later for large ones)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._node: Node | None = None
        self._factor = 1.0
        self._base_font = QFont(self.font())
        self._task: Task | None = None  # the render in a worker whose result is wanted, if any
        self._keep_scroll = False
        self._replaced = False  # whether one of our documents has replaced the browser's own
        self._cache: OrderedDict[tuple[object, ...], tuple[object, InertDocument]] = OrderedDict()
        self._cache_owner = QObject(self)  # parent of cached documents: the browser never deletes them
        self._pending_key: tuple[object, ...] | None = None
        self._pending_look: DocumentLook | None = None
        self._terms: tuple[str, ...] = ()  # a search's words, marked in what is shown
        self.breadcrumb = Breadcrumb(self)
        self.busy_hint = QLabel("Rendering…", self)
        self.busy_hint.setObjectName("busyHint")
        self.busy_hint.setAccessibleName("Rendering the section")
        self.busy_hint.hide()
        self.copy_button = QToolButton(self)
        self.copy_button.setIcon(icon("copy"))
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the selected text, or all of it when nothing is selected")
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.copy_button.setAutoRaise(True)
        self.copy_button.clicked.connect(self.copy_text)
        self.browser = SafeBrowser(self)
        self.browser.setAccessibleName("Details")
        self.browser.setAccessibleDescription("The selected section of the protocol, as text")

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.breadcrumb, 1)
        bar.addWidget(self.busy_hint)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        self._find_bar: FindBar | None = None
        self._layout = layout
        layout.addWidget(self.browser)
        self.setFocusProxy(self.browser)
        self._render()

    @property
    def node(self) -> Node | None:
        return self._node

    @property
    def busy(self) -> bool:
        """Whether a render is running in a worker (its hint is showing)."""
        return self._task is not None

    def show_node(self, node: Node | None, trail: str = "") -> None:
        previous, self._node = self._node, node
        self.breadcrumb.set_trail(trail)
        if node is not None or previous is not None:  # the empty page is already showing otherwise
            self._render(keep_scroll=False)

    @property
    def terms(self) -> tuple[str, ...]:
        return self._terms

    def set_terms(self, terms: tuple[str, ...]) -> None:
        """Mark these words (a search's, folded; `word*` a prefix) in every section shown, until changed."""
        if terms != self._terms:
            self._terms = terms
            if self._node is not None:
                self._render(keep_scroll=False)

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    @property
    def find_bar(self) -> FindBar:
        """Find in details, built the first time it is asked for (not needed to paint the window)."""
        if self._find_bar is None:
            from viewer.ui.find_bar import FindBar

            self._find_bar = FindBar(self.browser, self)
            self._find_bar.closed.connect(self.browser.setFocus)
            self._layout.insertWidget(self._layout.indexOf(self.browser), self._find_bar)
        return self._find_bar

    @Slot()
    def open_find(self) -> None:
        self.find_bar.open()

    @Slot()
    def find_next(self) -> None:
        self.find_bar.find_next()

    @Slot()
    def find_previous(self) -> None:
        self.find_bar.find_previous()

    def set_zoom(self, factor: float) -> None:
        if factor != self._factor:
            self._factor = factor
            self._render()

    @Slot()
    def copy_text(self) -> None:
        cursor = self.browser.textCursor()
        text = cursor.selection().toPlainText() if cursor.hasSelection() else self.browser.toPlainText()
        QGuiApplication.clipboard().setText(text)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.copy_button.setIcon(icon("copy"))
            self._render()

    def _font(self) -> QFont:
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * self._factor)
        return font

    def _look(self) -> DocumentLook:
        from viewer.ui.text_document import DocumentLook  # its document type is built after first paint

        return DocumentLook(self._font(), document_css(is_dark(self.palette())))

    def _fill_own_document(self) -> None:
        """The empty page in the browser's own document: no resource-refusing type needed for our static text."""
        document = self.browser.document()
        document.setDefaultFont(self._font())
        document.setDefaultStyleSheet(document_css(is_dark(self.palette())))
        document.setDocumentMargin(12)  # as DocumentLook's default margin
        document.setHtml(EMPTY_HTML)

    def _render(self, keep_scroll: bool = True) -> None:
        """Show the current node: here and now when it is small, else in a worker (a newer request wins)."""
        if self._task is not None:
            self._task.cancel()  # its result, should it still come, is dropped: `_task` no longer names it
            self._task = None
            self.busy_hint.hide()
        node = self._node
        if node is None and not self._replaced:  # start-up: the browser's own document is still showing
            self._fill_own_document()
            self.rendered.emit()
            return
        from viewer.ui.text_document import build_document

        look = self._look()
        if node is None:  # the empty page: nothing to keep scrolled (and no scroll bar wrapped before paint)
            self._show(build_document(EMPTY_HTML, look), keep_scroll=False)
            self.rendered.emit()
            return
        from viewer.core.render import text_size

        if text_size(node, SYNC_LIMIT) <= SYNC_LIMIT:
            body = render_html(node, self._terms)
            assert body is not None  # no token, so never cancelled
            self._show(build_document(body, look), keep_scroll)
            self.rendered.emit()
            return
        key = (node.key, self._factor, is_dark(self.palette()), self._terms)
        cached = self._cache.get(key)
        if cached is not None and cached[0] is node.ref:
            self._cache.move_to_end(key)
            self._show(cached[1], keep_scroll)
            self.rendered.emit()
            return
        from viewer.ui.tasks import run_task  # loaded only once a large node is shown

        self._pending_key = key
        self._pending_look = look
        if not keep_scroll:  # another node: the last one's text must not stay under this one's trail
            self._show(build_document(BUSY_HTML.format(title=html.escape(node.title)), look), keep_scroll=False)
        self._keep_scroll = keep_scroll
        self.busy_hint.show()
        self._task = run_task(partial(_html_in_worker, node, self._terms), self._on_rendered, self._on_render_failed)

    def _claim(self, sender: QObject | None) -> bool:
        """Whether a worker's report answers the newest request (then it is no longer pending)."""
        if sender is None or sender is not self._task:
            return False
        self._task = None
        self.busy_hint.hide()
        return True

    @Slot(object)
    def _on_rendered(self, body: str | None) -> None:
        if not self._claim(self.sender()):
            return  # stale: a newer request replaced it
        if body is not None and self._pending_look is not None:  # None only when cancelled: quitting
            from viewer.ui.text_document import build_document

            document = build_document(body, self._pending_look)
            self._remember(document)
            self._show(document, self._keep_scroll)
            self.rendered.emit()

    def _remember(self, document: InertDocument) -> None:
        """Keep a large render for when its node is shown again; the oldest beyond the limit is let go."""
        if self._pending_key is None or self._node is None:
            return
        document.setParent(self._cache_owner)
        self._cache[self._pending_key] = (self._node.ref, document)
        while len(self._cache) > CACHED_DOCUMENTS:
            _, (_, old) = self._cache.popitem(last=False)
            if old is self.browser.document():
                old.setParent(self.browser)  # showing now: deleted when replaced, as any other
            else:
                old.deleteLater()

    @Slot(object)
    def _on_render_failed(self, failure: TaskFailure) -> None:
        if self._claim(self.sender()):
            title = html.escape(self._node.title if self._node is not None else "")
            page = f"<h2>{title}</h2><p>This section could not be shown: {html.escape(str(failure))}</p>"
            from viewer.ui.text_document import build_document

            self._show(build_document(page, self._look()), keep_scroll=False)
            self.rendered.emit()

    def _show(self, document: InertDocument, keep_scroll: bool) -> None:
        self._replaced = True
        bar = self.browser.verticalScrollBar()
        scroll = bar.value() if keep_scroll else 0
        document.blocked = self.browser.blocked
        if document.parent() is not self._cache_owner:  # cached documents stay owned by the cache
            document.setParent(self.browser)
        previous = self.browser.document()
        ours = previous.parent() is self.browser  # the browser deletes only the document it made itself
        self.browser.setDocument(document)
        if ours and previous is not document:
            previous.deleteLater()
        bar.setValue(scroll)
        if self._terms and not keep_scroll:
            self._reveal_first_match()
        if self._find_bar is not None and self._find_bar.isVisible():
            self._find_bar.refresh()

    def _reveal_first_match(self) -> None:
        """Scroll to the first marked word, so a search hit deep in a long section is in view."""
        from viewer.core.highlight import Terms, spans

        terms = Terms.of(self._terms)
        block = self.browser.document().firstBlock()
        while block.isValid():
            first = next(spans(block.text(), terms), None)
            if first is not None:
                cursor = self.browser.textCursor()
                cursor.setPosition(block.position() + first[0])
                self.browser.setTextCursor(cursor)
                self.browser.ensureCursorVisible()
                return
            block = block.next()
