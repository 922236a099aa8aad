"""The detail pane: readable text, hostile records shown literally and nothing fetched, copy, zoom, large nodes."""

from __future__ import annotations

import html
import threading
from typing import Any, cast

import pytest
from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from viewer.core.model import Contact, Criterion, Eligibility, Site, Source, Study
from viewer.core.outline import Node, outline, site_name
from viewer.core.render import text_size
from viewer.ui import detail_pane
from viewer.ui.detail_pane import SYNC_LIMIT, DetailPane
from viewer.ui.tasks import running_tasks
from viewer.ui.text_document import InertDocument

HOSTILE = "<img src=http://x/y.png> <script>alert(1)</script> [link](file:///etc/passwd) ![](http://x/y.png) # H *e*"


def _hostile() -> Study:
    return Study(
        id="NCT1",
        registry="Test",
        source=Source(file="f", format="t", sha256="0" * 64),
        eligibility=Eligibility(inclusion=(Criterion(text=HOSTILE),)),
        sites=(Site(facility=HOSTILE, contacts=(Contact(name="Dr A", email="a@example.org"),)),),
    )


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


LONG_TRAIL = (
    "NCT01165008 › Eligibility › Inclusion (3) › Men and women aged 18 to 80 years with diagnosis of"
    " PM, DM or IBM based on Peter and Bohan's and Griggs' criteria <i>and</i> & more"
)


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


# Large nodes: rendered in a worker, newest request wins ---------------------------------------------------


def _pane(qtbot: QtBot) -> DetailPane:
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.resize(700, 500)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def _drain(qtbot: QtBot) -> None:
    """Wait until every render task has reported back, so stale results have arrived (and been dropped)."""
    qtbot.waitUntil(lambda: running_tasks() == 0, timeout=60_000)


@pytest.fixture
def large(large_study: Study) -> Node:
    return outline(large_study)


def test_the_large_study_is_over_the_limit_and_its_small_nodes_are_not(large: Node) -> None:
    sites, design = large.find(("sites",)), large.find(("design",))
    us = large.find(("sites", "country", "United States"))
    assert sites is not None and us is not None and design is not None
    assert sites.count == 1218
    assert text_size(sites, SYNC_LIMIT) > SYNC_LIMIT and text_size(us, SYNC_LIMIT) > SYNC_LIMIT
    assert text_size(design, SYNC_LIMIT) <= SYNC_LIMIT


