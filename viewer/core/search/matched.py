"""Which fields of each hit the query matched: asked of tantivy in one search over the page's hits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tantivy import Occur, Query

from viewer.core.search import schema as s
from viewer.core.search.analyzer import fold
from viewer.core.search.compile import Compiled, Compiler, searched_fields
from viewer.core.search.query import Leaf
from viewer.core.search.snippets import MATCH_ORDER, Matcher, matched_fields, matchers

if TYPE_CHECKING:
    import tantivy

SLACK = 4
"""Documents asked for per hit: studies sharing an id (one study in two files) come back too."""


def fields_matched(compiler: Compiler, compiled: Compiled, docs: Sequence[tantivy.Document],
                   addresses: Sequence[Any]) -> list[list[str]]:  # fmt: skip
    """Per hit, the MATCH_ORDER fields holding one of the query's positive words, phrases or prefixes.

    One search: each field's part of the query as a constant score 2**i (its place in MATCH_ORDER), all
    optional, under a required clause admitting only the hits' ids; a hit's score is then the bit mask of
    its fields (sums of distinct powers of two are exact in f32). The analyzer, phrases and positions are
    tantivy's own, and no record text is scanned in Python. Single-word prefixes (an automaton per field
    over every expansion) and any hit the search did not return are checked on the text instead.
    """
    if not docs:
        return []
    exact = tuple(leaf for leaf in compiled.leaves if not (leaf.prefix and len(leaf.words) == 1))
    prefixes = tuple(leaf for leaf in compiled.leaves if leaf.prefix and len(leaf.words) == 1)
    masks: dict[tuple[int, int], int] = {}
    if exact:
        keys = {fold((doc.get_first("id") or "").split("\n")[0]) for doc in docs}
        admit = Query.boolean_query([(Occur.Should, Query.term_query(compiler.schema, s.KEY, k)) for k in keys])
        clauses = []
        for bit, name in enumerate(MATCH_ORDER):
            parts = [compiler.in_field(name, leaf) for leaf in exact
                     if (not leaf.fields or name in leaf.fields) and _possible(compiler, name, leaf)]  # fmt: skip
            if parts:
                either = parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, q) for q in parts])
                # Each field's clause intersected with the hits' ids on its own: the union then runs over
                # sparse scorers (a few documents each), never over a common word's whole posting list.
                within = Query.boolean_query([(Occur.Must, admit), (Occur.Must, either)])
                clauses.append((Occur.Should, Query.const_score_query(within, float(1 << bit))))
        if clauses:
            query = Query.boolean_query([(Occur.Should, Query.const_score_query(admit, 0.0)), *clauses])
            limit = max(1, SLACK * len(docs) + SLACK)
            found = compiler.searcher.search(query, limit, count=False).hits
            if len(found) < limit:  # else some hits may be missing: they are checked on the text below
                masks = {(a.segment_ord, a.doc): round(score) for score, a in found}
    out: list[list[str]] = []
    text_exact: dict[str, Matcher] | None = None
    text_prefix = matchers(searched_fields(prefixes)) if prefixes else {}
    for doc, address in zip(docs, addresses, strict=True):
        mask = masks.get((address.segment_ord, address.doc))
        if mask is None:
            if text_exact is None:
                text_exact = matchers(searched_fields(exact))
            fields = set(matched_fields(doc, text_exact))
        else:
            fields = {name for bit, name in enumerate(MATCH_ORDER) if mask >> bit & 1}
        if text_prefix:
            fields.update(matched_fields(doc, text_prefix))
        out.append([name for name in MATCH_ORDER if name in fields])
    return out


def _possible(compiler: Compiler, name: str, leaf: Leaf) -> bool:
    """False when a word of `leaf` is in no document's field `name` (a term dictionary lookup, ~2 us): its
    clause could match nothing, and would only add to the search's set-up. Deleted documents still count,
    so this never drops a clause that could match."""
    words = leaf.words[:-1] if leaf.prefix else leaf.words
    return all(compiler.searcher.doc_freq(name, word) > 0 for word in words)
