"""Logging: configured once at start-up, to a rotating file in the user's log folder.

A bug (any exception that is not a ParseError) is logged with its traceback here, and shown to the user
as an internal error that names this file.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from viewer.core.paths import log_dir

LOG_NAME = "trialviewer.log"
_configured: Path | None = None


def configure_logging(level: int = logging.INFO) -> Path | None:
    """Send the `viewer` loggers to the log file (once); returns its path, or None when it cannot be written.

    A log folder that cannot be written does not stop the viewer: messages then go to standard error.
    """
    global _configured
    if _configured is not None:
        return _configured
    logger = logging.getLogger("viewer")
    logger.setLevel(level)
    path = log_dir() / LOG_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
        path = None  # type: ignore[assignment]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    _configured = path
    return path


def log_path() -> Path:
    """Where the log is (or would be) written."""
    return _configured or log_dir() / LOG_NAME
