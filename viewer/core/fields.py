"""One flat view of a study's text, field by field: what the library filter, the search index and the diff read.

Every consumer takes its text from here, so a word the index finds is a word the filter finds and a word the
diff compares. Each field is plain text: list items on lines of their own, nested criteria indented.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from operator import getitem
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from viewer.core.model import Criterion, Site, Study

FIELDS = (
    "id", "title", "conditions", "interventions", "summary", "inclusion", "exclusion", "outcomes", "sites",
    "countries", "sponsor",
)  # fmt: skip
"""The searchable fields, in the order an index keeps them."""


Get = Callable[[Any, str], Any]
"""How a field is read: `getattr` on a Study, `operator.getitem` on the plain dict a parser gives make_study
(the indexer's fast path): one text view whichever it reads."""


def criteria_lines(items: Iterable[Criterion], depth: int = 0, get: Get = getattr) -> Iterator[str]:
    """Criteria as lines, children indented two spaces per level under their lead-in."""
    for item in items:
        yield "  " * depth + " ".join(get(item, "text").split())
        yield from criteria_lines(get(item, "children"), depth + 1, get)


def site_line(site: Site, get: Get = getattr) -> str:
    """'Facility, City, State, Country' (what is stated)."""
    parts = (get(site, "facility"), get(site, "city"), get(site, "state"), get(site, "country"))
    return ", ".join(p for p in parts if p)


def _lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def study_text(study: Study) -> dict[str, str]:
    """Each field of FIELDS as one text (empty when the record says nothing)."""
    return _text(study, getattr)


def fields_text(fields: dict[str, Any]) -> dict[str, str]:
    """study_text of the Study that a parser's field dict (as make_study takes it, already bounded) validates
    into, read from the dict itself: the indexer skips building the model."""
    return _text(fields, getitem)


def _text(study: Any, get: Get) -> dict[str, str]:
    s = get(study, "summary")
    e = get(study, "eligibility")
    o = get(study, "outcomes")
    sites = get(study, "sites")
    titles = dict.fromkeys(t for t in (get(s, "brief_title"), get(s, "official_title"), get(s, "acronym")) if t)
    interventions = [
        " ".join(x for x in (get(i, "name"), "; ".join(get(i, "other_names"))) if x) for i in get(s, "interventions")
    ] + [get(a, "label") for a in get(study, "arms")]
    outcomes = [
        " — ".join(x for x in (get(item, "measure"), get(item, "time_frame")) if x)
        for item in (*get(o, "primary"), *get(o, "secondary"), *get(o, "other"))
    ]
    countries = dict.fromkeys(c for c in (get(site, "country") for site in sites) if c)
    inclusion, exclusion = get(e, "inclusion"), get(e, "exclusion")
    criteria = "" if exclusion else (get(e, "criteria_text") or "")
    return {
        "id": _lines(get(study, "id"), *get(study, "secondary_ids")),
        "title": _lines(*titles),
        "conditions": _lines(*get(s, "conditions"), *get(s, "keywords")),
        "interventions": _lines(*dict.fromkeys(interventions)),
        "summary": _lines(get(s, "brief_summary"), get(s, "detailed_description")),
        "inclusion": _lines(*criteria_lines(inclusion, 0, get)) or criteria,
        "exclusion": _lines(*criteria_lines(exclusion, 0, get)),
        "outcomes": _lines(*outcomes),
        "sites": _lines(*(site_line(site, get) for site in sites)),
        "countries": _lines(*countries),
        "sponsor": _lines(get(s, "sponsor"), *get(s, "collaborators")),
    }


def haystack(study: Study) -> str:
    """Every field in one case-folded text, for substring filtering."""
    return "\n".join(study_text(study).values()).casefold()
