"""The bare engine for bench_search.py: the package's tantivy index opened directly, its queries compiled by it.

Imported only in the bare process, which runs from the code under test (its `viewer` first on sys.path).
The search core's public `compile_query(index, text)` (SEARCH_API.md) gives the tantivy Query that
`SearchIndex.search` runs; it needs a SearchIndex (the prefix expansions and filter values come from the
index's terms), so the index is opened twice: once by the package, to compile, and once by tantivy itself,
with the package's analyzer registered, to search. Only the search is timed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TANTIVY_FOLDER = "tantivy"
"""Where the search core keeps the tantivy index inside its folder (the catalog sits beside it)."""


@dataclass
class Bare:
    searcher: Any
    compile: Callable[[str], Any]  # text -> tantivy.Query
    package: Any


def open_bare(folder: Path) -> Bare:
    import tantivy
    from viewer.core.search import SearchIndex, compile_query
    from viewer.core.search.analyzer import register

    package = SearchIndex.open(folder)
    index = tantivy.Index.open(str(folder / TANTIVY_FOLDER))
    register(index)  # the analyzer is not stored in the index: every process registers it
    return Bare(index.searcher(), lambda text: compile_query(package, text), package)
