"""Render the compare window offscreen, light and dark: `python scripts/compare_screenshots.py [OUT_DIR]`.

Writes compare.png and compare-dark.png (docs/screenshots by default): two versions of NCT00181896 from the
corpus, the newer one edited on purpose (a criterion reworded) so every kind of change shows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OLD = ROOT / "tests/corpus/B_ctgov_legacy_xml/archive_schema_2005-2014/fabianvf__NCT00181896_20050915.xml"
NEW = ROOT / "tests/corpus/B_ctgov_legacy_xml/fabianvf__NCT00181896.xml"


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from viewer.core.loader import read_file
    from viewer.ui.appearance import Appearance
    from viewer.ui.compare_window import CompareWindow

    app = QApplication([])
    app.setStyle("Fusion")
    a, b = read_file(OLD)[0], read_file(NEW)[0]
    items = list(b.eligibility.inclusion)
    items[0] = items[0].model_copy(update={"text": items[0].text.replace("6-17", "8-17")})
    b = b.model_copy(update={"eligibility": b.eligibility.model_copy(update={"inclusion": tuple(items)})})
    for name, scheme in (("compare.png", "light"), ("compare-dark.png", "dark")):
        Appearance(app, scheme).apply()
        window = CompareWindow(a, b)
        window.resize(1280, 820)
        loop = QEventLoop()
        window.compared.connect(loop.quit)
        window.show()
        QTimer.singleShot(20_000, loop.quit)
        loop.exec()
        for _ in range(3):
            app.processEvents()
        QTimer.singleShot(200, loop.quit)
        loop.exec()
        window.grab().save(str(out / name))
        print(out / name)
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
