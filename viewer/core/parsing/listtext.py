"""Lists inside plain text: items and their lead-ins, separators at the top level, and line breaks lost upstream.

Registries write outcome lists and criteria as bullets, numbers, lines or ";"-joined runs. These helpers find the
items the same way for every format; all are single passes over the text (linear, whatever a hostile file holds).
"""

from __future__ import annotations

import re

_MARKER = re.compile(
    r"^(?:[-–—](?!\d)|[•·▪●○◦*➢►]|o(?=\s)|\(?\d{1,2}[.)](?!\d)|\d{1,2}-(?=\s+[A-Za-z(])|\(?[a-z][.)](?=\s))\s*"
)
_CONNECTOR = {"and", "or", "and/or", "and / or", "plus", "as well as"}
# A line ending in one of these words (or a comma or hyphen) carries on in the next line.
_DANGLING = re.compile(
    r"(?:[,\-/(]|\b(?:a|an|and|at|by|for|from|in|into|of|on|or|per|the|to|vs|with|within|without|than|over|under))$",
    re.IGNORECASE,
)


def unrepeated(text: str) -> tuple[str, int]:
    """`text` without repeated copies of itself, and how many copies were dropped: an export that merged several
    copies of a record joins them with a ";" on a line of its own (ICTRP)."""
    parts = [p.strip("\n") for p in re.split(r"\n[ \t]*;[ \t]*(?:\n|$)", text) if p.strip()]
    kept = list(dict.fromkeys(parts))
    if len(kept) == len(parts):
        return text, 0
    return "\n\n".join(kept), len(parts) - len(kept)


def split_top_level(text: str, separator: str = ";") -> list[str]:
    """`text` split at `separator` outside parentheses and brackets, pieces stripped, empty pieces dropped."""
    out: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == separator and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [piece.strip() for piece in out if piece.strip()]


def list_items(text: str | None) -> list[tuple[str, str | None]]:
    """The items of a list written as text, each with the lead-in line it stands under (or None).

    Marked lists ("•", "-", "1.", "a)"): each marker starts an item, unmarked lines continue it, and a line
    ending in ":" is a lead-in for the items after it. Unmarked lines are one item each, unless a line
    plainly carries on into the next (it ends in "of", "and", a comma...; or the next starts in lower case).
    Lone connectors ("and", "or") between items are dropped. Text with one line is one item.
    """
    if not text:
        return []
    lines = [piece for line in text.split("\n") for piece in _inline_bullets(line.strip()) if piece]
    if not lines:
        return []
    marked = any(_MARKER.match(line) and _MARKER.sub("", line, count=1) for line in lines)
    items: list[list[str]] = []
    leads: list[str | None] = []
    lead: str | None = None
    open_item = False
    item_marked = False
    for line in lines:
        body = _MARKER.sub("", line, count=1) if _MARKER.match(line) else None
        if body:
            items.append([body])
            leads.append(lead)
            open_item = item_marked = True
        elif line.lower().rstrip(".,;") in _CONNECTOR:
            continue
        elif line.endswith(":") and len(lines) > 1:
            lead = line
            open_item = False
        elif open_item and ((marked and item_marked) or _continues(items[-1][-1], line)):
            items[-1].append(line)  # under a marker, unmarked lines are its wrapped text
        else:
            items.append([line])
            leads.append(lead)
            open_item, item_marked = True, False
    if not items:
        return [(" ".join(lines), None)]
    return [(" ".join(parts), lead_in) for parts, lead_in in zip(items, leads, strict=True)]


def _inline_bullets(line: str) -> list[str]:
    """ "incidence of: • a • b" -> ["incidence of:", "• a", "• b"] (bullets run into one line)."""
    if "•" not in line[1:]:
        return [line]
    head, *rest = re.split(r"\s*(?=•)", line)
    return [head.strip(), *(piece.strip() for piece in rest)]


def _continues(previous: str, line: str) -> bool:
    return bool(_DANGLING.search(previous)) or line[:1].islower()


_NUMBER = re.compile(r"(?<!\d)(?<!\d[.,])(\d{1,2})(?:[.)](?!\d)|-(?=\s*[A-Z(]))\s*(?=[A-Z(])")
# After a sentence end or colon; after a comma only with the run of spaces an indented next line leaves.
_DASH = re.compile(r"(?:(?<=[.:;)])[ \t]*|(?<=,)[ \t]{2,})[-•](?=\s?[A-Z(])")


def restore_breaks(text: str) -> str:
    """Line breaks put back into a list whose line ends were lost ("...;2. Carriers", "...visit.-Signed").

    A number marker starts a new line only as part of the run 1, 2, 3... (so "5 half-lives" or "Week 24" stay);
    a dash or bullet only after the end of a sentence or a colon, keeping the spaces before it as indentation.
    A comma left between two joined items (".,2. A subject") is dropped.
    """
    cuts: list[int] = []
    expected = 1
    for match in _NUMBER.finditer(text):
        number = int(match.group(1))
        if number == expected:
            cuts.append(match.start())
            expected = number + 1
    if len(cuts) < 2:
        cuts = []
    out: list[str] = []
    start = 0
    for cut in cuts:
        if cut == 0:
            continue
        head = text[start:cut].rstrip()
        if head.endswith(",") and head[-2:-1] in (".", ";"):
            head = head[:-1]
        out.append(head)
        start = cut
    out.append(text[start:])
    joined = "\n".join(out)
    return _DASH.sub(lambda m: "\n" + m.group(0), joined)
