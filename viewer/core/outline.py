"""The protocol tree of one study as plain immutable nodes, for the tree view and the renderers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model pulls in pydantic, which the GUI must not import before its first paint
    from viewer.core.model import Contact, Criterion, Eligibility, Outcome, Site, Study

Key = tuple[str | int, ...]
LABEL_LIMIT = 160
NONE_STATED = "none stated"
_NO_AGE_LIMIT = frozenset({"", "n/a", "none", "no limit"})  # raw age values that mean "no limit"
_SPECIAL = {
    "NA": "Not applicable",
    "ACTIVE_NOT_RECRUITING": "Active, not recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation",
    "NOT_YET_RECRUITING": "Not yet recruiting",
}


class Kind(StrEnum):
    """What a node shows; the renderers and the tree's styling dispatch on it."""

    STUDY = "study"
    SUMMARY = "summary"
    DESCRIPTION = "description"
    ELIGIBILITY = "eligibility"
    CRITERIA = "criteria"
    CRITERION = "criterion"
    AGE = "age"
    SEX = "sex"
    HEALTHY_VOLUNTEERS = "healthy_volunteers"
    POPULATION = "population"
    OUTCOMES = "outcomes"
    OUTCOME_GROUP = "outcome_group"
    OUTCOME = "outcome"
    SITES = "sites"
    COUNTRY = "country"
    STATE = "state"
    SITE = "site"
    CONTACT = "contact"
    DESIGN = "design"
    ARMS = "arms"
    ARM_GROUP = "arm_group"
    ARM = "arm"
    INTERVENTION_GROUP = "intervention_group"
    INTERVENTION = "intervention"
    CONTACTS = "contacts"
    CONTACT_GROUP = "contact_group"
    REFERENCES = "references"
    REFERENCE = "reference"
    EXTRA = "extra"
    SOURCE = "source"
    WARNINGS = "warnings"
    WARNING = "warning"
    LINKS = "links"
    LINK = "link"


@dataclass(frozen=True, eq=False, slots=True)
class Node:
    """One row of the protocol tree: its label, an optional count, and the model object it shows.

    `empty` marks a top-level section with nothing recorded: it stays in the tree (the layout does not
    jump between studies) with the note "none stated" instead of a "(0)" count.
    """

    label: str
    kind: Kind
    key: Key
    ref: object = None
    count: int | None = None
    note: str | None = None
    children: tuple[Node, ...] = ()
    empty: bool = False

    @property
    def title(self) -> str:
        """The label with its count, as shown in section rows: "Inclusion (5)"."""
        return self.label if self.count is None else f"{self.label} ({self.count})"

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, key: Key) -> Node | None:
        """The node with this key path, if the tree has one."""
        return next((node for node in self.walk() if node.key == key), None)


def humanize(code: str | None) -> str:
    """Registry vocabulary for people: NOT_YET_RECRUITING -> Not yet recruiting; free text unchanged."""
    if not code:
        return ""
    if code in _SPECIAL:
        return _SPECIAL[code]
    if not re.fullmatch(r"[A-Z0-9_]+", code):
        return code
    words = re.sub(r"(?<=[A-Z])(?=\d)", " ", code.replace("_", " ")).lower()
    return words[:1].upper() + words[1:]


