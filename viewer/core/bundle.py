"""Every bundled file (icons, style sheets, sample studies), found through importlib.resources.

`resources/` and `protocols/` sit at the top of the checkout and install as the packages
`viewer.resources` and `viewer.protocols` (pyproject.toml maps them); the PyInstaller spec copies them
to the same package-relative place. So a source run, an installed wheel and a frozen build all take this
one path, and this is the only module that knows where bundled files live. A missing file raises
`MissingResource`: never a silent fallback.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

RESOURCES = "viewer.resources"
PROTOCOLS = "viewer.protocols"
# The files the viewer cannot look right without; `missing()` checks them (tests, --smoke-test).
REQUIRED = (
    "styles/export.css",
    "themes/app.qss",
    "themes/light.css",
    "themes/dark.css",
    "themes/light.ini",
    "themes/dark.ini",
    "icons/app.svg",
)
_NOT_STUDIES = (".md", ".rst", ".license", ".py", ".pyc", ".txt~")


class MissingResource(FileNotFoundError):
    """A file that should be bundled with the viewer is not there: the installation is incomplete."""

    def __init__(self, relative: str, where: Path) -> None:
        super().__init__(f"bundled file missing: {relative} (looked in {where})")
        self.relative = relative


@cache
def _root(package: str) -> Path:
    """The folder of a bundled package, as the import system found it (source, wheel or frozen build).

    For a package on disk this is what `importlib.resources.files` answers; asking the package's spec
    directly spares the first paint importlib.resources' own imports (zipfile, typing, inspect: ~10 ms).
    Every install the viewer supports has these packages as folders (no zip imports), so the Path is safe to
    hand to Qt, which reads some files (INI palettes) itself.
    """
    import importlib

    spec = importlib.import_module(package).__spec__
    locations = spec.submodule_search_locations if spec is not None else None
    if locations:
        return Path(next(iter(locations)))
    import importlib.resources  # a package somewhere else (a zip): let importlib.resources say

    return Path(str(importlib.resources.files(package)))


def resources_dir() -> Path:
    return _root(RESOURCES)


def protocols_dir() -> Path:
    return _root(PROTOCOLS)


def resource_path(relative: str) -> Path:
    """The path of a bundled resource; MissingResource when it is not there."""
    path = resources_dir() / relative
    if not path.is_file():
        raise MissingResource(relative, resources_dir())
    return path


@cache
def resource_text(relative: str) -> str:
    """A bundled text resource (style sheet, SVG icon, palette); MissingResource when it is not there."""
    try:
        return (resources_dir() / relative).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MissingResource(relative, resources_dir()) from None


def protocol_files() -> list[Path]:
    """The bundled sample studies, in name order (documentation and package files left out)."""
    root = protocols_dir()
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file()
        and not p.name.startswith((".", "_"))
        and not p.name.lower().endswith(_NOT_STUDIES)
        and not p.name.upper().startswith("README")
    )


def missing() -> list[str]:
    """Bundled files that should be there and are not (empty when the installation is complete)."""
    gone = [r for r in REQUIRED if not (resources_dir() / r).is_file()]
    if not protocol_files():
        gone.append("protocols/ (no sample studies)")
    return gone