def test_a_large_node_renders_off_the_gui_thread_with_a_busy_hint(
    qtbot: QtBot, large: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    import viewer.core.render as render

    converted: list[tuple[int, int]] = []  # (thread, characters) of every node rendered to HTML
    original = render.node_html

    def recording(node: Node, flavor: Any = "qt", terms: Any = ()) -> str:
        html = original(node, flavor, terms)
        converted.append((threading.get_ident(), len(html)))
        return html

    monkeypatch.setattr(render, "node_html", recording)
    pane = _pane(qtbot)
    sites = large.find(("sites",))
    assert sites is not None
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        pane.show_node(sites, "NCT02465060 › Sites")
        # show_node returned before the render: the hint shows, under this node's title, not the last node's text
        assert pane.busy and pane.busy_hint.isVisibleTo(pane)
        assert " ".join(pane.plain_text().split()) == "Sites (1218) Preparing this section…"
    assert not pane.busy and not pane.busy_hint.isVisibleTo(pane)
    text = pane.plain_text()
    assert text.startswith("Sites (1218)") and "United States (1214)" in text
    assert site_name(cast("tuple[Site, ...]", sites.ref)[-1]) in text  # all of it, to the last site
    main = threading.get_ident()
    big = [thread for thread, size in converted if size > SYNC_LIMIT]
    assert big and main not in big, "the large node was rendered on the GUI thread"
    _drain(qtbot)


def test_the_render_work_runs_in_a_worker_thread(qtbot: QtBot, large: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[int] = []
    original = detail_pane.render_html

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return original(*args, **kwargs)

    monkeypatch.setattr(detail_pane, "render_html", recording)
    pane = _pane(qtbot)
    design, us = large.find(("design",)), large.find(("sites", "country", "United States"))
    assert design is not None and us is not None
    pane.show_node(design, "small")  # small: rendered here and now
    assert threads == [threading.get_ident()] and pane.plain_text().startswith("Design")
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        pane.show_node(us, "large")
    assert len(threads) == 2 and threads[1] != threading.get_ident()
    assert pane.plain_text().startswith("United States (1214)")
    _drain(qtbot)


@pytest.mark.parametrize("honour_cancel", [True, False], ids=["cancelled", "finished-anyway"])
def test_rapid_switching_shows_the_latest_node(
    qtbot: QtBot, large: Node, monkeypatch: pytest.MonkeyPatch, honour_cancel: bool
) -> None:
    if not honour_cancel:  # stale renders run to the end and their HTML arrives: it must still be dropped
        original = detail_pane.render_html

        def ignoring_cancel(node: Node, terms: Any = (), token: Any = None) -> Any:
            return original(node, terms, None)

        monkeypatch.setattr(detail_pane, "render_html", ignoring_cancel)
    pane = _pane(qtbot)
    sites, us = large.find(("sites",)), large.find(("sites", "country", "United States"))
    design, summary = large.find(("design",)), large.find(("summary",))
    assert sites is not None and us is not None and design is not None and summary is not None

    # huge, small, huge, small: the last (small) one shows at once, and stays when the huge ones finish
    for node in (sites, design, us, summary):
        pane.show_node(node, node.title)
    assert pane.plain_text().startswith("Summary") and not pane.busy
    _drain(qtbot)
    assert pane.plain_text().startswith("Summary") and not pane.busy
    assert not pane.busy_hint.isVisibleTo(pane)

    # small, huge, small, huge: only the last huge one shows, never the one before it
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        for node in (design, sites, summary, us):
            pane.show_node(node, node.title)
    assert pane.plain_text().startswith("United States (1214)")
    _drain(qtbot)
    assert pane.plain_text().startswith("United States (1214)") and pane.breadcrumb.trail == us.title
    assert not pane.busy and pane.browser.blocked == []
    # every replaced or stale document is deleted: only the one showing and the few kept for going back are left
    qtbot.waitUntil(lambda: _alive(pane) <= detail_pane.CACHED_DOCUMENTS + 1)


def _alive(pane: DetailPane) -> int:
    return len(set(pane.findChildren(InertDocument)) | {pane.browser.document()})


def test_zooming_a_large_node_keeps_its_text_until_the_new_render_arrives(qtbot: QtBot, large: Node) -> None:
    pane = _pane(qtbot)
    sites = large.find(("sites",))
    assert sites is not None
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        pane.show_node(sites, "trail")
    size = pane.browser.document().defaultFont().pointSizeF()
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        pane.set_zoom(1.5)
        assert pane.busy and pane.plain_text().startswith("Sites (1218)\nPuerto Rico (4)")  # no placeholder
    assert pane.browser.document().defaultFont().pointSizeF() == size * 1.5
    _drain(qtbot)


def test_a_failed_render_says_so(qtbot: QtBot, large: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(node: Node, terms: Any = (), token: Any = None) -> Any:
        raise ValueError("renderer bug")

    pane = _pane(qtbot)
    sites = large.find(("sites",))
    assert sites is not None
    monkeypatch.setattr(detail_pane, "render_html", broken)
    monkeypatch.setattr(detail_pane, "SYNC_LIMIT", -1)  # route even this through the worker
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        pane.show_node(sites, "trail")
    assert "could not be shown: ValueError: renderer bug" in pane.plain_text() and not pane.busy
    _drain(qtbot)


def _marked_words(pane: DetailPane) -> list[str]:
    """The words drawn with a background (a search mark) in the pane's document."""
    out: list[str] = []
    block = pane.browser.document().firstBlock()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().background().style().value != 0:
                out.append(fragment.text())
            it += 1
        block = block.next()
    return out


def test_search_terms_are_marked_and_scrolled_to_even_off_the_gui_thread(qtbot: QtBot, large: Node) -> None:
    pane = _pane(qtbot)
    sites = large.find(("sites",))
    assert sites is not None
    city = next(s.city for s in large.ref.sites if s.city and s.city.isalpha())  # type: ignore[attr-defined]
    pane.set_terms((city.lower(),))
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        pane.show_node(sites, "trail")
    qtbot.waitUntil(lambda: not pane.busy, timeout=60_000)
    words = _marked_words(pane)
    assert words and all(w.lower() == city.lower() for w in words)
    assert pane.browser.textCursor().position() > 0  # the first mark was brought into view
    with qtbot.waitSignal(pane.rendered, timeout=60_000):
        pane.set_terms(())
    qtbot.waitUntil(lambda: not pane.busy, timeout=60_000)
    assert _marked_words(pane) == []
