"""The wheel, installed where nothing of the checkout can be found: `trialviewer` opens its bundled studies and
its HTML export carries the style sheet. About a minute: `pip wheel`, a venv, an install, two runs.

The venv sees the system's packages (PySide6, pydantic and the rest are not downloaded again), which may
include an editable install of this project: the test checks that `viewer` is imported from the venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH and the checkout as working folder would both let the source tree be imported instead.
    clean = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    run = subprocess.run(command, cwd=cwd, env={**clean, **env}, capture_output=True, text=True, check=False,
                         timeout=600)  # fmt: skip
    assert run.returncode == 0, f"{command}\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    return run


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv (with the system's site-packages) holding only the wheel built from this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source, wheels = work / "source", work / "wheels"
    # A copy without build output: setuptools' build/ folder in the checkout could put stale modules in the wheel.
    skip = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
                                  "tests", "docs", "bench")  # fmt: skip
    shutil.copytree(ROOT, source, ignore=skip)
    _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(wheels)], cwd=work)
    [wheel] = wheels.glob("trialviewer-*.whl")
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=work)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], cwd=work)
    return venv


def _bin(venv: Path, name: str) -> str:
    return str(venv / ("Scripts" if os.name == "nt" else "bin") / name)


def test_the_venv_imports_the_wheel_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    found = _run([_bin(installed, "python"), "-c", "import viewer; print(viewer.__file__)"], cwd=tmp_path)
    location = Path(found.stdout.strip()).resolve()
    assert location.is_relative_to(installed.resolve()), location
    assert not location.is_relative_to(ROOT.resolve())


def test_the_installed_viewer_opens_its_bundled_studies(installed: Path, tmp_path: Path) -> None:
    run = _run([_bin(installed, "trialviewer"), "--smoke-test"], cwd=tmp_path, QT_QPA_PLATFORM="offscreen")
    last = run.stdout.strip().splitlines()[-1]
    assert last.endswith("0 problems: ok"), run.stdout + run.stderr
    count = int(last.split("smoke test: ", 1)[1].split(" studies")[0])
    from viewer.core.bundle import protocol_files
    from viewer.core.loader import read_file

    assert count > 0 and count == sum(len(read_file(p)) for p in protocol_files())  # every bundled study


def test_the_installed_html_export_carries_the_style_sheet(installed: Path, tmp_path: Path) -> None:
    protocols = _run([_bin(installed, "python"), "-c", "from viewer.core.bundle import protocols_dir; "
                      "print(protocols_dir())"], cwd=tmp_path).stdout.strip()  # fmt: skip
    assert Path(protocols).resolve().is_relative_to(installed.resolve())
    out = tmp_path / "study.html"
    _run([_bin(installed, "trialviewer"), "export", str(Path(protocols) / "03_NCT02552212_ctgov-api-v2.json"),
          "--to", "html", "-o", str(out)], cwd=tmp_path)  # fmt: skip
    page = out.read_text(encoding="utf-8")
    css = (ROOT / "resources" / "styles" / "export.css").read_text(encoding="utf-8")
    assert "<style>" in page and css.strip() in page and "NCT02552212" in page
