"""A whole session in the desktop viewer with every network attempt recorded: `python session.py IN OUT`.

IN is a folder of records to open (test_offline.py fills it with corpus files and a hostile record), OUT
a folder for the exports; the result goes to OUT/result.json. An audit hook is installed before anything
else is imported, and records every Python-level attempt to reach the network (a socket made, connected,
bound or sent on, a name resolved, a URL or browser opened) or to start a program, and every open of a
file a hostile record names. The session: the bundled samples, a folder of records, every node of every
study shown in the detail pane, a comparison (and its HTML and PDF reports), each export format (JSON,
Markdown, HTML, PDF), printing to a PDF printer, and a search in the Search dock over what the window indexed
as it opened the files (in its own process: TRIALVIEWER_INDEX_WORKERS=0, so that no worker process counts as a
program started). Audit hooks cannot be removed, hence a process of its own; the netns run of the same script
covers what a hook cannot see (Qt's own C++ code).
"""

from __future__ import annotations

import sys

NETWORK_EVENTS = frozenset({
    "socket.__new__", "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo",
    "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo", "urllib.Request", "http.client.connect",
    "ftplib.connect", "smtplib.connect", "imaplib.open", "poplib.connect", "nntplib.connect", "telnetlib.Telnet.open",
    "webbrowser.open", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile",
})  # fmt: skip
NAMED_FILES = ("/etc/passwd",)  # the local file the hostile record links to
attempts: list[tuple[str, str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    named = event == "open" and bool(args) and isinstance(args[0], str) and args[0].startswith(NAMED_FILES)
    if event in NETWORK_EVENTS or named:
        attempts.append((event, repr(args)[:300]))


sys.addaudithook(_audit)

# Everything else comes after the hook, so even an import that reached out would be recorded.
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QEventLoop, QTimer, SignalInstance  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TIMEOUT_MS = 120_000


def wait_for(signal: SignalInstance, trigger: Callable[[], object], timeout: int = TIMEOUT_MS) -> tuple[object, ...]:
    """Connect to `signal`, then `trigger()`, then run the event loop until the signal comes (never a race)."""
    loop = QEventLoop()
    got: list[tuple[object, ...]] = []

    def done(*args: object) -> None:
        got.append(args)
        loop.quit()

    signal.connect(done)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout)
    trigger()
    if not got:
        loop.exec()
    signal.disconnect(done)
    if not got:
        raise TimeoutError(f"no {signal} within {timeout} ms")
    return got[0]


def interfaces() -> list[str]:
    """The network interfaces this process sees (Linux), read without a socket."""
    try:
        lines = Path("/proc/net/dev").read_text(encoding="ascii").splitlines()[2:]
    except OSError:
        return []
    return sorted(line.split(":", 1)[0].strip() for line in lines)


def main(folder: Path, out: Path) -> dict[str, object]:
    from viewer.core.outline import outline
    from viewer.ui.app import STYLE_ARGS
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    steps: list[str] = []
    app = QApplication([sys.argv[0], *STYLE_ARGS])
    window = MainWindow(Settings(str(out / "settings.json")))
    wait_for(window.first_painted, window.show)

    wait_for(window.loader.idle, lambda: window.start([]))
    bundled = len(window.library_model.studies())
    steps.append(f"bundled samples: {bundled} studies")
    wait_for(window.loader.idle, lambda: window.open_paths([str(folder)]))
    studies = window.library_model.studies()
    steps.append(f"folder: {len(studies) - bundled} studies more")
    failures = window.problems.failures()

    shown: list[str] = []
    for study in studies:  # every node of every study, through the tree, as a user clicking would
        window.library.select_study(study)
        for node in outline(study).walk():
            window.tree.select_key(node.key)
            if window.detail.busy:
                wait_for(window.detail.rendered, lambda: None)
            if study.id == "NCT09999999":
                shown.append(window.detail.plain_text())
    steps.append("every node shown")
    hostile = next(s for s in studies if s.id == "NCT09999999")
    blocked = list(window.detail.browser.blocked)

    from viewer.ui.compare_window import open_comparison

    others = [s for s in studies if s.id != hostile.id]
    a, b = others[0], others[-1]
    # The diff runs in a worker and reports through the event loop, so connecting after opening is no race.
    compare = open_comparison(window, hostile, a)
    wait_for(compare.compared, lambda: None)
    for fmt in ("html", "pdf"):
        wait_for(compare.exported, partial(compare.export, fmt, str(out / f"compare.{fmt}")))
    compare.close()
    steps.append(f"compared {hostile.id} with {a.id}; reports written")

    window.library.select_study(hostile)
    exporter = window.commands.exporter
    for fmt, ext in (("json", "json"), ("markdown", "md"), ("html", "html"), ("pdf", "pdf")):
        wait_for(exporter.exported, partial(window.export_current, fmt, str(out / f"study.{ext}")))
    window.library.select_study(b)
    wait_for(exporter.exported, lambda: window.export_current("pdf", str(out / "sample.pdf")))
    steps.append("exported JSON, Markdown, HTML, PDF")

    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out / "printed.pdf"))
    wait_for(exporter.printed, lambda: exporter.print_to(hostile, printer))
    steps.append("printed to PDF")

    steps.append(f"search: {search(window)}")

    window.close()
    app.processEvents()
    from viewer.ui.tasks import wait_for_tasks

    wait_for_tasks()
    maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace") if sys.platform == "linux" else ""
    return {
        "steps": steps,
        "studies": len(studies),
        "failures": [list(f) for f in failures],
        "hostile_text": " ".join(" ".join(shown).split()),
        "blocked": blocked,
        "qt_network": "PySide6.QtNetwork" in sys.modules or "libQt6Network" in maps,
        "interfaces": interfaces(),
    }


def wait_until(condition: Callable[[], bool], timeout: int = TIMEOUT_MS) -> None:
    """Run the event loop until `condition()` holds (checked every 50 ms)."""
    deadline = time.monotonic() + timeout / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout} ms: {condition}")
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()


def search(window: object) -> str:
    """Search as a user does: the window has indexed what it opened; type in the Search dock, open the first hit."""
    from viewer.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    feature = window.search
    keeper = feature.keeper
    wait_until(lambda: keeper.studies > 0 and not keeper.busy_indexing)
    feature.focus()
    pane = feature.pane

    def ask() -> None:
        pane.field.setText("anakinra")
        pane._emit_query()

    wait_for(keeper.answered, ask)
    hits = pane.model.rowCount()
    if hits:
        feature.open_hit(pane.model.hit(0))
        wait_until(lambda: window.current_study() is not None and window.current_study().id == pane.model.hit(0).id)
    return f"{keeper.studies} studies indexed; {hits} hits for 'anakinra'"


if __name__ == "__main__":
    started = time.perf_counter()
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    result = main(source, target)
    result["attempts"] = [list(a) for a in attempts]
    result["seconds"] = round(time.perf_counter() - started, 1)
    (target / "result.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("steps", "attempts", "interfaces", "seconds")}, indent=1))
