"""The detail pane: readable text, hostile records shown literally and nothing fetched, copy, zoom."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from viewer.core.model import Contact, Criterion, Eligibility, Site, Source, Study
from viewer.core.outline import outline
from viewer.ui.detail_pane import DetailPane

HOSTILE = "<img src=http://x/y.png> <script>alert(1)</script> [link](file:///etc/passwd) ![](http://x/y.png) # H *e*"


def _hostile() -> Study:
    return Study(id="NCT1", registry="Test", source=Source(file="f", format="t", sha256="0" * 64),
                 eligibility=Eligibility(inclusion=(Criterion(text=HOSTILE),)),
                 sites=(Site(facility=HOSTILE, contacts=(Contact(name="Dr A", email="a@example.org"),)),))


def test_empty_state_explains_what_to_do(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    assert "No section selected" in pane.plain_text()


def test_hostile_text_is_literal_and_nothing_is_loaded(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show()
    qtbot.waitExposed(pane)
    for node in outline(_hostile()).walk():
        pane.show_node(node, "trail")
        pane.repaint()
    root = outline(_hostile())
    pane.show_node(root.find(("eligibility", "inclusion", 0)), "NCT1 › Eligibility")
    assert HOSTILE in " ".join(pane.plain_text().split())
    assert pane.browser.blocked == []
    assert pane.browser.document().allFormats()  # rendered
    html = pane.browser.toHtml()
    assert "<img" not in html and "href" not in html


def test_browser_refuses_every_resource(qtbot: QtBot) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    pane = DetailPane()
    qtbot.addWidget(pane)
    assert pane.browser.loadResource(QTextDocument.ResourceType.ImageResource, QUrl("file:///etc/passwd")) is None
    assert not pane.browser.openLinks() and not pane.browser.openExternalLinks()


def test_contact_details_are_selectable_and_copyable(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    contact = outline(_hostile()).find(("sites", 0, "contacts", 0))
    pane.show_node(contact, "trail")
    assert "Email: a@example.org" in pane.plain_text()
    pane.copy_text()
    assert "a@example.org" in QGuiApplication.clipboard().text()
    cursor = pane.browser.document().find("a@example.org")
    pane.browser.setTextCursor(cursor)
    pane.copy_button.click()
    assert QGuiApplication.clipboard().text() == "a@example.org"
    pane.browser.moveCursor(QTextCursor.MoveOperation.Start)


def test_breadcrumb_is_plain_text(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show_node(None, "<b>not bold</b>")
    assert pane.breadcrumb.text() == "<b>not bold</b>"
    assert pane.breadcrumb.textFormat().name == "PlainText"


def test_zoom_enlarges_the_text(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    before = pane.browser.document().defaultFont().pointSizeF()
    pane.set_zoom(1.5)
    assert pane.browser.document().defaultFont().pointSizeF() == before * 1.5
