"""Where bundled files live, in a source checkout and in a PyInstaller build alike.

A PyInstaller build is to copy `resources/` and `protocols/` next to the `viewer` package, exactly as
they sit in the source tree, so one path rule serves both; this is the only module that knows.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def resources_dir() -> Path:
    return ROOT / "resources"


def protocols_dir() -> Path:
    return ROOT / "protocols"
