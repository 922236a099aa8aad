"""Where the viewer keeps the user's data (library, search index) and its log: platformdirs, or
TRIALVIEWER_HOME when set (tests, portable installs, several profiles side by side)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "trialviewer"
APP_AUTHOR = "TrialViewer"
HOME_VARIABLE = "TRIALVIEWER_HOME"


def _home() -> Path | None:
    value = os.environ.get(HOME_VARIABLE)
    return Path(value) if value else None


def data_dir() -> Path:
    """The user's data folder: the library store and the search index live here."""
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    """Window state and preferences."""
    home = _home()
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "log"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def index_dir() -> Path:
    """The default search index folder (`--index DIR` overrides it)."""
    return data_dir() / "index"
