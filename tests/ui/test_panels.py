"""Small widgets: the problems panel, the load progress, the recent-files menu."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from viewer.ui.error_panel import ErrorPanel
from viewer.ui.load_progress import LoadProgress
from viewer.ui.recent_menu import RecentMenu
from viewer.ui.study_loader import LoadSummary


def test_error_panel_lists_failures_newest_first_and_waits_to_be_opened(qtbot: QtBot) -> None:
    host = QMainWindow()
    qtbot.addWidget(host)
    panel = ErrorPanel(host)
    panel.hide()
    host.show()
    with qtbot.waitSignal(panel.count_changed) as blocker:
        panel.add_failures([("a.json", "not JSON"), ("b.xml", "<script>")])
    assert blocker.args == [2]
    assert not panel.isVisible() and panel.windowTitle() == "Problems (2)"  # it never opens by itself
    assert panel.failures() == [("b.xml", "<script>"), ("a.json", "not JSON")]  # newest first
    panel.add_failures([("/data/trials/c.json", "truncated")])
    first = panel.list.topLevelItem(0)
    assert first is not None and (first.text(0), first.text(2)) == ("c.json", "/data/trials")  # name, then folder
    panel.add_failures([("/x/archive.zip!in/d.xml", "bad")])
    first = panel.list.topLevelItem(0)
    assert first is not None and (first.text(0), first.text(2)) == ("d.xml", "/x/archive.zip!in")
    assert not panel.isModal() if hasattr(panel, "isModal") else True
    panel.copy_all()
    assert QGuiApplication.clipboard().text().endswith("b.xml: <script>\na.json: not JSON")
    with qtbot.waitSignal(panel.count_changed) as blocker:
        panel.clear_button.click()
    assert blocker.args == [0] and panel.summary.text() == "No problems."


def test_load_progress_counts_and_cancel(qtbot: QtBot) -> None:
    progress = LoadProgress()
    qtbot.addWidget(progress)
    progress.start()
    assert not progress.isHidden()
    progress.set_progress(3, 10)
    assert progress.label.text() == "Opening 3 of 10 files…"
    assert (progress.bar.value(), progress.bar.maximum()) == (3, 10)
    with qtbot.waitSignal(progress.cancel_requested):
        progress.cancel_button.click()
    progress.cancelling()
    assert not progress.cancel_button.isEnabled()
    progress.finish(LoadSummary((), 10, 9, 1, True))
    assert progress.isHidden()


def test_recent_menu(qtbot: QtBot) -> None:
    menu = RecentMenu()
    qtbot.addWidget(menu)
    menu.set_paths(["/data/a & b.json", "/data/folder"])
    actions = [a for a in menu.actions() if not a.isSeparator()]
    assert [a.text() for a in actions] == ["&1 a && b.json", "&2 folder", "&Clear Recent"]
    with qtbot.waitSignal(menu.path_chosen) as blocker:
        actions[1].trigger()
    assert blocker.args == ["/data/folder"]
    with qtbot.waitSignal(menu.clear_requested):
        actions[2].trigger()
    menu.set_paths([])
    assert not menu.actions()[-1].isEnabled()
