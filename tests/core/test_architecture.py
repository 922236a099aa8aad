"""Dependencies point one way: the core and the CLI import no Qt, and work without PySide6 installed."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

CORE = ROOT / "viewer" / "core"
QT_FREE = [
    *CORE.rglob("*.py"),
    *(ROOT / "viewer" / "commands").glob("*.py"),
    ROOT / "viewer" / "cli.py",
    ROOT / "viewer" / "main.py",
]


# The only places outside viewer/ui that reach Qt, each inside the one branch that needs it.
LAZY_GUI = {
    ("main.py", "viewer.ui.app"),  # the entry point starts the GUI when no command is given
    ("export.py", "viewer.ui.paper_export"),  # `export --to pdf`: Qt lays out the pages
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_qt_or_ui() -> None:
    for path in QT_FREE:
        for name in _imports(path):
            if (path.name, name) in LAZY_GUI:
                continue  # handed over to Qt lazily, only when asked
            assert not name.startswith(("PySide6", "shiboken6", "viewer.ui")), f"{path}: imports {name}"


def test_core_tests_pass_with_pyside6_not_importable() -> None:
    """Run the core suite again in a process where importing PySide6 fails."""
    env = {**os.environ, "TRIALVIEWER_BLOCK_QT": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:pytest-qt", "-p", "no:cacheprovider",
         "-W", "ignore::pytest.PytestConfigWarning", "-o", "addopts=", "tests/core",
         "--ignore=tests/core/test_architecture.py", "--ignore=tests/core/test_properties.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout


PARSERS = ROOT / "viewer" / "core" / "parsers"
HELPERS = ROOT / "viewer" / "core" / "parsing"
ABOVE_PARSERS = ("viewer.core.formats", "viewer.core.loader", "viewer.cli", "viewer.ui")


def test_parsers_sit_below_the_registry_and_never_import_each_other() -> None:
    formats = [p for p in PARSERS.glob("*.py") if p.name not in {"__init__.py", "base.py"}]
    assert formats, "no parser modules found"
    for path in formats:
        for name in _imports(path):
            assert not name.startswith(ABOVE_PARSERS), f"{path.name} imports {name}, which sits above the parsers"
            if name.startswith("viewer.core.parsers"):
                assert name == "viewer.core.parsers.base", f"{path.name} imports another parser: {name}"
    for path in HELPERS.glob("*.py"):
        for name in _imports(path):
            assert not name.startswith((*ABOVE_PARSERS, "viewer.core.parsers")), f"{path.name} imports {name}"


def test_every_package_is_installed() -> None:
    """pyproject lists the packages by hand (two live outside viewer/): each one under viewer/ must be there."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "viewer").rglob("__init__.py")}
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"
    assert {"viewer.resources", "viewer.protocols"} <= listed
