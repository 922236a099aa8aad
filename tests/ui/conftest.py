"""Fixtures for the Qt tests: isolated settings, loaded studies, a main window that cleans up after itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.conftest import CORPUS, ROOT, SEEDS
from viewer.core.loader import read_file
from viewer.core.model import Study
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings
from viewer.ui.tasks import wait_for_tasks

SEED_FILES = [SEEDS / "000_9a8944e657c20510.txt", SEEDS / "004_5c3f0f274010b228.txt"]
SAMPLE = ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json"
LARGE = CORPUS / "B_ctgov_legacy_xml" / "aact__NCT02465060.xml"  # 1,218 sites: too big to render on the GUI thread


@pytest.fixture(autouse=True)
def _app(qapp: QApplication) -> QApplication:
    """Every UI test runs with the QApplication in place (pixmaps and fonts need it)."""
    return qapp


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
