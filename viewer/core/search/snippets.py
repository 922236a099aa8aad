"""Snippets: which fields of a hit matched, and the marked excerpt of the best one."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

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


Matcher = tuple[tuple[str, ...], re.Pattern[str]]


def matchers(searched: dict[str, tuple[set[str], tuple[str, ...]]]) -> dict[str, Matcher]:
    """Per field, the query's terms and a pattern finding one as a whole word (a prefix at a word start) in
    folded text: the simple tokenizer's words are the runs of alphanumerics."""
    found = {}
    for name, (exact, prefixes) in searched.items():
        alternatives = [re.escape(t) + r"(?![^\W_])" for t in sorted(exact, key=len, reverse=True)]
        alternatives += [re.escape(p) for p in prefixes]
        found[name] = ((*exact, *prefixes), re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")"))
    return found


def matched_fields(doc: tantivy.Document, patterns: dict[str, Matcher]) -> list[str]:
    """The fields of `doc` holding one of the query's positive terms (exact, or a word with a prefix)."""
    found = []
    for name in MATCH_ORDER:
        matcher = patterns.get(name)
        if matcher is None:
            continue
        text = doc.get_first(name)
        if not text:
            continue
        stems, pattern = matcher
        lowered = text.lower()
        # Substring tests first (most fields cannot match). Where accents could hide a match, only the words
        # holding a non-ASCII character are folded: every other word is the same lowered as folded.
        if (any(stem in lowered for stem in stems) and pattern.search(lowered)) or (
            not text.isascii() and pattern.search(fold(" ".join(_NON_ASCII_WORD.findall(text))))
        ):
            found.append(name)
    return found


_NON_ASCII_WORD = re.compile(r"[^\W_]*[^\x00-\x7f][^\W_]*")
"""A run of letters and digits with a non-ASCII character in it (or a non-ASCII separator and its neighbours)."""


_BLANKS = re.compile(r"\s+")


def runs_of(snippet: tantivy.Snippet) -> Runs:
    """The snippet as (text, matched) runs, line breaks as spaces; tantivy's ranges are UTF-8 byte offsets."""
    data = snippet.fragment().encode()
    runs: list[tuple[str, bool]] = []
    at = 0
    for r in sorted(snippet.highlighted(), key=lambda r: r.start):
        if r.start < at:
            continue
        if r.start > at:
            runs.append((data[at : r.start].decode(errors="replace"), False))
        runs.append((data[r.start : r.end].decode(errors="replace"), True))
        at = r.end
    if at < len(data):
        runs.append((data[at:].decode(errors="replace"), False))
    return tuple((_BLANKS.sub(" ", text), marked) for text, marked in runs if text)


def head(text: str, limit: int = SNIPPET_CHARS) -> Runs:
    """The start of a text, unmarked, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        cut = flat.rfind(" ", 0, limit)
        flat = flat[: cut if cut > limit // 2 else limit] + "…"
    return ((flat, False),) if flat else ()


def to_html(runs: Runs) -> str:
    return "".join(f"<b>{html.escape(text)}</b>" if marked else html.escape(text) for text, marked in runs)
