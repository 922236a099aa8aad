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


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Every module a file imports: absolute and relative imports (resolved against its package), and the
    string given to importlib.import_module or __import__."""
    package = package or ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            if node.module is None:  # "from . import module": the modules themselves
                names.update(f"{base}.{alias.name}" for alias in node.names)
            else:
                names.add(base)
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if called in {"import_module", "__import__"} and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


def test_the_import_reader_sees_relative_and_dynamic_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from . import ctgov_json\nfrom .base import Format\nfrom ..formats import detect\n"
        "import importlib\nimportlib.import_module('PySide6.QtCore')\n__import__('viewer.ui.app')\n",
        encoding="utf-8",
    )
    names = _imports(probe, "viewer.core.parsers")
    assert {"viewer.core.parsers.ctgov_json", "viewer.core.parsers.base", "viewer.core.formats"} <= names
    assert {"PySide6.QtCore", "viewer.ui.app"} <= names


def test_core_never_imports_qt_or_ui() -> None:
    for path in QT_FREE:
        for name in _imports(path):
            if (path.name, name) in LAZY_GUI:
                continue  # handed over to Qt lazily, only when asked
            assert not name.startswith(("PySide6", "shiboken6", "viewer.ui")), f"{path}: imports {name}"


def test_the_core_never_imports_the_command_line() -> None:
    for path in CORE.rglob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("viewer.cli", "viewer.commands", "viewer.main")), f"{path}: imports {name}"


def test_core_tests_pass_with_pyside6_not_importable() -> None:
    """Run the core suite again in a process where importing PySide6 fails."""
    env = {**os.environ, "TRIALVIEWER_BLOCK_QT": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:pytest-qt", "-p", "no:cacheprovider",
         "-W", "ignore::pytest.PytestConfigWarning", "-o", "addopts=", "tests/core",
         "--ignore=tests/core/test_architecture.py", "--ignore=tests/core/test_properties.py",
         "--ignore=tests/core/test_fuzz.py"],
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
