"""The one error type every parser raises: it names the file and the reason."""

from __future__ import annotations


class ParseError(Exception):
    """A file could not be read as a trial record."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason
