"""Lines of page text, split and trimmed the same way by every parser of text copied from a browser."""

from __future__ import annotations

from collections.abc import Sequence


def lines(text: str) -> list[str]:
    """The text's lines, whatever its line ends (\\r\\n, \\r or \\n), with trailing blanks removed."""
    return [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def trimmed(rows: Sequence[str]) -> Sequence[str]:
    """`rows` without blank rows at either end: one slice, linear however many blank rows there are."""
    start, end = 0, len(rows)
    while start < end and not rows[start].strip():
        start += 1
    while end > start and not rows[end - 1].strip():
        end -= 1
    return rows[start:end]