def one_line(text: str, limit: int = LABEL_LIMIT) -> str:
    """Text squeezed onto one line and cut at `limit` characters, for labels."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def age_range(eligibility: Eligibility) -> str:
    """The age limits in words: "18 years to 80 years", "18 years and older", "not stated"."""
    low = _age(eligibility.minimum_age_raw, eligibility.minimum_age_years)
    high = _age(eligibility.maximum_age_raw, eligibility.maximum_age_years)
    if low and high:
        return f"{low} to {high}"
    if low:
        return f"{low} and older"
    if high:
        return f"up to {high}"
    return "Not stated"


def yes_no(value: bool | None) -> str:
    return "Not stated" if value is None else ("Yes" if value else "No")


def contact_name(contact: Contact) -> str:
    return contact.name or contact.affiliation or contact.email or contact.phone or "Unnamed contact"


def site_name(site: Site) -> str:
    return site.facility or ", ".join(p for p in (site.city, site.state) if p) or "Unnamed site"


def outline(study: Study, linked: Sequence[Study] = ()) -> Node:
    """The whole protocol tree of a study; its children are the top-level sections, always all of them.

    Below the top level only what the record holds appears: no "Primary (0)" or "Arms (0)" groups.
    `linked` are the same trial's other records the library holds (other registries, other versions):
    they come first, as "Also registered as".
    """
    sections = (
        _summary(study),
        _eligibility(study.eligibility),
        _outcomes(study),
        _sites(study),
        Node("Design", Kind.DESIGN, ("design",), study.design),
        _arms(study),
        _contacts(study),
        _references(study),
        Node("Other details", Kind.EXTRA, ("extra",), study.extra, count=len(study.extra)),
        _source(study),
    )
    children = tuple(map(_none_stated, sections))
    others = [o for o in linked if o is not study]
    if others:
        links = tuple(Node(o.id, Kind.LINK, ("links", i), o, note=_link_note(study, o)) for i, o in enumerate(others))
        children = (Node("Also registered as", Kind.LINKS, ("links",), tuple(others), count=len(others),
                         children=links), *children)  # fmt: skip
    return Node(study.id, Kind.STUDY, (), study, note=study.title, children=children)


def _link_note(study: Study, other: Study) -> str:
    if other.id == study.id:
        dated = f", updated {other.summary.last_update_posted}" if other.summary.last_update_posted else ""
        return f"another record of this trial{dated}"
    return other.registry


def _none_stated(section: Node) -> Node:
    """A top-level section with nothing in it, marked as such rather than counted as "(0)"."""
    if section.count == 0 or (section.kind is Kind.ARMS and not section.children):
        return replace(section, count=None, note=NONE_STATED, empty=True)
    return section


def _age(raw: str | None, years: float | None) -> str:
    """One age limit as the record words it, or "" for none: legacy XML writes "N/A" for no limit."""
    text = " ".join((raw or "").split())
    if text.casefold() in _NO_AGE_LIMIT:
        return _years(years)
    return text


def _years(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g} years"


def _summary(study: Study) -> Node:
    s = study.summary
    children: tuple[Node, ...] = ()
    if s.detailed_description:
        children = (Node("Detailed description", Kind.DESCRIPTION, ("summary", "detailed_description"), s),)
    return Node("Summary", Kind.SUMMARY, ("summary",), study, children=children)


def _criteria(label: str, key: Key, items: tuple[Criterion, ...]) -> Node:
    return Node(label, Kind.CRITERIA, key, items, count=len(items), children=_criterion_nodes(key, items))


def _criterion_nodes(key: Key, items: tuple[Criterion, ...]) -> tuple[Node, ...]:
    nodes = []
    for i, item in enumerate(items):
        path = (*key, i)
        kids = _criterion_nodes((*path, "children"), item.children)
        nodes.append(Node(one_line(item.text), Kind.CRITERION, path, item, children=kids))
    return tuple(nodes)


def _eligibility(e: Eligibility) -> Node:
    children = [
        _criteria(label, ("eligibility", name), items)
        for label, name, items in (("Inclusion", "inclusion", e.inclusion), ("Exclusion", "exclusion", e.exclusion))
        if items
    ]
    children += [
        Node(f"Age: {age_range(e)}", Kind.AGE, ("eligibility", "age"), e),
        Node(f"Sex: {humanize(e.sex).capitalize() or 'Not stated'}", Kind.SEX, ("eligibility", "sex"), e),
        Node(
            f"Healthy volunteers: {yes_no(e.healthy_volunteers)}",
            Kind.HEALTHY_VOLUNTEERS,
            ("eligibility", "healthy_volunteers"),
            e,
        ),
    ]
    if e.study_population:
        children.append(Node("Study population", Kind.POPULATION, ("eligibility", "study_population"), e))
    return Node("Eligibility", Kind.ELIGIBILITY, ("eligibility",), e, children=tuple(children))


def _outcome_nodes(group: str, items: tuple[Outcome, ...]) -> tuple[Node, ...]:
    return tuple(
        Node(one_line(o.measure), Kind.OUTCOME, ("outcomes", group, i), o, note=o.time_frame and one_line(o.time_frame))
        for i, o in enumerate(items)
    )


def _outcomes(study: Study) -> Node:
    o = study.outcomes
    groups = tuple(
        Node(
            label, Kind.OUTCOME_GROUP, ("outcomes", name), items, count=len(items), children=_outcome_nodes(name, items)
        )
        for label, name, items in (
            ("Primary", "primary", o.primary),
            ("Secondary", "secondary", o.secondary),
            ("Other", "other", o.other),
        )
        if items
    )
    total = len(o.primary) + len(o.secondary) + len(o.other)
    return Node("Outcomes", Kind.OUTCOMES, ("outcomes",), o, count=total, children=groups)


def sites_by_country(sites: tuple[Site, ...]) -> list[tuple[str, tuple[tuple[int, Site], ...]]]:
    """Sites grouped by country (countries sorted, unnamed last), each with its index in the record."""
    groups: dict[str, list[tuple[int, Site]]] = {}
    for i, site in enumerate(sites):
        groups.setdefault(site.country or "", []).append((i, site))
    ordered = sorted(groups, key=lambda c: (c == "", c.casefold()))
    return [(c or "Country not stated", tuple(groups[c])) for c in ordered]


STATE_GROUPING = 20
"""A country with more sites than this is grouped by state or region (1,214 US sites are not one list)."""


def sites_by_state(sites: Sequence[Site]) -> list[tuple[str, tuple[Site, ...]]]:
    """A country's sites grouped by state (sorted, unstated last) when there are many; else one group."""
    return [(state, tuple(s for _, s in members)) for state, members in _by_state(list(enumerate(sites)))]


