"""Start-up as the user gets it: the smoke test of installed builds, and nothing parsed before first paint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import ROOT
from tests.ui.conftest import SEED_FILES
from viewer.ui.appearance import Appearance
from viewer.ui.resources import is_dark

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}

FIRST_PAINT_PROBE = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings
window = MainWindow(Settings(sys.argv[1]))
window.first_painted.connect(app.quit)
window.show()
app.exec()
heavy = sorted(m for m in ("pydantic", "markdown", "viewer.core.model", "viewer.core.loader") if m in sys.modules)
print("heavy:", ",".join(heavy))
# Not needed to paint, so not built before it: the outline, the problems dock, loading, export, dialogs.
deferred = ("viewer.core.outline", "viewer.ui.error_panel", "viewer.ui.study_loader", "viewer.ui.tasks",
            "viewer.ui.exporter", "viewer.ui.text_document", "PySide6.QtPrintSupport")
print("deferred:", ",".join(sorted(m for m in deferred if m in sys.modules)))
print("problems dock:", window._problems is not None)
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=180, check=False
    )


def test_smoke_test_with_both_seeds_exits_zero() -> None:
    run = _run("-m", "viewer", "--smoke-test", *map(str, SEED_FILES))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "problems: ok" in run.stdout


def test_smoke_test_fails_on_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    run = _run("-m", "viewer", "--smoke-test", str(SEED_FILES[0]), str(bad))
    assert run.returncode == 1
    assert "bad.json" in run.stderr and "FAILED" in run.stdout


def test_window_paints_before_anything_is_parsed(tmp_path: Path) -> None:
    run = _run("-c", FIRST_PAINT_PROBE, str(tmp_path / "s.json"))
    assert run.returncode == 0, run.stderr
    assert [line.strip() for line in run.stdout.splitlines()] == ["heavy:", "deferred:", "problems dock: False"]


def test_the_viewer_draws_with_fusion_whatever_the_platform_default() -> None:
    code = "from viewer.ui.app import _application; print(_application().style().name())"
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**ENV, "QT_STYLE_OVERRIDE": "Windows"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.stdout.strip().lower() == "fusion", run.stdout + run.stderr


def test_appearance_follows_the_chosen_scheme(qtbot: QtBot, qapp: QApplication) -> None:
    palette, style_sheet = QPalette(qapp.palette()), qapp.styleSheet()
    appearance = Appearance(qapp, "dark")
    try:
        with qtbot.waitSignal(appearance.scheme_changed) as blocker:
            appearance.apply()
        assert blocker.args == [True] and is_dark()
        with qtbot.waitSignal(appearance.scheme_changed) as blocker:
            appearance.set_preference("light")
        assert blocker.args == [False] and not is_dark()
        appearance.set_preference("nonsense")
        assert appearance.preference == "system"
    finally:
        qapp.setPalette(palette)
        qapp.setStyleSheet(style_sheet)
        appearance.deleteLater()


def test_ui_modules_stay_small() -> None:
    for path in (ROOT / "viewer" / "ui").glob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 320, f"{path.name}: {lines} lines"
