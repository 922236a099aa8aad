"""The detail pane: the selected tree node rendered readably, with nothing in it able to load anything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QToolButton, QVBoxLayout, QWidget

from viewer.ui.resources import document_css, icon, is_dark

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QResizeEvent

    from viewer.core.outline import Node

EMPTY_HTML = (
    "<h2>No section selected</h2><p>Choose a study in the library, then a section of its protocol tree.</p>"
    "<p>Open files with <strong>File › Open</strong> (Ctrl+O), a folder with <strong>File › Open Folder</strong>,"
    " or drop them on the window.</p>"
)


class _SafeBrowser(QTextBrowser):
    """A text browser that never fetches: no files, no images, no URLs, and links do not navigate."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )

    def loadResource(self, type: int, name: QUrl | str, /) -> Any:
        self.blocked.append(name if isinstance(name, str) else name.toString())
        return None


class _Breadcrumb(QLabel):
    """Where the shown node sits, on one line: elided with "…" to fit, the whole trail in the tool tip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trail = ""
        self.setObjectName("breadcrumb")
        self.setTextFormat(Qt.TextFormat.PlainText)  # record text: never as rich text
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMinimumWidth(10)  # a long trail must not widen the pane; it is elided instead

    @property
    def trail(self) -> str:
        """The whole trail, however much of it fits."""
        return self._trail

    def set_trail(self, trail: str) -> None:
        self._trail = trail
        self.setAccessibleName(trail)
        tip = ""
        if trail:
            import html

            tip = f"<p>{html.escape(trail)}</p>"  # escaped rich text: a tool tip would render markup in a record
        self.setToolTip(tip)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self.isVisible():  # no real width yet; the resize that comes with showing elides
            self.setText(self._trail)
            return
        width = self.contentsRect().width()
        self.setText(self.fontMetrics().elidedText(self._trail, Qt.TextElideMode.ElideRight, width))


class DetailPane(QWidget):
    """Shows one node as HTML (rendered from escaped Markdown); text is selectable and copyable."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._node: Node | None = None
        self._factor = 1.0
        self._base_font = QFont(self.font())
        self.breadcrumb = _Breadcrumb(self)
        self.copy_button = QToolButton(self)
        self.copy_button.setIcon(icon("copy"))
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy the selected text, or all of it when nothing is selected")
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.copy_button.setAutoRaise(True)
        self.copy_button.clicked.connect(self.copy_text)
        self.browser = _SafeBrowser(self)
        self.browser.setAccessibleName("Details")
        self.browser.setAccessibleDescription("The selected section of the protocol, as text")

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.breadcrumb, 1)
        bar.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.browser)
        self.setFocusProxy(self.browser)
        self._render()

    @property
    def node(self) -> Node | None:
        return self._node

    def show_node(self, node: Node | None, trail: str = "") -> None:
        previous, self._node = self._node, node
        self.breadcrumb.set_trail(trail)
        if node is not None or previous is not None:  # the empty page is already showing otherwise
            self._render(keep_scroll=False)

    def plain_text(self) -> str:
        return self.browser.toPlainText()

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

    def _render(self, keep_scroll: bool = True) -> None:
        if self._node is None:
            body = EMPTY_HTML
        else:
            from viewer.core.render import markdown_to_html, render_node  # loads markdown on first use

            body = markdown_to_html(render_node(self._node, level=2))
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * self._factor)
        document = self.browser.document()
        document.setDefaultFont(font)
        document.setDefaultStyleSheet(document_css(is_dark(self.palette())))
        document.setDocumentMargin(12)
        if self._node is None:  # the empty page: nothing to keep scrolled (and no scroll bar wrapped before paint)
            self.browser.setHtml(body)
            return
        scroll = self.browser.verticalScrollBar().value() if keep_scroll else 0
        self.browser.setHtml(body)
        self.browser.verticalScrollBar().setValue(scroll)
