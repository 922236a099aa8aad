"""'Did you mean': close spellings of a query's words from the index's own vocabulary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from viewer.core.search import schema as s
from viewer.core.search.query import ParsedQuery

if TYPE_CHECKING:
    import tantivy

MAX_SUGGESTIONS = 5
CANDIDATES = 20_000
"""Vocabulary terms compared per word at most (the most frequent ones sharing its first letters)."""


def suggest(searcher: tantivy.Searcher, schema: tantivy.Schema, parsed: ParsedQuery) -> tuple[str, ...]:
    """Terms within one or two edits of a query word that the index holds, the most frequent first.

    Candidates share the word's first two letters (its first letter for short words): typos are rarely
    there, and the vocabulary walk stays small at 600,000 studies.
    """
    import tantivy

    found: list[tuple[int, int, str]] = []
    for word in dict.fromkeys(t.rstrip("*") for t in parsed.terms):
        if len(word) < 3 or word.isdigit() or searcher.doc_freq(s.ALL, word) > 0:
            continue
        allowed = 1 if len(word) <= 5 else 2
        prefix = word[:2] if len(word) > 4 else word[:1]
        for term, count in searcher.terms_with_prefix(s.ALL, prefix, limit=CANDIDATES):
            if term == word or abs(len(term) - len(word)) > allowed:
                continue
            distance = Levenshtein.distance(word, term, score_cutoff=allowed)
            if distance <= allowed:
                found.append((distance, -count, term))
    found.sort()
    out: list[str] = []
    for _, _, term in found:
        if term in out:
            continue
        # The vocabulary still counts documents deleted since the last merge: keep terms that find something.
        if searcher.search(tantivy.Query.term_query(schema, s.ALL, term), 1, count=False).hits:
            out.append(term)
        if len(out) == MAX_SUGGESTIONS:
            break
    return tuple(out)
