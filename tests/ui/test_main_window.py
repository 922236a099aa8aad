"""The main window end to end: open both seeds, walk every tree node, check the details; menus and habits."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import SAMPLE, SEED_FILES
from viewer.core.outline import Kind
from viewer.ui.main_window import APP_TITLE, MainWindow
from viewer.ui.session import bundled_files
from viewer.ui.settings import Settings

EXPECTED = {
    "NCT01165008": {
        ("eligibility", "inclusion"): ["Men and women aged 18 to 80 years with diagnosis of PM, DM or IBM"],
        ("eligibility", "age"): ["Age: 18 Years to 80 Years"],
        ("eligibility", "sex"): ["Sex: All"],
        ("eligibility", "healthy_volunteers"): ["Healthy volunteers: No"],
        ("summary",): ["Anakinra in Myositis", "Status: Completed"],
    },
    "2024-516057-42-00": {
        ("eligibility", "inclusion"): ["Inclusion (5)", "Signed informed consent"],
        ("eligibility", "exclusion"): ["Exclusion (5)"],
        ("summary",): ["Registry: EU CTIS", "Sponsor: Stichting Amsterdam UMC"],
    },
}


def _open(qtbot: QtBot, window: MainWindow, paths: list[Path]) -> None:
    with qtbot.waitSignal(window.loader.idle, timeout=30_000):
        window.open_paths([str(p) for p in paths])


def test_the_same_document_twice_is_one_entry(qtbot: QtBot, window: MainWindow) -> None:
    bundled_copy = next(f for f in bundled_files() if "NCT01165008" in f)
    _open(qtbot, window, [SEED_FILES[0], Path(bundled_copy)])
    assert window.library_model.rowCount() == 1


def test_open_both_seeds_and_walk_every_node(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    qtbot.waitExposed(window)
    _open(qtbot, window, SEED_FILES)
    assert window.library_model.rowCount() == 2
    assert window.counts.text() == "2 studies"
    for row in range(2):
        window.library.view.selectRow(row)  # row 0 is already selected: the first study shows at once
        study = window.current_study()
        assert study is not None
        assert window.windowTitle() == f"{APP_TITLE} — {study.id}: {study.title}"
        root = window.tree.model.root
        assert root is not None and root.ref is study
        for node in root.walk():
            if node is root:
                continue
            assert window.tree.select_key(node.key)
            assert window.detail.node is node
            text = " ".join(window.detail.plain_text().split())
            assert text.startswith(node.title), (node.key, text[:80])
            _check_breadcrumb(window, node.title)
            if node.kind is Kind.CRITERION:
                assert " ".join(node.ref.text.split()) in text  # type: ignore[attr-defined]
        for key, snippets in EXPECTED[study.id].items():
            window.tree.select_key(key)
            text = " ".join(window.detail.plain_text().split())
            for snippet in snippets:
                assert snippet in text, (study.id, key, snippet)
        assert window.detail.browser.blocked == []


def _check_breadcrumb(window: MainWindow, title: str) -> None:
    """The trail ends at the node; what shows is all of it, or its start elided with "…", and it fits."""
    crumb = window.detail.breadcrumb
    shown = crumb.text()
    assert crumb.trail.endswith(title)
    assert shown == crumb.trail or (shown.endswith("…") and crumb.trail.startswith(shown[:-1])), shown
    assert crumb.fontMetrics().horizontalAdvance(shown) <= crumb.contentsRect().width()


def test_bad_files_are_listed_and_the_rest_still_opens(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"protocolSection": ', encoding="utf-8")
    _open(qtbot, window, [bad, SEED_FILES[0], tmp_path / "gone.xml"])
    assert window.library_model.rowCount() == 1
    assert [Path(f).name for f, _ in window.problems.failures()] == ["gone.xml", "broken.json"]  # newest first
    assert window.problems.isHidden()  # the panel waits to be asked for; the status bar says there is something
    assert window.problems_button.isVisibleTo(window) and window.problems_button.text() == "2 problems"
    assert window.problems.windowTitle() == "Problems (2)"
    window.problems_button.click()
    assert not window.problems.isHidden()


def test_problems_panel_is_built_on_demand_and_keeps_its_dock(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "s.json"))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window._problems is None  # nothing of it before it is wanted
    toggle = window.actions_.problems
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert toggle in view_menu.actions() and not toggle.shortcut().isEmpty()
    toggle.trigger()
    panel = window.problems
    assert panel.isVisible() and toggle.isChecked()
    assert window.dockWidgetArea(panel) == Qt.DockWidgetArea.BottomDockWidgetArea
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)  # the user moves it
    window.close()

    again = MainWindow(Settings(str(tmp_path / "s.json")))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    panel = again.problems
    assert again.dockWidgetArea(panel) == Qt.DockWidgetArea.RightDockWidgetArea  # where it was left
    assert panel.isHidden() and not again.actions_.problems.isChecked()  # each session starts without it
    again.actions_.problems.trigger()
    assert panel.isVisible() and again.actions_.problems.isChecked()
    panel.close()
    assert not again.actions_.problems.isChecked()


def test_drop_files_and_folders(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "dropped"
    folder.mkdir()
    (folder / "seed.txt").write_bytes(SEED_FILES[1].read_bytes())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder)), QUrl.fromLocalFile(str(SAMPLE))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(window.loader.idle, timeout=30_000):
        window.dropEvent(event)
    ids = sorted(window.library_model.study(r).id for r in range(window.library_model.rowCount()))
    assert ids == ["2024-516057-42-00", "NCT02552212"]
    assert window.settings.recent_files[:2] == [str(SAMPLE), str(folder)]


def test_start_opens_bundled_then_previous_library(qtbot: QtBot, window: MainWindow) -> None:
    from tests.conftest import CORPUS

    previous = str(CORPUS / "A_ctgov_api_v2_json" / "aact__NCT03418623.json")
    window.settings.library.add([previous])
    with qtbot.waitSignal(window.loader.idle, timeout=30_000):
        window.start([])
    files = {window.library_model.study(r).source.file for r in range(window.library_model.rowCount())}
    assert set(bundled_files()) <= files and previous in files
    assert not any(f.endswith("README.md") for f in files) and window.problems.count() == 0
    assert window.library_model.study(0).id == "NCT01165008"  # the seeds come first


def test_layout_library_and_zoom_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(str(tmp_path / "s.json"))
    window = MainWindow(settings)
    qtbot.addWidget(window)
    _open(qtbot, window, [SEED_FILES[0]])
    window.splitter.setSizes([150, 500])
    window.actions_.zoom_in.trigger()
    window.close()
    again = Settings(str(tmp_path / "s.json"))
    assert again.library.paths() == [str(SEED_FILES[0])] and again.zoom == 1
    assert again.geometry is not None and again.splitter("main") is not None
    assert again.recent_files == [str(SEED_FILES[0])]
    restored = MainWindow(again)
    qtbot.addWidget(restored)
    assert restored.recent.paths == [str(SEED_FILES[0])]


def test_remove_from_library_clears_the_panes(qtbot: QtBot, window: MainWindow) -> None:
    _open(qtbot, window, [SEED_FILES[0]])
    assert window.actions_.export["pdf"].isEnabled()
    window.library.view.selectRow(0)
    with qtbot.waitSignal(window.tree.node_selected) as blocker:
        window.actions_.remove.trigger()
    assert blocker.args == [None]
    assert window.library_model.rowCount() == 0 and window.windowTitle() == APP_TITLE
    assert not window.actions_.export["pdf"].isEnabled() and not window.actions_.print.isEnabled()
    assert "No section selected" in window.detail.plain_text()


def test_export_through_the_window(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    _open(qtbot, window, [SEED_FILES[1]])
    target = tmp_path / "study.md"
    with qtbot.waitSignal(window.exporter.exported, timeout=10_000):
        window.export_current("markdown", str(target))
    assert target.read_text(encoding="utf-8").startswith("# 2024-516057-42-00")


def test_keyboard_access_names_and_tab_order(qtbot: QtBot, window: MainWindow) -> None:
    for menu_action in window.menuBar().actions():
        assert "&" in menu_action.text()
    a = window.actions_
    for action in (
        a.open,
        a.open_folder,
        a.print,
        a.quit,
        a.filter,
        a.zoom_in,
        a.zoom_out,
        a.zoom_reset,
        a.go_library,
        a.go_tree,
        a.go_detail,
        a.export["pdf"],
    ):
        assert not action.shortcut().isEmpty(), action.text()
    for widget in (
        window.findChildren(QAbstractItemView) + window.findChildren(QLineEdit) + window.findChildren(QTextBrowser)
    ):
        if widget.isVisibleTo(window) or widget.parent() is not None:
            assert widget.accessibleName() or isinstance(widget.parent(), QAbstractItemView), widget
    chain = [
        window.library.filter_edit,
        window.library.view,
        window.tree.view,
        window.detail.browser,
        window.detail.copy_button,
    ]
    window.show()
    qtbot.waitExposed(window)
    tab_stops = [
        w
        for w in _focus_chain(window.library.filter_edit)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible() and w.isEnabled()
    ]
    assert [w for w in tab_stops if w in chain] == chain


def _has_focus(widget: QWidget) -> bool:
    return QApplication.focusWidget() is widget


def _focus_chain(start: QWidget) -> list[QWidget]:
    chain, widget = [start], start.nextInFocusChain()
    while widget is not None and widget is not start and len(chain) < 500:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def test_focus_shortcuts_and_filter(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    for action, widget in (
        (window.actions_.go_tree, window.tree.view),
        (window.actions_.filter, window.library.filter_edit),
        (window.actions_.go_detail, window.detail.browser),
        (window.actions_.go_library, window.library.view),
    ):
        action.trigger()
        qtbot.waitUntil(partial(_has_focus, widget))


def test_zoom_actions_scale_every_pane(qtbot: QtBot, window: MainWindow) -> None:
    before = (window.library.view.font().pointSizeF(), window.detail.browser.document().defaultFont().pointSizeF())
    window.actions_.zoom_in.trigger()
    window.actions_.zoom_in.trigger()
    qtbot.waitUntil(lambda: window.library.view.font().pointSizeF() > before[0])  # the application font carries it
    assert window.detail.browser.document().defaultFont().pointSizeF() > before[1]
    window.actions_.zoom_reset.trigger()
    qtbot.waitUntil(lambda: window.library.view.font().pointSizeF() == before[0])


def test_cancel_while_opening_a_folder(qtbot: QtBot, window: MainWindow) -> None:
    from tests.conftest import CORPUS

    with qtbot.waitSignal(window.loader.started):
        window.open_paths([str(CORPUS)])
    assert window.actions_.cancel_load.isEnabled()
    assert window.progress is not None
    with qtbot.waitSignal(window.loader.idle, timeout=60_000):
        window.progress.cancel_button.click()
    assert window.progress.isHidden()
    assert not window.actions_.cancel_load.isEnabled()


def test_context_menus_do_not_reach_across_panes(window: MainWindow) -> None:
    assert window.library.view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert isinstance(window.library.view.viewport().mapToGlobal(QPoint(0, 0)), QPoint)
