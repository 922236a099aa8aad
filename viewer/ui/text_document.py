"""Rich-text documents that load nothing, built in whichever thread (worker or GUI) needs them first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QFont, QPyTextObject, QTextDocument, QTextFormat

if TYPE_CHECKING:
    from PySide6.QtCore import QThread, QUrl
    from PySide6.QtGui import QPainter


class _NoImages(QPyTextObject):
    """Lays out and draws every image as nothing.

    Qt's own image handler reads a local file itself when the document declines to load it, so declining
    in `loadResource` alone is not enough; this handler takes its place.
    """

    def intrinsicSize(self, doc: QTextDocument, posInDocument: int, format: QTextFormat) -> QSizeF:
        return QSizeF(0, 0)

    def drawObject(
        self, painter: QPainter, rect: object, doc: QTextDocument, posInDocument: int, format: QTextFormat
    ) -> None:
        return None


class InertDocument(QTextDocument):
    """A text document that never loads anything: no files, no images, no style sheets, no URLs.

    Requests are recorded in `blocked`. It is not a widget, so a worker may build and lay it out (Qt
    supports QTextDocument, and QPainter on a QPdfWriter or QPrinter, outside the GUI thread).
    """

    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        # A child, so it moves to another thread with the document and is deleted with it.
        self.documentLayout().registerHandler(QTextFormat.ObjectTypes.ImageObject, _NoImages(self))

    def loadResource(self, type: int, name: QUrl | str, /) -> Any:
        self.blocked.append(name if isinstance(name, str) else name.toString())
        return None


@dataclass(frozen=True)
class DocumentLook:
    """How a document is set: font, style sheet, margin. Plain values, so a worker can be given them."""

    font: QFont
    css: str
    margin: float = 12


def build_document(body: str, look: DocumentLook, thread: QThread | None = None) -> InertDocument:
    """The HTML `body` as a document set in `look`; built in this thread, then handed to `thread` if given.

    A worker passes the GUI thread so the document can be shown there (a QObject can only be pushed to
    another thread by the thread it lives in).
    """
    document = InertDocument()
    document.setDefaultFont(QFont(look.font))
    document.setDefaultStyleSheet(look.css)  # applies to HTML set after it, so it comes first
    document.setDocumentMargin(look.margin)
    document.setHtml(body)
    if thread is not None:
        document.moveToThread(thread)
    return document
