"""The detail pane: readable text, hostile records shown literally and nothing fetched, copy, zoom."""

from __future__ import annotations

import html

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
    assert pane.breadcrumb.text() == "<b>not bold</b>" == pane.breadcrumb.trail
    assert pane.breadcrumb.textFormat().name == "PlainText"
    assert pane.breadcrumb.toolTip() == "<p>&lt;b&gt;not bold&lt;/b&gt;</p>"  # the tool tip shows it literally too


LONG_TRAIL = ("NCT01165008 › Eligibility › Inclusion (3) › Men and women aged 18 to 80 years with diagnosis of"
              " PM, DM or IBM based on Peter and Bohan's and Griggs' criteria <i>and</i> & more")


def test_a_long_breadcrumb_is_elided_to_fit_with_the_whole_trail_in_its_tool_tip(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.resize(360, 300)
    pane.show()
    qtbot.waitExposed(pane)
    crumb = pane.breadcrumb
    pane.show_node(None, LONG_TRAIL)
    shown = crumb.text()
    assert shown != LONG_TRAIL and shown.endswith("…") and LONG_TRAIL.startswith(shown[:-1])
    assert shown.startswith("NCT01165008 › Eligibility")
    assert crumb.fontMetrics().horizontalAdvance(shown) <= crumb.contentsRect().width()
    assert crumb.trail == LONG_TRAIL and crumb.accessibleName() == LONG_TRAIL
    assert crumb.toolTip() == f"<p>{html.escape(LONG_TRAIL)}</p>"
    assert pane.width() <= 360  # the trail never widens the pane

    pane.resize(2400, 300)  # room for all of it: shown whole again
    qtbot.waitUntil(lambda: crumb.text() == LONG_TRAIL)
    pane.resize(360, 300)
    qtbot.waitUntil(lambda: crumb.text().endswith("…"))

    pane.show_node(None, "NCT1 › Summary")  # a short trail is never elided
    assert crumb.text() == "NCT1 › Summary" and crumb.toolTip() == "<p>NCT1 › Summary</p>"
    pane.show_node(None, "")
    assert crumb.text() == "" and crumb.toolTip() == ""


def test_zoom_enlarges_the_text(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    before = pane.browser.document().defaultFont().pointSizeF()
    pane.set_zoom(1.5)
    assert pane.browser.document().defaultFont().pointSizeF() == before * 1.5
