"""Studies and tree nodes as blocks, and from blocks as HTML (pane, print, export) or Markdown (export).

One render path: model -> outline nodes -> blocks (viewer.core.blocks) -> a writer. Record text only ever
travels in runs, which the writers escape; nothing here builds markup.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, cast

from viewer.core.blocks import (
    Block,
    Facts,
    Inline,
    Item,
    ListBlock,
    Note,
    Paragraph,
    Run,
    Section,
    prose,
    runs,
)
from viewer.core.outline import (
    Kind,
    Node,
    age_range,
    contact_name,
    humanize,
    outline,
    site_name,
    sites_by_country,
    sites_by_state,
    yes_no,
)

if TYPE_CHECKING:
    from viewer.core.html_writer import Flavor
    from viewer.core.model import (
        Arm,
        Contact,
        Criterion,
        Design,
        Eligibility,
        Intervention,
        Outcome,
        Reference,
        Site,
        Source,
        Study,
        Summary,
    )

Builder = Callable[[Node, int, bool], list[Block]]


# --- whole studies and nodes -------------------------------------------------------------------------


def study_blocks(study: Study, *, skip_empty: bool = True) -> list[Block]:
    """The whole study, every section spelled out. For paper and files, empty sections are left out and
    named once at the end (`skip_empty`); the detail pane shows each with "Nothing recorded"."""
    root = outline(study)
    out: list[Block] = [Section(runs(f"{study.id}: {study.title}"), 1)]
    empty: list[str] = []
    for section in root.children:
        if skip_empty and section.empty:
            empty.append(section.label)
            continue
        out.append(node_section(section, level=2, full=True))
    if empty:
        out.append(Note(f"Not recorded in this record: {', '.join(empty)}."))
    return out


def node_section(node: Node, level: int = 2, full: bool = False) -> Section:
    """One tree node as a section: its title, and its content (`full` also spells out every child)."""
    body = _BUILDERS.get(node.kind, _plain)(node, level, full)
    return Section(runs(node.title), level, tuple(body), empty=not body)


def node_html(node: Node, flavor: Flavor = "qt", terms: Sequence[str] = ()) -> str:
    """The HTML fragment the detail pane shows for a node; `terms` (a search's words) are marked in it."""
    from viewer.core.html_writer import to_html

    blocks: Sequence[Block] = [node_section(node, level=2)]
    if terms:
        from viewer.core.highlight import Terms, mark_blocks

        blocks = mark_blocks(blocks, Terms.of(terms))
    return to_html(list(blocks), flavor)


def render_node(node: Node, level: int = 2, full: bool = False) -> str:
    """A node as Markdown (tests and the Markdown export read it)."""
    from viewer.core.markdown_writer import to_markdown

    return to_markdown([node_section(node, level, full)]).rstrip("\n")


def study_markdown(study: Study) -> str:
    from viewer.core.markdown_writer import to_markdown

    return to_markdown(study_blocks(study))


def study_body_html(study: Study, flavor: Flavor = "qt") -> str:
    """The study as an HTML fragment (print and PDF lay it out)."""
    from viewer.core.html_writer import to_html

    return to_html(study_blocks(study), flavor)


def study_html(study: Study) -> str:
    """A standalone HTML document for the study: embedded CSS, no external references."""
    title = html.escape(f"{study.id}: {study.title}")
    body = study_body_html(study, "web")
    return html_document(title, body)


def html_document(title_html: str, body: str) -> str:
    """A standalone, inert HTML page around a body of our own markup (escaped title given)."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f'<meta name="generator" content="Trial Protocol Viewer">\n<title>{title_html}</title>\n'
        f"<style>\n{export_css()}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


@cache
def export_css() -> str:
    """The style sheet embedded in HTML exports (kept in resources/, with the other colours)."""
    from viewer.core.bundle import resource_text

    return resource_text("styles/export.css")


def text_size(node: Node, limit: int | None = None) -> int:
    """About how many characters of record text a node's render shows; counting stops past `limit`.

    Cheap, so a caller can decide before rendering whether the render is worth a worker thread. It
    over-counts a little (every field of what the node shows, not only the rendered ones), never much under.
    """
    size, stack = len(node.title), [_shown(node)]
    while stack and (limit is None or size <= limit):
        item = stack.pop()
        size += 4  # the markup around each value
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, tuple | list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif fields := getattr(type(item), "model_fields", None):  # a pydantic model: its field values
            stack.extend(getattr(item, name) for name in fields)
    return size


def _shown(node: Node) -> object:
    """The part of the record a node's render shows (some nodes hold the whole study but show a part)."""
    study = cast("Study", node.ref)
    if node.kind is Kind.STUDY:
        return node.note
    if node.kind is Kind.SUMMARY:
        return (study.summary, study.secondary_ids)
    if node.kind is Kind.ARMS:
        return (study.arms, study.summary.interventions)
    if node.kind is Kind.CONTACTS:
        return (study.contacts, study.officials)
    return node.ref


# --- pieces -------------------------------------------------------------------------------------------


def _facts(pairs: Iterable[tuple[str, object]]) -> list[Block]:
    rows: list[tuple[str, Inline]] = []
    for label, value in pairs:
        if isinstance(value, tuple | list):
            value = "; ".join(str(v) for v in value if v)
        if value is None or value == "":
            continue
        rows.append((label, runs(str(value))))
    return [Facts(tuple(rows))] if rows else []


def _sub(title: str, text: str | None, level: int) -> list[Block]:
    return [Section(runs(title), level, prose(text))] if text else []


def _status(summary: Summary) -> str:
    """The normalized status in words, with the registry's own wording beside it where it differs."""
    words = humanize(summary.overall_status)
    raw = summary.overall_status_raw
    if (
        words
        and raw
        and " ".join(raw.split()).casefold() not in (words.casefold(), (summary.overall_status or "").casefold())
    ):
        return f"{words} (as registered: {raw})"
    return words or raw or ""


def _summary(node: Node, level: int, full: bool) -> list[Block]:
    study = cast("Study", node.ref)
    s = study.summary
    enrollment = f"{s.enrollment} ({humanize(s.enrollment_type).lower()})" if s.enrollment_type else s.enrollment
    facts = _facts(
        [
            ("Study ID", study.id),
            ("Other IDs", study.secondary_ids),
            ("Registry", study.registry),
            ("Brief title", s.brief_title),
            ("Official title", s.official_title),
            ("Acronym", s.acronym),
            ("Status", _status(s)),
            ("Why stopped", s.why_stopped),
            ("Phase", [humanize(p) for p in s.phases]),
            ("Study type", humanize(s.study_type)),
            ("Sponsor", s.sponsor),
            ("Collaborators", s.collaborators),
            ("Conditions", s.conditions),
            ("Keywords", s.keywords),
            ("Interventions", [_intervention_name(x) for x in s.interventions]),
            ("Enrollment", enrollment),
            ("Start date", s.start_date),
            ("Primary completion", s.primary_completion_date),
            ("Completion", s.completion_date),
            ("First posted", s.first_posted),
            ("Last update posted", s.last_update_posted),
        ]
    )
    sub = level + 1
    return [
        *facts,
        *_sub("Brief summary", s.brief_summary, sub),
        *(_sub("Detailed description", s.detailed_description, sub) if full else []),
    ]


def _description(node: Node, level: int, full: bool) -> list[Block]:
    return list(prose(cast("Summary", node.ref).detailed_description))


def criteria_list(items: tuple[Criterion, ...], numbered: bool = True) -> ListBlock:
    return ListBlock(
        tuple(Item(runs(c.text), (criteria_list(c.children, numbered=False),) if c.children else ()) for c in items),
        ordered=numbered,
    )


def _eligibility_facts(e: Eligibility) -> list[Block]:
    return _facts(
        [
            ("Age", age_range(e)),
            ("Sex", humanize(e.sex).capitalize() or "Not stated"),
            ("Healthy volunteers", yes_no(e.healthy_volunteers)),
        ]
    )


def _eligibility(node: Node, level: int, full: bool) -> list[Block]:
    e = cast("Eligibility", node.ref)
    sub = level + 1
    out = _eligibility_facts(e)
    for child in node.children:
        if child.kind is Kind.CRITERIA:
            out.append(node_section(child, sub, full))
    out += _sub("Study population", e.study_population, sub)
    if not e.inclusion and not e.exclusion:
        out += _sub("Criteria as stated", e.criteria_text, sub)
    return out


def _criteria(node: Node, level: int, full: bool) -> list[Block]:
    items = cast("tuple[Criterion, ...]", node.ref)
    return [criteria_list(items)] if items else []


def _criterion(node: Node, level: int, full: bool) -> list[Block]:
    item = cast("Criterion", node.ref)
    numbers = [str(k + 1) for k in node.key if isinstance(k, int)]
    group = "Inclusion" if "inclusion" in node.key else "Exclusion"
    out: list[Block] = [Note(f"{group} criterion {'.'.join(numbers)}"), *prose(item.text)]
    if item.children:
        out.append(criteria_list(item.children, numbered=False))
    return out


def _fact(node: Node, level: int, full: bool) -> list[Block]:
    e = cast("Eligibility", node.ref)
    if node.kind is Kind.POPULATION:
        return list(prose(e.study_population))
    return _eligibility_facts(e)


def outcome_item(o: Outcome) -> Item:
    detail: list[Block] = []
    if o.time_frame:
        detail.append(Paragraph((Run("Time frame: ", em=True), Run(o.time_frame))))
    if o.description:
        detail += prose(o.description)
    return Item((Run(o.measure, strong=True),), tuple(detail))


def _outcomes(node: Node, level: int, full: bool) -> list[Block]:
    return [node_section(child, level + 1, full) for child in node.children if child.count]


def _outcome_group(node: Node, level: int, full: bool) -> list[Block]:
    items = cast("tuple[Outcome, ...]", node.ref)
    return [ListBlock(tuple(outcome_item(o) for o in items), ordered=True)] if items else []


def _outcome(node: Node, level: int, full: bool) -> list[Block]:
    o = cast("Outcome", node.ref)
    out = [*_facts([("Time frame", o.time_frame)]), *prose(o.description)]
    if len(o.measure) > len(node.label):  # the label was cut: the whole measure once more
        out.append(Paragraph((Run("Measure: ", em=True), Run(o.measure))))
    return out


def contact_runs(c: Contact) -> Inline:
    role = humanize(c.role)
    details = [x for x in (c.affiliation, c.phone, c.email) if x and x != contact_name(c)]
    parts: list[Run] = [Run(contact_name(c), strong=True)]
    if role:
        parts.append(Run(f" ({role})"))
    parts += [Run(f" · {d}") for d in details]
    return tuple(parts)


def site_item(site: Site) -> Item:
    place = ", ".join(p for p in (site.city, site.state, site.zip) if p)
    text: list[Run] = [Run(site_name(site), strong=True)]
    if place:
        text.append(Run(f" · {place}"))
    if site.status:
        text.append(Run(f" · {humanize(site.status)}", em=True))
    contacts = (ListBlock(tuple(Item(contact_runs(c)) for c in site.contacts)),) if site.contacts else ()
    return Item(tuple(text), contacts)


def _site_list(sites: Iterable[Site]) -> ListBlock:
    return ListBlock(tuple(site_item(s) for s in sites))


def _country_blocks(country: str, sites: tuple[Site, ...], level: int) -> Section:
    groups = sites_by_state(sites)
    if len(groups) <= 1:
        return Section(runs(f"{country} ({len(sites)})"), level, (_site_list(sites),))
    body = tuple(
        Section(runs(f"{state} ({len(members)})"), level + 1, (_site_list(members),)) for state, members in groups
    )
    return Section(runs(f"{country} ({len(sites)})"), level, body)


def _sites(node: Node, level: int, full: bool) -> list[Block]:
    sites = cast("tuple[Site, ...]", node.ref)
    return [_country_blocks(c, tuple(s for _, s in members), level + 1) for c, members in sites_by_country(sites)]


def _country(node: Node, level: int, full: bool) -> list[Block]:
    sites = cast("tuple[Site, ...]", node.ref)
    groups = sites_by_state(sites)
    if len(groups) <= 1:
        return [_site_list(sites)] if sites else []
    return [Section(runs(f"{state} ({len(members)})"), level + 1, (_site_list(members),)) for state, members in groups]


def _state(node: Node, level: int, full: bool) -> list[Block]:
    sites = cast("tuple[Site, ...]", node.ref)
    return [_site_list(sites)] if sites else []


def _site(node: Node, level: int, full: bool) -> list[Block]:
    site = cast("Site", node.ref)
    out = _facts(
        [
            ("Facility", site.facility),
            ("City", site.city),
            ("State or region", site.state),
            ("Postal code", site.zip),
            ("Country", site.country),
            ("Status", humanize(site.status)),
        ]
    )
    if site.contacts:
        out.append(
            Section(runs("Contacts"), level + 1, (ListBlock(tuple(Item(contact_runs(c)) for c in site.contacts)),))
        )
    return out


def _contact(node: Node, level: int, full: bool) -> list[Block]:
    c = cast("Contact", node.ref)
    return _facts(
        [
            ("Name", c.name),
            ("Role", humanize(c.role) or node.note),
            ("Phone", c.phone),
            ("Email", c.email),
            ("Affiliation", c.affiliation),
        ]
    )


def _contacts(node: Node, level: int, full: bool) -> list[Block]:
    if node.kind is Kind.CONTACT_GROUP:
        people = cast("tuple[Contact, ...]", node.ref)
        return [ListBlock(tuple(Item(contact_runs(c)) for c in people))] if people else []
    return [node_section(child, level + 1, full) for child in node.children]


def _design(node: Node, level: int, full: bool) -> list[Block]:
    d = cast("Design", node.ref)
    return _facts(
        [
            ("Allocation", humanize(d.allocation)),
            ("Intervention model", humanize(d.intervention_model)),
            ("Model description", d.intervention_model_description),
            ("Primary purpose", humanize(d.primary_purpose)),
            ("Masking", humanize(d.masking)),
            ("Masking description", d.masking_description),
            ("Who is masked", [humanize(w) for w in d.who_masked]),
            ("Observational model", humanize(d.observational_model)),
            ("Time perspective", humanize(d.time_perspective)),
            ("Number of arms", d.number_of_arms),
        ]
    )


def _intervention_name(x: Intervention) -> str:
    return f"{humanize(x.type)}: {x.name}" if x.type else x.name


def arm_item(a: Arm) -> Item:
    text: list[Run] = [Run(a.label, strong=True)]
    if a.type:
        text.append(Run(f" ({humanize(a.type)})"))
    detail: list[Block] = [*prose(a.description)]
    if a.interventions:
        detail.append(Paragraph((Run("Interventions: ", em=True), Run("; ".join(a.interventions)))))
    return Item(tuple(text), tuple(detail))


def intervention_item(x: Intervention) -> Item:
    detail: list[Block] = []
    if x.other_names:
        detail.append(Paragraph((Run("Other names: ", em=True), Run("; ".join(x.other_names)))))
    if x.arm_labels:
        detail.append(Paragraph((Run("Arms: ", em=True), Run("; ".join(x.arm_labels)))))
    detail += prose(x.description)
    return Item((Run(_intervention_name(x), strong=True),), tuple(detail))


def _arms(node: Node, level: int, full: bool) -> list[Block]:
    if node.kind is Kind.ARM_GROUP:
        return [ListBlock(tuple(arm_item(a) for a in cast("tuple[Arm, ...]", node.ref)))]
    if node.kind is Kind.INTERVENTION_GROUP:
        return [ListBlock(tuple(intervention_item(x) for x in cast("tuple[Intervention, ...]", node.ref)))]
    if node.kind is Kind.ARM:
        item = arm_item(cast("Arm", node.ref))
        return [Paragraph(item.text), *item.children]
    if node.kind is Kind.INTERVENTION:
        item = intervention_item(cast("Intervention", node.ref))
        return [Paragraph(item.text), *item.children]
    return [node_section(child, level + 1, full) for child in node.children if child.count]


def reference_runs(r: Reference) -> Inline:
    bits = [b for b in (r.citation, f"PMID {r.pmid}" if r.pmid else None, r.url) if b]
    text: list[Run] = [Run(" · ".join(bits))] if bits else [Run("No citation", em=True)]
    if r.type:
        text.append(Run(f" ({humanize(r.type)})", em=True))
    return tuple(text)


def _references(node: Node, level: int, full: bool) -> list[Block]:
    if node.kind is Kind.REFERENCE:
        return [Paragraph(reference_runs(cast("Reference", node.ref)))]
    refs = cast("tuple[Reference, ...]", node.ref)
    return [ListBlock(tuple(Item(reference_runs(r)) for r in refs), ordered=True)] if refs else []


def _extra(node: Node, level: int, full: bool) -> list[Block]:
    return _facts(cast("dict[str, str]", node.ref).items())


def _source(node: Node, level: int, full: bool) -> list[Block]:
    if node.kind is Kind.WARNING:
        return list(prose(cast(str, node.ref)))
    if node.kind is Kind.WARNINGS:
        return [ListBlock(tuple(Item(runs(w)) for w in cast("tuple[str, ...]", node.ref)))]
    src = cast("Source", node.ref)
    out = _facts(
        [("File", src.file), ("Format", src.format), ("Record in file", src.record + 1), ("SHA-256", src.sha256)]
    )
    if src.warnings:
        warnings = ListBlock(tuple(Item(runs(w)) for w in src.warnings))
        out.append(Section(runs(f"Parse warnings ({len(src.warnings)})"), level + 1, (warnings,)))
    else:
        out.append(Note("No parse warnings."))
    return out


def _links(node: Node, level: int, full: bool) -> list[Block]:
    """The same trial's other records in the library: what they are, and where they came from."""
    if node.kind is Kind.LINK:
        other = cast("Study", node.ref)
        facts = _facts(
            [
                ("Study ID", other.id),
                ("Registry", other.registry),
                ("Title", other.title),
                ("Status", _status(other.summary)),
                ("Last update posted", other.summary.last_update_posted),
                ("File", other.source.file),
            ]
        )
        return [*facts, Note("Enter opens it; its context menu compares the two.")]
    others = cast("tuple[Study, ...]", node.ref)
    return [ListBlock(tuple(Item((Run(o.id, strong=True), Run(f" · {o.registry} · {o.title}"))) for o in others))]


def _plain(node: Node, level: int, full: bool) -> list[Block]:
    return [Paragraph(runs(node.note))] if node.note else []


_BUILDERS: dict[Kind, Builder] = {
    Kind.SUMMARY: _summary,
    Kind.DESCRIPTION: _description,
    Kind.ELIGIBILITY: _eligibility,
    Kind.CRITERIA: _criteria,
    Kind.CRITERION: _criterion,
    Kind.AGE: _fact,
    Kind.SEX: _fact,
    Kind.HEALTHY_VOLUNTEERS: _fact,
    Kind.POPULATION: _fact,
    Kind.OUTCOMES: _outcomes,
    Kind.OUTCOME_GROUP: _outcome_group,
    Kind.OUTCOME: _outcome,
    Kind.SITES: _sites,
    Kind.COUNTRY: _country,
    Kind.STATE: _state,
    Kind.SITE: _site,
    Kind.CONTACT: _contact,
    Kind.CONTACTS: _contacts,
    Kind.CONTACT_GROUP: _contacts,
    Kind.DESIGN: _design,
    Kind.ARMS: _arms,
    Kind.ARM_GROUP: _arms,
    Kind.ARM: _arms,
    Kind.INTERVENTION_GROUP: _arms,
    Kind.INTERVENTION: _arms,
    Kind.REFERENCES: _references,
    Kind.REFERENCE: _references,
    Kind.EXTRA: _extra,
    Kind.SOURCE: _source,
    Kind.WARNINGS: _source,
    Kind.WARNING: _source,
    Kind.LINKS: _links,
    Kind.LINK: _links,
}
