"""Record text bound for a terminal: control characters shown as escapes ("\\x1b"), never obeyed.

A record (or a file name) may hold ESC sequences that clear the screen, retitle the window or hide text;
printed as they are, the terminal would act on them. Line breaks and tabs stay.
"""

from __future__ import annotations

_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}
_CONTROLS.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def printable(text: str) -> str:
    """`text` with every control character but line feed and tab written as its escape."""
    return text.translate(_CONTROLS)
