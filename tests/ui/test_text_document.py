"""Documents for the detail pane and for paper: they load nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QFont, QImage, QTextDocument
from pytestqt.qtbot import QtBot

from viewer.ui.text_document import DocumentLook, InertDocument, build_document

LOOK = DocumentLook(QFont(), "h2 { color: #1d4f86; }")


def _image(tmp_path: Path) -> str:
    path = tmp_path / "probe.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(path))
    return QUrl.fromLocalFile(str(path)).toString()


def test_a_document_loads_no_local_file(tmp_path: Path) -> None:
    url = _image(tmp_path)
    page = f'<p>x<img src="{url}"></p>'
    plain = QTextDocument()  # what this guards against: a plain document reads the file
    plain.setHtml(page)
    assert plain.resource(QTextDocument.ResourceType.ImageResource, QUrl(url)) is not None

    document = build_document(page, LOOK)
    assert isinstance(document, InertDocument)
    assert document.resource(QTextDocument.ResourceType.ImageResource, QUrl(url)) is None
    assert url in document.blocked


def test_the_look_is_applied() -> None:
    font = QFont()
    font.setPointSizeF(17)
    document = build_document("<h2>Title</h2><p>text</p>", DocumentLook(font, LOOK.css, margin=7))
    assert document.defaultFont().pointSizeF() == 17 and document.documentMargin() == 7
    assert document.toPlainText() == "Title\ntext"
    assert document.begin().charFormat().foreground().color().name() == "#1d4f86"


def test_an_image_is_neither_shown_nor_printed(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtGui import QPdfWriter
    from PySide6.QtWidgets import QTextBrowser

    url = _image(tmp_path)  # solid red
    document = build_document(f'<p>before<img src="{url}" width="200" height="200">after</p>', LOOK)
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    document.setParent(browser)
    browser.setDocument(document)
    browser.resize(400, 400)
    browser.show()
    qtbot.waitExposed(browser)
    shot = browser.grab().toImage()
    red = QColor("red")
    assert not any(shot.pixelColor(x, y) == red for x in range(0, shot.width(), 4) for y in range(0, shot.height(), 4))

    pdf = tmp_path / "out.pdf"
    writer = QPdfWriter(str(pdf))
    document.print_(writer)  # printing lays out a copy of the document: it must not load the image either
    del writer
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/Subtype /Image" not in data  # no image object embedded
    assert document.blocked == []  # the image handler never even asks for it
