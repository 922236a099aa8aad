"""Render the compare window offscreen, light and dark: `python scripts/compare_screenshots.py [OUT_DIR]`.

Writes compare.png and compare-dark.png (docs/screenshots by default): the bundled NCT02552212 record and a
copy edited on purpose (a criterion reworded, one inserted, one removed, a site moved, an outcome's time frame
changed, the status and enrollment updated), so every kind of change shows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.core.model import Study

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json"


def use_this_checkouts_resources() -> None:
    """Style sheets from this checkout, even where another checkout of the viewer is installed (editable)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "viewer.resources", ROOT / "resources" / "__init__.py", submodule_search_locations=[str(ROOT / "resources")]
    )
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["viewer.resources"] = module
    spec.loader.exec_module(module)


def edited(study: Study) -> Study:
    from viewer.core.model import Criterion

    e, o, s = study.eligibility, study.outcomes, study.summary
    inclusion = list(e.inclusion)
    inclusion[1] = inclusion[1].model_copy(update={"text": inclusion[1].text.replace("adult-onset", "juvenile-onset")})
    inclusion.insert(3, Criterion(text="Willing to keep a daily pain diary during the Double-Blind Treatment Period"))
    exclusion = list(e.exclusion)
    del exclusion[2]
    primary = list(o.primary)
    primary[1] = primary[1].model_copy(update={"time_frame": "Week 16"})
    sites = list(study.sites)
    sites.insert(0, sites.pop(5))
    return study.model_copy(update={
        "eligibility": e.model_copy(update={"inclusion": tuple(inclusion), "exclusion": tuple(exclusion)}),
        "outcomes": o.model_copy(update={"primary": tuple(primary)}),
        "summary": s.model_copy(update={"enrollment": (s.enrollment or 0) + 17, "overall_status": "TERMINATED",
                                        "overall_status_raw": "Terminated", "why_stopped": "Sponsor decision"}),
        "sites": tuple(sites),
    })  # fmt: skip


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    use_this_checkouts_resources()
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from viewer.core.loader import read_file
    from viewer.ui.appearance import Appearance
    from viewer.ui.compare_window import CompareWindow

    app = QApplication([])
    app.setStyle("Fusion")
    a = read_file(SAMPLE)[0]
    b = edited(a)
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
