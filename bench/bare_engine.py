"""The bare engine for bench_search.py: the package's tantivy index opened directly, its queries compiled by it.

Imported only in the bare process, which runs from the code under test (its `viewer` first on sys.path).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class Bare:
    searcher: Any
    compile: Any  # text -> tantivy.Query


def open_bare(folder: Path) -> Bare:
    from viewer.core.search import mock  # placeholder until SEARCH_API.md names the compile function

    index = mock.open_index(folder)
    searcher = index.searcher()
    return Bare(searcher, lambda text: mock.compile_query(index, searcher, text))
