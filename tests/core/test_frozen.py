"""viewer/frozen.py is the one place that knows about frozen builds, and what it changes."""

from __future__ import annotations

import re
import sys

import pytest

from tests.conftest import ROOT
from viewer import frozen


def test_a_source_run_is_not_frozen_and_keeps_its_environment() -> None:
    environ = {"LD_LIBRARY_PATH": "/x", "QT_PLUGIN_PATH": "/y"}
    frozen.prepare(environ)
    assert not frozen.is_frozen() and frozen.bundle_dir() is None
    assert environ == {"LD_LIBRARY_PATH": "/x", "QT_PLUGIN_PATH": "/y"}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"LD_LIBRARY_PATH": "/bundle/_internal"}, {}),
        ({"LD_LIBRARY_PATH": "/bundle/_internal:/usr/local/lib", "LD_LIBRARY_PATH_ORIG": "/usr/local/lib"},
         {"LD_LIBRARY_PATH": "/usr/local/lib"}),
    ],
)  # fmt: skip
def test_a_frozen_build_gives_its_children_the_users_environment(
    monkeypatch: pytest.MonkeyPatch, before: dict[str, str], after: dict[str, str]
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", "/bundle/_internal", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    environ = {
        **before,
        "QT_PLUGIN_PATH": "/bundle/_internal/PySide6/Qt/plugins",
        "QML2_IMPORT_PATH": "/q",
        "HOME": "/h",
    }
    frozen.prepare(environ)
    assert environ == {**after, "HOME": "/h", "PYINSTALLER_RESET_ENVIRONMENT": "1"}
    assert frozen.is_frozen() and str(frozen.bundle_dir()) == "/bundle/_internal"


def test_no_other_module_asks_whether_it_is_frozen() -> None:
    pattern = re.compile(r"sys\.frozen|_MEIPASS|getattr\(sys, [\"']frozen")
    askers = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "viewer").rglob("*.py")
        if path.name != "frozen.py" and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert askers == []
