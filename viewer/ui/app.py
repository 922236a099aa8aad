"""Start-up: the application, its appearance and the main window; the window shows before any parsing."""

from __future__ import annotations

import os
import sys
from functools import partial

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

SMOKE_TIMEOUT_MS = 120_000
# One look on every platform, drawn from our palettes. Given at construction, Qt creates the style itself;
# setStyle() would hand back a QStyle, whose Python wrapper costs 7-10 ms of enum building before first paint.
STYLE_ARGS = ["-style", "Fusion"]


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([*sys.argv[:1], *STYLE_ARGS])
    app.setOrganizationName("TrialViewer")
    app.setApplicationName("trialviewer")
    # No application display name: X11 would append it to the window title, which already carries it.
    app.setDesktopFileName("trialviewer")
    return app


def run(paths: list[str], smoke_test: bool = False) -> int:
    """Open the main window with the bundled protocols, the last session's library and `paths`."""
    if (
        smoke_test
        and sys.platform.startswith("linux")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # checks of installed builds run headless
    app = _application()
    from viewer.ui.appearance import Appearance
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    scratch = None
    if smoke_test:  # a throw-away settings file: a check of an installed build must not touch the user's
        import tempfile

        scratch = tempfile.TemporaryDirectory(prefix="trialviewer-smoke-")
    settings = Settings(os.path.join(scratch.name, "settings.json") if scratch else None)
    appearance = Appearance(app, settings.scheme)
    appearance.apply()
    window = MainWindow(settings, appearance)
    window.first_painted.connect(partial(_after_first_paint, window, list(paths), not smoke_test))
    if smoke_test:
        from viewer.ui.smoke import SmokeCheck

        check = SmokeCheck(window, app)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, check.time_out)
    window.show()
    code = app.exec()
    from viewer.ui.tasks import wait_for_tasks  # loaded by the first load anyway; not needed to paint

    wait_for_tasks()
    if smoke_test:
        code = check.result
    if scratch is not None:
        scratch.cleanup()
    return code


def _after_first_paint(window: object, paths: list[str], remembered: bool) -> None:
    from viewer.ui.main_window import MainWindow
    from viewer.ui.resources import app_icon

    assert isinstance(window, MainWindow)
    QApplication.setWindowIcon(app_icon())
    window.start(paths, remembered=remembered)
