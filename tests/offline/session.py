"""A whole session in the desktop viewer with every network attempt recorded: `python session.py IN OUT`.

IN is a folder of records to open (test_offline.py fills it with corpus files and a hostile record), OUT
a folder for the exports; the result goes to OUT/result.json. An audit hook is installed before anything
else is imported, and records every Python-level attempt to reach the network (a socket made, connected,
bound or sent on, a name resolved, a URL or browser opened) or to start a program, and every open of a
file a hostile record names. The session: the bundled samples, a folder of records, every node of every
study shown in the detail pane, a comparison (and its HTML and PDF reports), each export format (JSON,
Markdown, HTML, PDF), printing to a PDF printer, and search when viewer.core.search exists. Audit hooks
cannot be removed, hence a process of its own; the netns run of the same script covers what a hook cannot
see (Qt's own C++ code).
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
from collections.abc import Callable, Sequence  # noqa: E402
from functools import partial  # noqa: E402
from importlib import import_module  # noqa: E402
from importlib.util import find_spec  # noqa: E402
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

    searched = search(studies, out) if find_spec("viewer.core.search") is not None else None
    steps.append(f"search: {searched}" if searched is not None else "search: skipped (no viewer.core.search yet)")

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


def search(studies: Sequence[object], out: Path) -> str:
    """Index the session's studies and search them (viewer.core.search, the search branch's API)."""
    search_module = import_module("viewer.core.search")  # the contract in SEARCH_API.md
    index = search_module.SearchIndex.open(out / "index")
    try:
        files = sorted({str(s.source.file).split("!")[0] for s in studies})  # type: ignore[attr-defined]
        index.add_paths(files, workers=0)
        hits = index.search("anakinra")
        return f"{len(hits.hits)} hits for 'anakinra'"
    finally:
        index.close()


if __name__ == "__main__":
    started = time.perf_counter()
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    result = main(source, target)
    result["attempts"] = [list(a) for a in attempts]
    result["seconds"] = round(time.perf_counter() - started, 1)
    (target / "result.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("steps", "attempts", "interfaces", "seconds")}, indent=1))
