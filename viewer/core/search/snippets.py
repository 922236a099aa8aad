"""Snippets: which fields of a hit matched, and the marked excerpt of the best one."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from viewer.core.search.analyzer import words

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


def matched_fields(doc: tantivy.Document, searched: dict[str, tuple[set[str], tuple[str, ...]]]) -> list[str]:
    """The fields of `doc` holding one of the query's positive terms (exact, or a word with a prefix)."""
    found = []
    for name in MATCH_ORDER:
        wanted = searched.get(name)
        if wanted is None:
            continue
        text = doc.get_first(name)
        if not text:
            continue
        exact, prefixes = wanted
        stems = [*exact, *prefixes]
        if text.isascii():
            lowered = text.lower()
            if not any(stem in lowered for stem in stems):  # cheap test first: most fields cannot match
                continue
        tokens = set(words(text))
        if exact & tokens or any(token.startswith(prefixes) for token in tokens if prefixes):
            found.append(name)
    return found


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
