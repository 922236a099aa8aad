"""The offline full-text search core: a tantivy index of studies with a SQLite catalog beside it (no Qt).

The public API (the contract with the GUI and the benchmark, /work/wt/SEARCH_API.md)::

    from viewer.core.search import (
        SearchIndex, SearchResult, Hit, IndexProgress, IndexReport, parse_query, fold, load_hit, FILTER_KEYS,
        compile_query, IndexBusyError,
    )

`compile_query(index, text, filters=None)` returns the tantivy Query that `SearchIndex.search` runs for
that text; `viewer.core.search.bare` (`prepare`, `run`, `bare_answer`) is the fair bare-engine baseline a
benchmark times against the full path: the same search plus the stored documents and tantivy's snippets.
The query language is in docs/search.md.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from viewer.core.search.analyzer import fold
from viewer.core.search.index import FILTER_KEYS, IndexBusyError, SearchIndex
from viewer.core.search.load import load_hit
from viewer.core.search.query import ParsedQuery, parse_query
from viewer.core.search.results import Hit, IndexProgress, IndexReport, SearchResult

if TYPE_CHECKING:
    import tantivy


def compile_query(index: SearchIndex, text: str, filters: Mapping[str, Collection[str]] | None = None) -> tantivy.Query:
    """The tantivy Query `index.search(text, filters=filters)` runs (ranking only: no snippets or facets)."""
    return index.compile_query(text, filters)


__all__ = [
    "FILTER_KEYS",
    "Hit",
    "IndexBusyError",
    "IndexProgress",
    "IndexReport",
    "ParsedQuery",
    "SearchIndex",
    "SearchResult",
    "compile_query",
    "fold",
    "load_hit",
    "parse_query",
]
