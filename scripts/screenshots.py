"""Render the main window offscreen with the bundled protocols (both seeds first) and save README screenshots.

    python scripts/screenshots.py [--out docs/screenshots]

Writes main.png (light), main-large.png (light, text zoomed in), main-dark.png (dark scheme), and
search.png / search-dark.png (the Search dock with a query, its first hit opened at the words it matched).
The window's data (library, search index) lives in a scratch folder, never the user's.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

SHOTS = (("main.png", "light", 0), ("main-large.png", "light", 4), ("main-dark.png", "dark", 0))
SEARCH_SHOTS = (("search.png", "light"), ("search-dark.png", "dark"))
QUERY = "pregnan* OR breastfeeding"
SIZE = (1440, 900)
SELECT = ("eligibility", "inclusion")


def _wait_until_loaded(window: object) -> None:
    from viewer.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    loop = QEventLoop()
    window.loader.idle.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    if window.loader.busy:
        loop.exec()


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from viewer.ui.app import STYLE_ARGS

    app = QApplication([*sys.argv[:1], *STYLE_ARGS])
    from viewer.ui.appearance import Appearance
    from viewer.ui.main_window import MainWindow
    from viewer.ui.resources import app_icon
    from viewer.ui.settings import Settings
    from viewer.ui.tasks import wait_for_tasks

    app.setWindowIcon(app_icon())
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["TRIALVIEWER_HOME"] = scratch
        appearance = Appearance(app, "light")
        appearance.apply()
        window = MainWindow(Settings(os.path.join(scratch, "settings.json")), appearance)
        window.resize(*SIZE)
        from viewer.ui.window_layout import default_splits

        default_splits(window.splitters, SIZE)  # the offscreen screen is small: lay out for the shot's size
        window.show()
        window.start([], remembered=False)
        _wait_until_loaded(window)
        window.library.view.selectRow(0)
        window.tree.select_key(SELECT)
        window.tree.view.setFocus()
        for name, scheme, zoom in SHOTS:
            appearance.set_preference(scheme)
            window.set_zoom(zoom)
            _settle(app)
            path = out / name
            if not window.grab().save(str(path)):
                print(f"could not write {path}", file=sys.stderr)
                return 1
            print(path)
        window.set_zoom(0)
        if not _search_shots(app, window, appearance, out):
            return 1
        window.close()
        wait_for_tasks()
    return 0


def _search_shots(app: QApplication, window: object, appearance: object, out: Path) -> bool:
    from viewer.ui.appearance import Appearance
    from viewer.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(appearance, Appearance)
    keeper = window.search.keeper
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if keeper.studies and not keeper.busy_indexing else None)
    timer.start(100)
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    timer.stop()
    window.search.focus()
    pane = window.search.pane
    answered = QEventLoop()
    keeper.answered.connect(answered.quit)
    pane.field.setText(QUERY)
    QTimer.singleShot(30_000, answered.quit)
    answered.exec()
    if not pane.model.rowCount():
        print(f"no hits for {QUERY!r}", file=sys.stderr)
        return False
    pane.results.setCurrentIndex(pane.model.index(0, 0))
    window.search.open_hit(pane.model.hit(0))
    pane.results.setFocus()
    for name, scheme in SEARCH_SHOTS:
        appearance.set_preference(scheme)
        _settle(app)
        path = out / name
        if not window.grab().save(str(path)):
            print(f"could not write {path}", file=sys.stderr)
            return False
        print(path)
    return True


if __name__ == "__main__":
    sys.exit(main())
