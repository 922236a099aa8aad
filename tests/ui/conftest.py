"""Fixtures for the Qt tests: isolated settings, loaded studies, a main window that cleans up after itself."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import CORPUS, ROOT, SEEDS
from viewer.core.loader import read_file
from viewer.core.model import Study
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings
from viewer.ui.tasks import Task, wait_for_tasks

SEED_FILES = [SEEDS / "000_9a8944e657c20510.txt", SEEDS / "004_5c3f0f274010b228.txt"]
SAMPLE = ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json"
LARGE = CORPUS / "B_ctgov_legacy_xml" / "aact__NCT02465060.xml"  # 1,218 sites: too big to render on the GUI thread


@pytest.fixture(autouse=True)
def _app(qapp: QApplication) -> QApplication:
    """Every UI test runs with the QApplication in place (pixmaps and fonts need it)."""
    return qapp


def _qt_name(function: Any) -> str | None:
    """`function`'s qualified name when it belongs to Qt (a PySide6 or shiboken6 built-in), else None."""
    owner = getattr(function, "__self__", None)
    types = owner.__mro__ if isinstance(owner, type) else type(owner).__mro__
    module = getattr(function, "__module__", None) or ""
    if module.startswith(("PySide6", "shiboken6")) or any(
        t.__module__.startswith(("PySide6", "shiboken6")) for t in types if t is not object
    ):
        return f"{types[0].__name__}.{getattr(function, '__name__', '?')}"
    return None


ALLOWED_IN_WORKERS = {"SignalInstance.emit"}  # an emit lets go of the GIL before Qt locks anything


@pytest.fixture(autouse=True)
def _workers_touch_no_qt(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every pool task of every UI test runs with a profiler noting each Qt call it makes; there must be none.

    A worker that makes or changes a Qt object holds the GIL while Qt takes a signal-slot lock, and can
    deadlock against the GUI thread destroying an object (see `viewer.ui.tasks`). This is the check that
    every worker is plain Python.
    """
    calls: list[str] = []
    original = Task._run

    def profiled(task: Task) -> None:
        def note(_frame: Any, event: str, arg: Any) -> None:
            if event == "c_call":
                name = _qt_name(arg)
                if name is not None and name not in ALLOWED_IN_WORKERS:
                    calls.append(name)

        assert threading.current_thread() is not threading.main_thread()
        sys.setprofile(note)
        try:
            original(task)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(Task, "_run", profiled)
    yield calls
    assert wait_for_tasks(30_000)
    assert not calls, f"workers called Qt: {sorted(set(calls))}"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(str(tmp_path / "settings.json"))


@pytest.fixture(scope="session")
def seed_studies() -> list[Study]:
    return [study for path in SEED_FILES for study in read_file(path)]


@pytest.fixture(scope="session")
def large_study() -> Study:
    return read_file(LARGE)[0]


@pytest.fixture(scope="session")
def sample_study() -> Study:
    return read_file(SAMPLE)[0]


@pytest.fixture
def window(qtbot: QtBot, settings: Settings) -> Iterator[MainWindow]:
    win = MainWindow(settings)
    qtbot.addWidget(win)
    yield win
    win.loader.cancel()
    assert wait_for_tasks(10_000)
