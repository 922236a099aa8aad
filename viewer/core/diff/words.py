"""Word-level edits between two texts: tokens aligned by their longest common subsequence, then tidied."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from rapidfuzz.distance import Indel

Op = Literal["=", "-", "+"]
Words = tuple[tuple[Op, str], ...]

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_SPACE = re.compile(r"\s+")


def flat(text: str | None) -> str:
    """Text as the diff compares it: runs of whitespace (line wraps, indentation) are one space."""
    return " ".join(text.split()) if text else ""


_SAME = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-",
                       "‐": "-", "‑": "-", "−": "-", "\u00a0": " "})  # fmt: skip


def norm(text: str | None) -> str:
    """What a text means for the comparison: no case, one kind of quote and dash, runs of whitespace as one
    space. "Children’s" and "children's", "BILBAO" and "Bilbao", a re-wrapped paragraph: the same."""
    return _norm(text) if text else ""


@lru_cache(maxsize=1 << 16)  # names of cities, countries, roles and statuses recur across thousands of sites
def _norm(text: str) -> str:
    if not text.isascii():
        text = text.translate(_SAME)
    return " ".join(text.casefold().split())


def tokens(text: str) -> list[str]:
    """Words, single punctuation marks and the spaces between them; joined back they give the text."""
    return _TOKEN.findall(text)


def word_ops(a: str, b: str) -> Words:
    """The edits that turn `a` into `b`, word by word: runs of ("=", kept), ("-", deleted), ("+", inserted).

    Within a changed stretch the deletion comes first. A space or a lone punctuation mark left "equal"
    between two edits is folded into them, so "the cat sat" -> "a dog ran" reads as one replacement.
    """
    if a == b:
        return (("=", a),) if a else ()
    if not a or not b or not (_SPACE.search(a) or _SPACE.search(b)):
        # One-word values (a date, a number, a code) are replaced whole: "2014-[-03-]{+08+}" helps nobody.
        return tuple(p for p in (("-", a), ("+", b)) if p[1])
    ta, tb = tokens(a), tokens(b)
    pieces: list[tuple[Op, str]] = []
    for op in Indel.opcodes(ta, tb):
        if op.tag == "equal":
            pieces.append(("=", "".join(ta[op.src_start : op.src_end])))
            continue
        if op.src_end > op.src_start:
            pieces.append(("-", "".join(ta[op.src_start : op.src_end])))
        if op.dest_end > op.dest_start:
            pieces.append(("+", "".join(tb[op.dest_start : op.dest_end])))
    return _tidy(pieces)


def _is_glue(text: str) -> bool:
    return not text.strip() or (len(text) == 1 and not text.isalnum())


def _tidy(pieces: list[tuple[Op, str]]) -> Words:
    """Fold glue between edits into them, then merge neighbours: each changed stretch is one "-" and one "+"."""
    groups: list[list[tuple[Op, str]]] = []  # alternating: an equal piece, or a list of edits
    for k, (op, text) in enumerate(pieces):
        between = 0 < k < len(pieces) - 1 and pieces[k - 1][0] != "=" and pieces[k + 1][0] != "="
        if op == "=" and between and _is_glue(text):
            groups[-1] += [("-", text), ("+", text)]
        elif op == "=":
            groups.append([("=", text)])
        elif groups and groups[-1][0][0] != "=":
            groups[-1].append((op, text))
        else:
            groups.append([(op, text)])
    out: list[tuple[Op, str]] = []
    for group in groups:
        if group[0][0] == "=":
            if out and out[-1][0] == "=":
                out[-1] = ("=", out[-1][1] + group[0][1])
            else:
                out.append(group[0])
            continue
        deleted = "".join(t for o, t in group if o == "-")
        inserted = "".join(t for o, t in group if o == "+")
        out += [p for p in (("-", deleted), ("+", inserted)) if p[1]]
    return tuple(out)


def side(words: Words, which: Literal["a", "b"]) -> Words:
    """The pieces one side shows: A keeps "=" and "-", B keeps "=" and "+"."""
    hide = "+" if which == "a" else "-"
    return tuple(p for p in words if p[0] != hide)


def elide(words: Words, context: int = 12) -> Words:
    """Long unchanged stretches cut to `context` words either side of an edit ("…" in between)."""
    if len(words) <= 1:
        return words
    out: list[tuple[Op, str]] = []
    for k, (op, text) in enumerate(words):
        if op != "=":
            out.append((op, text))
            continue
        parts = tokens(text)
        words_in = [t for t in parts if not t.isspace()]
        if len(words_in) <= 2 * context + 2:
            out.append((op, text))
            continue
        head = _take(parts, context) if k > 0 else ""
        tail = _take(parts[::-1], context, reverse=True) if k < len(words) - 1 else ""
        out.append(("=", f"{head}… {tail}".strip() if head or tail else text))
    return tuple(out)


def _take(parts: list[str], count: int, reverse: bool = False) -> str:
    taken: list[str] = []
    seen = 0
    for part in parts:
        if seen >= count:
            break
        taken.append(part)
        seen += not part.isspace()
    return "".join(taken[::-1] if reverse else taken)
