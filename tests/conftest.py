"""Shared test set-up: Qt runs offscreen; corpus and seed locations."""

from __future__ import annotations

import os
from pathlib import Path

# Qt aborts without a display unless told to render offscreen; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
DATA = Path(__file__).resolve().parent / "data"
