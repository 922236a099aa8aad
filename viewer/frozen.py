"""The one module that knows whether the viewer runs from a frozen bundle (build.spec, PyInstaller).

Bundled files need no special case (viewer.core.bundle finds them through importlib.resources in every
install); what is left is the environment the bootloader and its Qt hook leave behind for child processes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

# Set by PyInstaller's PySide6 runtime hook for this process only. PySide6 also points Qt at its plugins
# through the qt.conf it embeds on import, so Qt finds them without these.
_QT_VARIABLES = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH")


def is_frozen() -> bool:
    """Whether this process is a frozen build (the bundle's executable), not Python running the sources."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path | None:
    """The folder holding the bundle's libraries and data (`_internal`), or None for a source run."""
    folder = getattr(sys, "_MEIPASS", None)
    return Path(folder) if is_frozen() and folder else None


def prepare(environ: MutableMapping[str, str] | None = None) -> None:
    """Called first thing: give the programs the viewer starts the user's environment, not the bundle's.

    "Show File" and "Show Log Folder" start the desktop's file manager (QDesktopServices). On Linux the
    bootloader points LD_LIBRARY_PATH at the bundle, so that program would load the bundle's Qt and SQLite
    instead of its own, and Qt programs would also take the bundle's plugins from QT_PLUGIN_PATH. The
    dynamic loader read LD_LIBRARY_PATH when this process started, so undoing it here changes nothing for
    the viewer itself. A PyInstaller program started from here starts afresh, not as a child of this one.
    """
    if not is_frozen():
        return
    environ = os.environ if environ is None else environ
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        original = environ.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            environ.pop("LD_LIBRARY_PATH", None)
        else:
            environ["LD_LIBRARY_PATH"] = original
    for name in _QT_VARIABLES:
        environ.pop(name, None)
    environ["PYINSTALLER_RESET_ENVIRONMENT"] = "1"
