"""Which files make up a session: the bundled samples, and the user's files to reopen next time."""

from __future__ import annotations

import os

from viewer.core.bundle import protocol_files, protocols_dir


def origin_of(file: str) -> str:
    """The path the user opened for a study's source file (a zip archive for its members)."""
    return file if os.path.exists(file) or "!" not in file else file.split("!", 1)[0]


def bundled_files() -> list[str]:
    """The sample studies shipped in protocols/, in name order (documentation files skipped)."""
    return [str(p) for p in protocol_files()]


def is_bundled(path: str) -> bool:
    """A sample shipped with the viewer: opened every run, never stored in the user's library."""
    return path.startswith(str(protocols_dir()) + os.sep)
