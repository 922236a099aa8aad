"""The bare-engine baseline: tantivy alone doing the engine work one search answer needs (for benchmarks).

What "the bare engine answering the same query" means in issue 7's aim (the full path at most 1.5x it)::

    prepared = prepare(index, text)        # not engine work: the package's own parse + compile
    hits = run(prepared, limit=20)  # the engine work, timed: see `run`
    hits = bare_answer(index, text, 20)    # both

`run` does, on the index's current tantivy searcher:

1. `searcher.search(query, limit, count=True)`: the top `limit` hits and the total;
2. `searcher.doc(address)` for each hit: its stored document (all stored fields, as tantivy returns them);
3. `tantivy.SnippetGenerator.create(searcher, highlight, schema, field)` once per query, `set_max_num_chars(180)`,
   then `snippet_from_doc(doc)` for each hit and its `to_html()`.

The snippet field is one per query: the first field of SNIPPET_ORDER the query searches (`summary` for an
unscoped word, `title` for `title:x`, ...); its highlight query is the package's (`Compiler.highlight`: the
positive words in that field, a prefix as its most frequent expansions), since tantivy's generator marks only
terms of the field it is given and the ranking query's unscoped words are in the catch-all field.

It does not: choose a snippet field per hit or fall back to another field (the full path tries the fields
that matched, in SNIPPET_ORDER, until one highlights), find which fields matched, split the snippet into
runs, read the hit's filter values, count facets, or suggest spellings. A query of filters only has no
snippet field, so no snippets. Parsing and compiling are in `prepare`, outside `run`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from viewer.core.search.compile import Compiled
from viewer.core.search.query import parse_query
from viewer.core.search.snippets import SNIPPET_CHARS, SNIPPET_ORDER

if TYPE_CHECKING:
    import tantivy

    from viewer.core.search.index import SearchIndex


@dataclass(frozen=True)
class Prepared:
    """A query compiled by the package, ready for the engine."""

    searcher: tantivy.Searcher
    schema: tantivy.Schema
    query: tantivy.Query
    field: str | None
    """The snippet field; None when the query searches no text (filters only)."""
    highlight: tantivy.Query | None


@dataclass(frozen=True)
class BareHit:
    id: str
    score: float
    snippet: str
    """tantivy's Snippet.to_html() (empty when nothing in the snippet field matched)."""


def prepare(index: SearchIndex, text: str) -> Prepared:
    """Parse and compile `text` as `index.search` would, and pick the snippet field and its highlight query."""
    compiler = index.compiler()
    searcher = compiler.searcher
    compiled: Compiled = compiler.compile(parse_query(text))
    searched = {f for leaf in compiled.leaves for f in (leaf.fields or SNIPPET_ORDER)}
    field = next((f for f in SNIPPET_ORDER if f in searched), None)
    highlight = compiler.highlight(compiled, field) if field else None
    return Prepared(searcher, compiler.schema, compiled.query, field, highlight)


def run(prepared: Prepared, limit: int = 20) -> list[BareHit]:
    """The engine work of one answer (see the module docstring); hits in rank order."""
    import tantivy

    searcher = prepared.searcher
    found = searcher.search(prepared.query, limit, count=True)
    generator = None
    if prepared.field and prepared.highlight is not None:
        generator = tantivy.SnippetGenerator.create(searcher, prepared.highlight, prepared.schema, prepared.field)
        generator.set_max_num_chars(SNIPPET_CHARS)
    hits = []
    for score, address in found.hits:
        doc = searcher.doc(address)
        snippet = generator.snippet_from_doc(doc).to_html() if generator is not None else ""
        hits.append(BareHit((doc.get_first("id") or "").split("\n")[0], float(score), snippet))
    return hits


def bare_answer(index: SearchIndex, text: str, limit: int = 20) -> list[BareHit]:
    """`run(prepare(index, text), limit)`: the bare engine's answer to `text`, in rank order."""
    return run(prepare(index, text), limit)
