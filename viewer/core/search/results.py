"""What the search core hands back: hits, results, indexing progress and reports (plain frozen data)."""

from __future__ import annotations

from dataclasses import dataclass, field

from viewer.core.errors import ParseError


@dataclass(frozen=True)
class IndexProgress:
    files_done: int
    files_total: int | None
    studies: int
    bytes_done: int
    bytes_total: int | None
    rate: float
    """Studies per second so far."""
    eta_s: float | None
    """Seconds left, when known."""
    current: str
    """The file (or zip member) being read."""


@dataclass(frozen=True)
class IndexReport:
    studies_added: int
    studies_removed: int
    files_indexed: int
    files_skipped_unchanged: int
    problems: tuple[ParseError, ...]
    """Each names the file and the reason."""
    cancelled: bool
    seconds: float


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    score: float
    snippet: str
    """HTML: the record's text escaped, matched words in <b>...</b>."""
    snippet_runs: tuple[tuple[str, bool], ...]
    """The same snippet as (text, matched) runs, unescaped."""
    snippet_field: str
    """The fields.FIELDS name the snippet came from."""
    fields: tuple[str, ...]
    """Every FIELDS name in which the query matched, best first; () when the search was not asked for them."""
    file: str
    """Absolute path of the file that holds the study."""
    member: str | None
    """The zip member's name, when the file is a zip."""
    registry: str
    phase: str
    """The study's phases as stored, joined with ", " ("PHASE1, PHASE2"); "" when none is stated."""
    status: str
    countries: tuple[str, ...]
    phases: tuple[str, ...] = ()
    sex: str = ""


@dataclass(frozen=True)
class SearchResult:
    query: str
    took_ms: float
    total: int
    hits: tuple[Hit, ...]
    terms: tuple[str, ...]
    """Positive terms, folded; a prefix term ends with "*"; phrase words one by one."""
    plain_words: bool
    """The text could not be parsed and was answered as plain words."""
    suggestions: tuple[str, ...]
    """Close vocabulary terms when total == 0, else ()."""
    facets: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    """FILTER_KEYS -> (value, count), most first."""
    facets_exact: bool = True
    """False when the facets were counted over the best FACET_LIMIT hits only (a huge result set)."""
    scopes: tuple[str, ...] = ()
    """The fields the query's words may match in (MATCH_ORDER names): where an opened hit's words are looked for."""
