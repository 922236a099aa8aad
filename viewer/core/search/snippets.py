"""Snippets: which fields of a hit matched, and the marked excerpt of the best one."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, AnyStr

from viewer.core.search.analyzer import fold

if TYPE_CHECKING:
    import tantivy

SNIPPET_CHARS = 180
MATCH_ORDER = ("title", "conditions", "interventions", "id", "summary", "inclusion", "exclusion", "outcomes",
               "sponsor", "sites", "countries")  # fmt: skip
"""`Hit.fields` order: the fields that weigh most in the ranking first."""
SNIPPET_ORDER = ("summary", "conditions", "interventions", "inclusion", "exclusion", "outcomes", "sponsor", "sites",
                 "countries", "title", "id")  # fmt: skip
"""The field a snippet is taken from: the first that matched; the title (shown anyway) only when nothing else did."""
FALLBACK = ("summary", "conditions", "title")
"""Where a snippet comes from when no field highlights anything (a query of filters only)."""

Runs = tuple[tuple[str, bool], ...]


Matcher = tuple[tuple[str, re.Pattern[str]], ...]
"""(term or prefix, the pattern finding it as a word) for each term a field may hold."""


def matchers(searched: dict[str, tuple[set[str], tuple[str, ...]]]) -> dict[str, Matcher]:
    """Per field, the query's terms, each with a pattern finding it as a whole word (a prefix at a word start)
    in folded text: the simple tokenizer's words are the runs of alphanumerics. Each pattern starts with its
    literal (the word-start test is a lookbehind after it), so `re` scans for it as fast as str.find."""
    found = {}
    for name, (exact, prefixes) in searched.items():
        stems = [(t, _word(t, whole=True)) for t in sorted(exact, key=len, reverse=True)]
        stems += [(p, _word(p, whole=False)) for p in prefixes]
        found[name] = tuple(stems)
    return found


def _word(stem: str, whole: bool) -> re.Pattern[str]:
    literal = re.escape(stem)
    return re.compile(literal + r"(?<![^\W_]" + literal + ")" + (r"(?![^\W_])" if whole else ""))


def matched_fields(doc: tantivy.Document, patterns: dict[str, Matcher]) -> list[str]:
    """The fields of `doc` holding one of the query's positive terms (exact, or a word with a prefix)."""
    return [name for name in MATCH_ORDER if name in patterns and holds(doc, name, patterns[name]) is True]


def holds(doc: tantivy.Document, name: str, matcher: Matcher) -> bool | None:
    """Whether field `name` of `doc` holds one of `matcher`'s terms; None when the field is empty."""
    text = doc.get_first(name)
    if not text:
        return None
    # ASCII text lowered is the analyzer's view of it (str.lower runs at ~1 GB/s); other text is folded.
    # Each pattern starts with its literal, so a search is a fast scan.
    view = text.lower() if text.isascii() else fold(text)
    return any(pattern.search(view) for _, pattern in matcher)


_BLANKS = re.compile(r"\s+")
_BLANK = re.compile(r"[^\S ]|  ")
"""What _BLANKS would change: a blank that is not a space, or two spaces."""


def runs_of(snippet: tantivy.Snippet, highlighted: list[tantivy.Range] | None = None) -> Runs:
    """The snippet as (text, matched) runs, line breaks as spaces; tantivy's ranges are UTF-8 byte offsets.
    `highlighted`: snippet.highlighted(), when the caller has it already."""
    fragment = snippet.fragment()
    ranges = [(r.start, r.end) for r in (snippet.highlighted() if highlighted is None else highlighted)]
    if fragment.isascii():  # byte offsets are character offsets: slice the text itself
        parts = _split(fragment, ranges)
    else:
        parts = [(part.decode(errors="replace"), marked) for part, marked in _split(fragment.encode(), ranges)]
    return tuple((_BLANKS.sub(" ", text) if _BLANK.search(text) else text, marked) for text, marked in parts)


def _split(data: AnyStr, ranges: list[tuple[int, int]]) -> list[tuple[AnyStr, bool]]:
    runs = []
    at = 0
    for start, end in sorted(ranges):
        if start < at:
            continue
        if start > at:
            runs.append((data[at:start], False))
        if end > start:
            runs.append((data[start:end], True))
        at = end
    if at < len(data):
        runs.append((data[at:], False))
    return runs


def head(text: str, limit: int = SNIPPET_CHARS) -> Runs:
    """The start of a text, unmarked, cut at a word boundary."""
    flat = " ".join(text[: 4 * limit].split())  # the start is enough, unless it is mostly blanks
    if len(flat) <= limit < len(text):
        flat = " ".join(text.split())
    if len(flat) > limit:
        cut = flat.rfind(" ", 0, limit)
        flat = flat[: cut if cut > limit // 2 else limit] + "…"
    return ((flat, False),) if flat else ()


def to_html(runs: Runs) -> str:
    return "".join(f"<b>{html.escape(text)}</b>" if marked else html.escape(text) for text, marked in runs)