def _by_state(members: list[tuple[int, Site]]) -> list[tuple[str, list[tuple[int, Site]]]]:
    groups: dict[str, list[tuple[int, Site]]] = {}
    for i, site in members:
        groups.setdefault(site.state or "", []).append((i, site))
    if len(members) <= STATE_GROUPING or len(groups) < 2:
        return [("", members)]
    ordered = sorted(groups, key=lambda g: (g == "", g.casefold()))
    return [(g or "State not stated", groups[g]) for g in ordered]


def _contact_nodes(key: Key, contacts: tuple[Contact, ...], default_role: str | None = None) -> tuple[Node, ...]:
    return tuple(
        Node(one_line(contact_name(c)), Kind.CONTACT, (*key, i), c, note=humanize(c.role) or default_role)
        for i, c in enumerate(contacts)
    )


def _site_nodes(members: Iterable[tuple[int, Site]]) -> tuple[Node, ...]:
    return tuple(
        Node(
            one_line(site_name(site)),
            Kind.SITE,
            ("sites", i),
            site,
            note=", ".join(p for p in (site.city, humanize(site.status)) if p) or None,
            children=_contact_nodes(("sites", i, "contacts"), site.contacts),
        )
        for i, site in members
    )


def _sites(study: Study) -> Node:
    countries = []
    for country, members in sites_by_country(study.sites):
        states = _by_state(list(members))
        if len(states) == 1:
            site_nodes = _site_nodes(members)
        else:
            site_nodes = tuple(
                Node(state, Kind.STATE, ("sites", "country", country, "state", state),
                     tuple(s for _, s in group), count=len(group), children=_site_nodes(group))
                for state, group in states
            )  # fmt: skip
        countries.append(
            Node(
                country,
                Kind.COUNTRY,
                ("sites", "country", country),
                tuple(s for _, s in members),
                count=len(members),
                children=site_nodes,
            )
        )
    return Node("Sites", Kind.SITES, ("sites",), study.sites, count=len(study.sites), children=tuple(countries))


def _arms(study: Study) -> Node:
    arms = tuple(
        Node(one_line(a.label), Kind.ARM, ("arms", i), a, note=humanize(a.type) or None)
        for i, a in enumerate(study.arms)
    )
    interventions = tuple(
        Node(one_line(x.name), Kind.INTERVENTION, ("summary", "interventions", i), x, note=humanize(x.type) or None)
        for i, x in enumerate(study.summary.interventions)
    )
    children = tuple(
        group
        for group in (
            Node("Arms", Kind.ARM_GROUP, ("arms", "group"), study.arms, count=len(arms), children=arms),
            Node(
                "Interventions",
                Kind.INTERVENTION_GROUP,
                ("summary", "interventions"),
                study.summary.interventions,
                count=len(interventions),
                children=interventions,
            ),
        )
        if group.children
    )
    return Node("Arms and interventions", Kind.ARMS, ("arms",), study, children=children)


def _contacts(study: Study) -> Node:
    children = []
    if study.contacts:
        children.append(
            Node(
                "Central contacts",
                Kind.CONTACT_GROUP,
                ("contacts", "group"),
                study.contacts,
                count=len(study.contacts),
                children=_contact_nodes(("contacts",), study.contacts),
            )
        )
    if study.officials:
        children.append(
            Node(
                "Officials and investigators",
                Kind.CONTACT_GROUP,
                ("officials",),
                study.officials,
                count=len(study.officials),
                children=_contact_nodes(("officials",), study.officials),
            )
        )
    total = len(study.contacts) + len(study.officials)
    return Node("Contacts", Kind.CONTACTS, ("contacts",), study, count=total, children=tuple(children))


def _references(study: Study) -> Node:
    refs = tuple(
        Node(
            one_line(r.citation or (f"PMID {r.pmid}" if r.pmid else r.url or "Reference")),
            Kind.REFERENCE,
            ("references", i),
            r,
            note=humanize(r.type) or None,
        )
        for i, r in enumerate(study.references)
    )
    return Node("References", Kind.REFERENCES, ("references",), study.references, count=len(refs), children=refs)


def _source(study: Study) -> Node:
    warnings = study.source.warnings
    items = tuple(Node(one_line(w), Kind.WARNING, ("source", "warnings", i), w) for i, w in enumerate(warnings))
    children = (
        (Node("Parse warnings", Kind.WARNINGS, ("source", "warnings"), warnings, count=len(items), children=items),)
        if items
        else ()
    )
    return Node("Source", Kind.SOURCE, ("source",), study.source, children=children)
