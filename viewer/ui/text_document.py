"""Rich-text documents that load nothing, built on the GUI thread from HTML a worker may have made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QFont, QPyTextObject, QTextDocument, QTextFormat

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
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

    Requests are recorded in `blocked`. Made, laid out and painted on the GUI thread only: see `tasks`
    for the deadlock a worker building one can cause.
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
    """How a document is set: font, style sheet, margin."""

    font: QFont
    css: str
    margin: float = 12


def build_document(body: str, look: DocumentLook) -> InertDocument:
    """The HTML `body` as a document set in `look`."""
    document = InertDocument()
    document.setDefaultFont(QFont(look.font))
    document.setDefaultStyleSheet(look.css)  # applies to HTML set after it, so it comes first
    document.setDocumentMargin(look.margin)
    document.setHtml(body)
    return document
