"""Lines of page text, split and trimmed the same way by every parser of text copied from a browser."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# A run of blank lines (line ends already "\n"): possessive, so a long run of spaces never backtracks.
_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*+\n)++")


def iter_lines(text: str) -> Iterator[str]:
    """The text's lines, lazily, whatever its line ends (\\r\\n, \\r or \\n), with trailing blanks removed.

    Blank lines at either end are dropped and a run of blank lines inside becomes one: a break is a break
    however long it is, so a record padded with a million blank lines costs what the record costs.
    """
    text = _BLANK_RUN.sub("\n\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    start, length = 0, len(text)
    seen = pending = False
    while start <= length:
        end = text.find("\n", start)
        if end < 0:
            end = length
        line = text[start:end].rstrip()
        start = end + 1
        if line:
            if pending:
                yield ""
            seen, pending = True, False
            yield line
        elif seen:
            pending = True  # kept only if a line with text follows: no blank line at the end


def lines(text: str) -> list[str]:
    """`iter_lines` as a list."""
    return list(iter_lines(text))


def trimmed(rows: Sequence[str]) -> Sequence[str]:
    """`rows` without blank rows at either end: one slice, linear however many blank rows there are."""
    start, end = 0, len(rows)
    while start < end and not rows[start].strip():
        start += 1
    while end > start and not rows[end - 1].strip():
        end -= 1
    return rows[start:end]
