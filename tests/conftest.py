"""Shared test set-up: Qt runs offscreen; corpus and seed locations."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Qt aborts without a display unless told to render offscreen; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The user's data, settings and log folders are never touched by a test run (subprocesses inherit this).
os.environ["TRIALVIEWER_HOME"] = tempfile.mkdtemp(prefix="trialviewer-tests-")

ROOT = Path(__file__).resolve().parent.parent
# The repo's own copies of the corpus and seeds the project was given (unchanged public records): a clone
# with nothing beside it runs every test.
CORPUS = Path(__file__).resolve().parent / "corpus"
SEEDS = Path(__file__).resolve().parent / "seeds"
DATA = Path(__file__).resolve().parent / "data"

if os.environ.get("TRIALVIEWER_BLOCK_QT") == "1":
    # The architecture test re-runs the core suite with Qt made unimportable.
    import importlib.abc
    import sys

    class _BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name.split(".")[0] in {"PySide6", "shiboken6"}:
                raise ImportError(f"{name} is blocked: the core must not need Qt")
            return None

    sys.meta_path.insert(0, _BlockQt())
# The GUI indexes what it opens; worker processes cost about a second each to start, so the UI tests parse in
# the app's own process (tests/core/test_search_* exercise the worker pool).
os.environ.setdefault("TRIALVIEWER_INDEX_WORKERS", "0")
