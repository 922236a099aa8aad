"""Where bundled files live, in a source checkout and in a PyInstaller build alike.

The PyInstaller spec copies `resources/` and `protocols/` next to the `viewer` package, exactly as
they sit in the source tree, so one path rule serves both; this is the only module that knows.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def is_frozen() -> bool:
    """True inside a PyInstaller build."""
    return bool(getattr(sys, "frozen", False))


def resources_dir() -> Path:
    return ROOT / "resources"


def protocols_dir() -> Path:
    return ROOT / "protocols"
