"""The one error type every parser raises: it names the file and the reason."""

from __future__ import annotations


class ParseError(Exception):
    """A file could not be read as a trial record."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


class InternalError(Exception):
    """A bug in the viewer met while reading a file: not the file's fault; reported and logged as such."""

    def __init__(self, file: str, error: BaseException, details: str) -> None:
        super().__init__(f"{file}: internal error while reading ({type(error).__name__}: {error})")
        self.file = file
        self.reason = f"internal error while reading ({type(error).__name__}: {error}); this is a bug in the viewer"
        self.error = error
        self.details = details
