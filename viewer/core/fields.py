"""One flat view of a study's text, field by field: what the library filter, the search index and the diff read.

Every consumer takes its text from here, so a word the index finds is a word the filter finds and a word the
diff compares. Each field is plain text: list items on lines of their own, nested criteria indented.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.core.model import Criterion, Site, Study

FIELDS = (
    "id", "title", "conditions", "interventions", "summary", "inclusion", "exclusion", "outcomes", "sites",
    "countries", "sponsor",
)  # fmt: skip
"""The searchable fields, in the order an index keeps them."""


def criteria_lines(items: tuple[Criterion, ...], depth: int = 0) -> Iterator[str]:
    """Criteria as lines, children indented two spaces per level under their lead-in."""
    for item in items:
        yield "  " * depth + " ".join(item.text.split())
        yield from criteria_lines(item.children, depth + 1)


def site_line(site: Site) -> str:
    """'Facility, City, State, Country' (what is stated)."""
    return ", ".join(p for p in (site.facility, site.city, site.state, site.country) if p)


def _lines(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)


def study_text(study: Study) -> dict[str, str]:
    """Each field of FIELDS as one text (empty when the record says nothing)."""
    s = study.summary
    e = study.eligibility
    o = study.outcomes
    titles = dict.fromkeys(t for t in (s.brief_title, s.official_title, s.acronym) if t)
    interventions = [" ".join(x for x in (i.name, "; ".join(i.other_names)) if x) for i in s.interventions] + [
        a.label for a in study.arms
    ]
    outcomes = [
        " — ".join(x for x in (item.measure, item.time_frame) if x) for item in (*o.primary, *o.secondary, *o.other)
    ]
    countries = dict.fromkeys(site.country for site in study.sites if site.country)
    return {
        "id": _lines(study.id, *study.secondary_ids),
        "title": _lines(*titles),
        "conditions": _lines(*s.conditions, *s.keywords),
        "interventions": _lines(*dict.fromkeys(interventions)),
        "summary": _lines(s.brief_summary, s.detailed_description),
        "inclusion": _lines(*criteria_lines(e.inclusion)) or ("" if e.exclusion else (e.criteria_text or "")),
        "exclusion": _lines(*criteria_lines(e.exclusion)),
        "outcomes": _lines(*outcomes),
        "sites": _lines(*(site_line(site) for site in study.sites)),
        "countries": _lines(*countries),
        "sponsor": _lines(s.sponsor, *s.collaborators),
    }


def haystack(study: Study) -> str:
    """Every field in one case-folded text, for substring filtering."""
    return "\n".join(study_text(study).values()).casefold()
