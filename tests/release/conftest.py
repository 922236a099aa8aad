"""The build's helpers live in packaging/ (not a package: build.spec puts the folder on sys.path, as here)."""

from __future__ import annotations

import sys

from tests.conftest import ROOT

PACKAGING = ROOT / "packaging"
if str(PACKAGING) not in sys.path:
    sys.path.insert(0, str(PACKAGING))
