"""Offline, proved: a whole GUI session opens no network connection and fetches nothing a record names.

tests/offline/session.py runs the session in a process of its own with an audit hook recording every
Python-level network attempt; it runs once as it is and once in a network namespace with no interface
but a loopback that is down (`unshare -rn`), which also covers Qt's C++ code. The hostile record links
to a listening port on 127.0.0.1 and to a named pipe: a connection to the port or an open of the pipe,
from Python or from C++, would show.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CORPUS, DATA, ROOT

SESSION = Path(__file__).with_name("session.py")
HOSTILE = DATA / "offline" / "NCT09999999_hostile.json"
CORPUS_FILES = (
    ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json",
    CORPUS / "B_ctgov_legacy_xml" / "aact__NCT00001177.xml",
    CORPUS / "A1_ctgov_api_v1_classic_json" / "aact__NCT00023673.json",
)
ZIPPED = (
    CORPUS / "B_ctgov_legacy_xml" / "aact__NCT00151216.xml",
    CORPUS / "B_ctgov_legacy_xml" / "aact__NCT00277524.xml",
)

pytestmark = [pytest.mark.gui, pytest.mark.slow]


class Canary:
    """A listening port on 127.0.0.1 and a named pipe: records whether anything connected or opened them."""

    def __init__(self, folder: Path) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.0)
        self.port = self.server.getsockname()[1]
        self.pipe = folder / "canary.txt"
        os.mkfifo(self.pipe)
        self.opened = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._watch_pipe, daemon=True)
        self._thread.start()

    def _watch_pipe(self) -> None:
        with open(self.pipe, "wb"):  # returns only when someone opens the pipe for reading
            if not self._stop:
                self.opened.set()

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.server.accept()
            except (BlockingIOError, TimeoutError):
                return count
            conn.close()
            count += 1

    def close(self) -> None:
        self._stop = True
        fd = os.open(self.pipe, os.O_RDONLY | os.O_NONBLOCK)  # releases the watcher
        self._thread.join(5)
        os.close(fd)
        self.server.close()


@pytest.fixture
def canary(tmp_path: Path) -> Iterator[Canary]:
    watch = Canary(tmp_path)
    yield watch
    watch.close()


def _records(tmp_path: Path, canary: Canary) -> Path:
    """A folder of records: corpus files, a zip archive, and the hostile record aimed at the canaries."""
    folder = tmp_path / "records"
    (folder / "more").mkdir(parents=True)
    for path in CORPUS_FILES:
        shutil.copy(path, folder / path.name)
    with zipfile.ZipFile(folder / "more" / "archive.zip", "w") as archive:
        for path in ZIPPED:
            archive.write(path, path.name)
    text = HOSTILE.read_text(encoding="utf-8").replace("127.0.0.1:9/", f"127.0.0.1:{canary.port}/")
    record = json.loads(text.replace("file:///etc/passwd", f"file://{canary.pipe}"))
    # One link left pointing at /etc/passwd, which the audit hook watches (the pipe covers C++ as well).
    links = record["protocolSection"]["referencesModule"]["seeAlsoLinks"]
    links.append({"label": "passwd", "url": "file:///etc/passwd"})
    (folder / HOSTILE.name).write_text(json.dumps(record), encoding="utf-8")
    return folder


def _run(tmp_path: Path, canary: Canary, prefix: list[str]) -> dict[str, object]:
    folder, out = _records(tmp_path, canary), tmp_path / "out"
    out.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TRIALVIEWER_HOME": str(tmp_path / "home"),
        "TRIALVIEWER_INDEX_WORKERS": "0",
    }
    run = subprocess.run(
        [*prefix, sys.executable, str(SESSION), str(folder), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result: dict[str, object] = json.loads((out / "result.json").read_text(encoding="utf-8"))
    _check_session(result, out, canary)
    return result


def _check_session(result: dict[str, object], out: Path, canary: Canary) -> None:
    assert result["attempts"] == [], "network (or named file) attempts were made"
    assert not canary.opened.is_set(), "something opened the file a record links to"
    assert canary.connections() == 0, "something connected to the address a record names"
    assert result["qt_network"] is False, "Qt's network module was loaded"
    assert result["failures"] == [], result["failures"]
    assert result["blocked"] == [], "the detail pane was asked for a resource"
    steps = result["steps"]
    assert isinstance(steps, list) and len(steps) == 7, steps
    assert isinstance(result["studies"], int) and result["studies"] >= 10
    # Shown as text, not as markup.
    shown = str(result["hostile_text"])
    for literal in (
        '<img src="http://127.0.0.1:',
        '<link rel="stylesheet" href="http://127.0.0.1:',
        "[passwd](file://",
    ):
        assert literal in shown
    for name in ("study.json", "study.md", "study.html", "study.pdf", "sample.pdf", "printed.pdf", "compare.html",
                 "compare.pdf"):  # fmt: skip
        assert (out / name).stat().st_size > 200, name
    for name in ("study.pdf", "sample.pdf", "printed.pdf", "compare.pdf"):
        pdf = (out / name).read_bytes()
        assert pdf.startswith(b"%PDF") and b"/URI" not in pdf and b"/Subtype /Image" not in pdf, name
    for name in ("study.html", "compare.html"):
        page = (out / name).read_text(encoding="utf-8")
        markup = _Markup()
        markup.feed(page)
        assert markup.fetching == [], (name, markup.fetching)  # only our own markup; the record's is text
        assert "&lt;img src=" in page, name


class _Markup(HTMLParser):
    """Collects every tag or attribute of an HTML page that would make a browser fetch something."""

    FETCHING_TAGS = frozenset(
        {"img", "link", "script", "iframe", "object", "embed", "image", "video", "audio", "source"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.fetching: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        if tag in self.FETCHING_TAGS:
            self.fetching.append(tag)
        for key, value in attrs:
            if key in {"src", "srcset", "background", "poster", "data"} or (
                key == "href" and not (value or "").startswith("#")
            ):
                self.fetching.append(f"{tag} {key}={value}")
            if key == "style" and value and "url(" in value:
                self.fetching.append(f"{tag} style={value}")

    def handle_data(self, data: str) -> None:
        if self._in_style and ("@import" in data or "url(" in data):
            self.fetching.append("style sheet that loads")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def test_a_whole_session_opens_no_network_connection(tmp_path: Path, canary: Canary) -> None:
    _run(tmp_path, canary, [])


def _unshare() -> list[str] | None:
    """The command prefix for a new network namespace, or None (with the reason printed) when not permitted."""
    tool = shutil.which("unshare")
    if tool is None or not sys.platform.startswith("linux"):
        return None
    prefix = [tool, "-n"] if os.geteuid() == 0 else [tool, "-rn"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, text=True, timeout=30, check=False)
    return prefix if probe.returncode == 0 else None


def test_the_same_session_runs_with_no_network_at_all(tmp_path: Path, canary: Canary) -> None:
    prefix = _unshare()
    if prefix is None:
        pytest.skip("unshare -n is not permitted here (no user or network namespaces): the audit-hook run stands alone")
    result = _run(tmp_path, canary, prefix)
    assert result["interfaces"] == ["lo"], result["interfaces"]  # and that one is down in a new namespace


def test_the_canaries_would_see_a_fetch(tmp_path: Path, canary: Canary) -> None:
    """The proof's own check: a real connection and a real open are seen."""
    socket.create_connection(("127.0.0.1", canary.port), timeout=5).close()
    with open(canary.pipe, "rb"):
        pass
    assert canary.opened.wait(5)
    assert canary.connections() == 1
    assert stat.S_ISFIFO(canary.pipe.stat().st_mode)
