"""pyproject.toml lists its packages (two live outside viewer/): every package under viewer/ must be there."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_every_package_under_viewer_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "viewer").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages"
    mapped = set(config["package-dir"])
    assert {"viewer.resources", "viewer.protocols"} <= mapped & listed
    for package, folder in config["package-dir"].items():
        assert (ROOT / folder / "__init__.py").is_file(), package
