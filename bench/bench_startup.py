"""Start-up time: process start to first painted window, the viewer (with the bundled protocols) against a
bare PySide6 QMainWindow measured the same way in the same run.

    python bench/bench_startup.py [--runs 10]

Each run is a fresh interpreter. The parent notes the wall clock just before spawning. In the child, the same
event filter is put on the top-level window just before it is shown; at the window's first Paint event it
schedules a zero-delay timer, which fires once that paint pass is over, reports the wall clock and quits. Both
children are measured identically, so the ratio compares like with like; runs alternate so drift affects both
equally. Aim: the viewer at most 1.5x the bare window.

The warm-up run also leaves the viewer's bytecode behind, as an installed app has it, unless
PYTHONDONTWRITEBYTECODE is set: then every run compiles the viewer's modules (about 20 ms here) and the
report says so. To measure with the bytecode an installed app has, give the runs a cache of their own:

    env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX=/tmp/bench-pyc python bench/bench_startup.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.5

PROBE = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

def report():
    print(f"painted {time.time():.6f}", flush=True)
    QApplication.quit()

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, report)
        return False

app = QApplication(sys.argv[:1])
probe = FirstPaint()
"""

BARE = (
    PROBE
    + """
from PySide6.QtWidgets import QMainWindow
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1380, 860)
window.installEventFilter(probe)
window.show()
app.exec()
"""
)

VIEWER = (
    PROBE
    + """
from viewer.ui import main_window
show = main_window.MainWindow.show
def probed_show(self):
    self.installEventFilter(probe)
    show(self)
main_window.MainWindow.show = probed_show
from viewer.ui.app import run
run([])
"""
)


def _once(code: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    stamp = next(line for line in out.splitlines() if line.startswith("painted "))
    return (float(stamp.split()[1]) - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description="process start to first paint, viewer vs bare window")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": config, "TRIALVIEWER_HOME": config}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        _once(BARE, env), _once(VIEWER, env)  # warm the file cache; not counted
        bare: list[float] = []
        viewer: list[float] = []
        for _ in range(args.runs):
            bare.append(_once(BARE, env))
            viewer.append(_once(VIEWER, env))
    b, v = statistics.median(bare), statistics.median(viewer)
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs}")
    if env.get("PYTHONDONTWRITEBYTECODE"):
        print("bytecode: not cached (PYTHONDONTWRITEBYTECODE is set): each run compiles the viewer's modules")
    print(f"bare QMainWindow : median {b:7.1f} ms  (min {min(bare):.1f}, max {max(bare):.1f})")
    print(f"trialviewer      : median {v:7.1f} ms  (min {min(viewer):.1f}, max {max(viewer):.1f})")
    print(f"ratio            : {v / b:.2f}x  (aim: at most {TARGET}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
