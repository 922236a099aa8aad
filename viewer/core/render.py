"""Studies and tree nodes as Markdown and HTML, with record text escaped so it shows literally."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, cast

from viewer.core.outline import (
    Kind,
    Node,
    age_range,
    contact_name,
    humanize,
    outline,
    site_name,
    sites_by_country,
    yes_no,
)

if TYPE_CHECKING:
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

_ALWAYS = re.compile(r"([\\`*_\[\]|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
_LINE_START = re.compile(r"^(#|>|[-+]|\d+(?=\.)|=+\s*$)")
# Markdown features a record could abuse; our own markup never needs them, so they are switched off.
_UNSAFE_INLINE = (
    "html",
    "autolink",
    "automail",
    "link",
    "image_link",
    "image_reference",
    "reference",
    "short_reference",
    "short_image_ref",
)


def escape(text: str, line_start: bool = True) -> str:
    """One line of record text, safe inside Markdown: syntax and raw HTML come out literally.

    `line_start=False` is for text placed after other text on its line, where list, heading and quote
    markers mean nothing, so they are left without a backslash.
    """
    line = " ".join(text.split())
    line = _TAG.sub("&lt;", _ENTITY.sub("&amp;", _ALWAYS.sub(r"\\\1", line)))
    match = _LINE_START.match(line) if line_start else None
    if match:
        lead = match.group(1)
        if lead[0].isdigit():
            line = f"{lead}\\{line[len(lead) :]}"
        elif lead[0] == "=":
            line = "&#61;" + line[1:]
        else:
            line = "\\" + line
    return line


def escape_block(text: str) -> str:
    """Multi-line record text as Markdown paragraphs, keeping its paragraphs and line breaks."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    out = []
    for para in paragraphs:
        lines = [escape(line) for line in para.split("\n") if line.strip()]
        if lines:
            out.append("  \n".join(lines))
    return "\n\n".join(out)


def markdown_to_html(md: str) -> str:
    """Our Markdown as an HTML fragment; links, images and raw HTML are disabled as a second guard."""
    import markdown  # imported on first use: the window must paint before this loads

    converter = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.parser.blockprocessors.deregister("reference")
    for name in _UNSAFE_INLINE:
        converter.inlinePatterns.deregister(name, strict=False)
    return cast(str, converter.convert(md))


def study_markdown(study: Study) -> str:
    """The whole study as one readable Markdown document: every section of the record."""
    root = outline(study)
    parts = [f"# {escape(study.id)}: {escape(study.title)}"]
    parts += [render_node(section, level=2, full=True) for section in root.children]
    return "\n\n".join(p for p in parts if p) + "\n"


def study_html(study: Study) -> str:
    """A standalone HTML document for the study: embedded CSS, no external references."""
    title = html.escape(f"{study.id}: {study.title}")
    body = markdown_to_html(study_markdown(study))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f'<meta name="generator" content="Trial Protocol Viewer">\n<title>{title}</title>\n'
        f"<style>\n{export_css()}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


@cache
def export_css() -> str:
    """The style sheet embedded in HTML exports (kept in resources/, with the other colours)."""
    from viewer.core.bundle import resource_text

    return resource_text("styles/export.css")


def render_node(node: Node, level: int = 2, full: bool = False) -> str:
    """Markdown for one tree node: a heading and its content (`full` also spells out every child)."""
    head = f"{'#' * level} {escape(node.title)}"
    body = _RENDERERS.get(node.kind, _render_plain)(node, level, full)
    return f"{head}\n\n{body}" if body else f"{head}\n\n*Nothing recorded.*"


def text_size(node: Node, limit: int | None = None) -> int:
    """About how many characters of record text `render_node(node)` shows; counting stops past `limit`.

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


def _facts(pairs: Iterable[tuple[str, object]]) -> str:
    lines = []
    for label, value in pairs:
        if isinstance(value, tuple | list):
            value = "; ".join(str(v) for v in value if v)
        if value is None or value == "":
            continue
        lines.append(f"**{escape(label)}:** {escape(str(value), line_start=False)}")
    return "  \n".join(lines)


def _join(*blocks: str) -> str:
    return "\n\n".join(b for b in blocks if b)


def _section(title: str, text: str | None, level: int) -> str:
    return f"{'#' * level} {title}\n\n{escape_block(text)}" if text else ""


def _indent(text: str, depth: int) -> str:
    pad = "    " * depth
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def _render_summary(node: Node, level: int, full: bool) -> str:
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
            ("Status", humanize(s.overall_status) or s.overall_status_raw),
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
    return _join(
        facts,
        _section("Brief summary", s.brief_summary, sub),
        _section("Detailed description", s.detailed_description, sub) if full else "",
    )


def _render_description(node: Node, level: int, full: bool) -> str:
    return escape_block(cast("Summary", node.ref).detailed_description or "")


def _criteria_list(items: tuple[Criterion, ...], depth: int = 0, numbered: bool = True) -> str:
    lines = []
    for i, item in enumerate(items, 1):
        marker = f"{i}." if numbered and depth == 0 else "-"
        lines.append(_indent(f"{marker} {escape(item.text)}", depth))
        if item.children:
            lines.append(_criteria_list(item.children, depth + 1, numbered))
    return "\n".join(lines)


def _eligibility_facts(e: Eligibility) -> str:
    return _facts(
        [
            ("Age", age_range(e)),
            ("Sex", humanize(e.sex).capitalize() or "Not stated"),
            ("Healthy volunteers", yes_no(e.healthy_volunteers)),
        ]
    )


def _render_eligibility(node: Node, level: int, full: bool) -> str:
    e = cast("Eligibility", node.ref)
    sub = level + 1
    parts = [_eligibility_facts(e)]
    for child in node.children:
        if child.kind is Kind.CRITERIA:
            parts.append(render_node(child, sub, full))
    parts.append(_section("Study population", e.study_population, sub))
    if not e.inclusion and not e.exclusion:
        parts.append(_section("Criteria as stated", e.criteria_text, sub))
    return _join(*parts)


def _render_criteria(node: Node, level: int, full: bool) -> str:
    return _criteria_list(cast("tuple[Criterion, ...]", node.ref))


def _render_criterion(node: Node, level: int, full: bool) -> str:
    item = cast("Criterion", node.ref)
    numbers = [str(k + 1) for k in node.key if isinstance(k, int)]
    group = "Inclusion" if "inclusion" in node.key else "Exclusion"
    text = f"*{group} criterion {'.'.join(numbers)}*\n\n{escape_block(item.text)}"
    return _join(text, _criteria_list(item.children, numbered=False))


def _render_fact(node: Node, level: int, full: bool) -> str:
    e = cast("Eligibility", node.ref)
    if node.kind is Kind.POPULATION:
        return escape_block(e.study_population or "")
    return _eligibility_facts(e)


def _outcome_item(o: Outcome) -> str:
    text = f"**{escape(o.measure)}**"
    if o.time_frame:
        text += f"  \n*Time frame:* {escape(o.time_frame)}"
    if o.description:
        text += f"  \n{escape(o.description)}"
    return text


def _outcome_list(items: tuple[Outcome, ...]) -> str:
    return "\n".join(f"{i}. " + _outcome_item(o).replace("\n", "\n    ") for i, o in enumerate(items, 1))


def _render_outcomes(node: Node, level: int, full: bool) -> str:
    return _join(*(render_node(child, level + 1, full) for child in node.children if child.count))


def _render_outcome_group(node: Node, level: int, full: bool) -> str:
    return _outcome_list(cast("tuple[Outcome, ...]", node.ref))


def _render_outcome(node: Node, level: int, full: bool) -> str:
    o = cast("Outcome", node.ref)
    return _join(
        _facts([("Time frame", o.time_frame)]),
        escape_block(o.description or ""),
        f"*Measure:* {escape(o.measure)}" if len(o.measure) > len(node.label) else "",
    )


def _contact_line(c: Contact) -> str:
    role = humanize(c.role)
    details = [x for x in (c.affiliation, c.phone, c.email) if x and x != contact_name(c)]
    text = f"**{escape(contact_name(c))}**" + (f" ({escape(role)})" if role else "")
    return text + "".join(f" · {escape(d, line_start=False)}" for d in details)


def _site_item(site: Site) -> str:
    place = ", ".join(p for p in (site.city, site.state, site.zip) if p)
    text = f"- **{escape(site_name(site))}**" + (f" · {escape(place, line_start=False)}" if place else "")
    text += f" · *{escape(humanize(site.status))}*" if site.status else ""
    return "\n".join([text, *(f"    - {_contact_line(c)}" for c in site.contacts)])


def _render_sites(node: Node, level: int, full: bool) -> str:
    sites = cast("tuple[Site, ...]", node.ref)
    return _join(
        *(
            f"{'#' * (level + 1)} {escape(country)} ({len(members)})\n\n" + "\n".join(_site_item(s) for _, s in members)
            for country, members in sites_by_country(sites)
        )
    )


def _render_country(node: Node, level: int, full: bool) -> str:
    return "\n".join(_site_item(s) for s in cast("tuple[Site, ...]", node.ref))


def _render_site(node: Node, level: int, full: bool) -> str:
    site = cast("Site", node.ref)
    facts = _facts(
        [
            ("Facility", site.facility),
            ("City", site.city),
            ("State or region", site.state),
            ("Postal code", site.zip),
            ("Country", site.country),
            ("Status", humanize(site.status)),
        ]
    )
    contacts = "\n".join(f"- {_contact_line(c)}" for c in site.contacts)
    return _join(facts, f"{'#' * (level + 1)} Contacts\n\n{contacts}" if contacts else "")


def _render_contact(node: Node, level: int, full: bool) -> str:
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


def _render_contacts(node: Node, level: int, full: bool) -> str:
    if node.kind is Kind.CONTACT_GROUP:
        return "\n".join(f"- {_contact_line(c)}" for c in cast("tuple[Contact, ...]", node.ref))
    return _join(*(render_node(child, level + 1, full) for child in node.children))


def _render_design(node: Node, level: int, full: bool) -> str:
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


def _arm_item(a: Arm) -> str:
    text = f"**{escape(a.label)}**" + (f" ({escape(humanize(a.type))})" if a.type else "")
    if a.description:
        text += f"  \n{escape(a.description)}"
    if a.interventions:
        text += "  \n*Interventions:* " + escape("; ".join(a.interventions))
    return text


def _intervention_item(x: Intervention) -> str:
    text = f"**{escape(_intervention_name(x))}**"
    if x.other_names:
        text += f"  \n*Other names:* {escape('; '.join(x.other_names))}"
    if x.arm_labels:
        text += f"  \n*Arms:* {escape('; '.join(x.arm_labels))}"
    if x.description:
        text += f"  \n{escape(x.description)}"
    return text


def _bullets(items: Iterable[str]) -> str:
    return "\n".join("- " + item.replace("\n", "\n    ") for item in items)


def _render_arms(node: Node, level: int, full: bool) -> str:
    if node.kind is Kind.ARM_GROUP:
        return _bullets(_arm_item(a) for a in cast("tuple[Arm, ...]", node.ref))
    if node.kind is Kind.INTERVENTION_GROUP:
        return _bullets(_intervention_item(x) for x in cast("tuple[Intervention, ...]", node.ref))
    if node.kind is Kind.ARM:
        return _arm_item(cast("Arm", node.ref))
    if node.kind is Kind.INTERVENTION:
        return _intervention_item(cast("Intervention", node.ref))
    return _join(*(render_node(child, level + 1, full) for child in node.children if child.count))


def _reference_item(r: Reference) -> str:
    bits = [escape(r.citation) if r.citation else ""]
    bits += [f"PMID {escape(r.pmid)}" if r.pmid else "", escape(r.url) if r.url else ""]
    text = " · ".join(b for b in bits if b) or "*No citation*"
    return text + (f" *({escape(humanize(r.type))})*" if r.type else "")


def _render_references(node: Node, level: int, full: bool) -> str:
    if node.kind is Kind.REFERENCE:
        return _reference_item(cast("Reference", node.ref))
    refs = cast("tuple[Reference, ...]", node.ref)
    return "\n".join(f"{i}. {_reference_item(r)}" for i, r in enumerate(refs, 1))


def _render_extra(node: Node, level: int, full: bool) -> str:
    return _facts(cast("dict[str, str]", node.ref).items())


def _render_source(node: Node, level: int, full: bool) -> str:
    if node.kind is Kind.WARNING:
        return escape_block(cast(str, node.ref))
    if node.kind is Kind.WARNINGS:
        return _bullets(escape(w) for w in cast("tuple[str, ...]", node.ref))
    src = cast("Source", node.ref)
    facts = _facts(
        [("File", src.file), ("Format", src.format), ("Record in file", src.record + 1), ("SHA-256", src.sha256)]
    )
    warnings = (
        (f"{'#' * (level + 1)} Parse warnings ({len(src.warnings)})\n\n" + _bullets(escape(w) for w in src.warnings))
        if src.warnings
        else "*No parse warnings.*"
    )
    return _join(facts, warnings)


def _render_plain(node: Node, level: int, full: bool) -> str:
    return escape(node.note or "")


_RENDERERS: dict[Kind, Callable[[Node, int, bool], str]] = {
    Kind.SUMMARY: _render_summary,
    Kind.DESCRIPTION: _render_description,
    Kind.ELIGIBILITY: _render_eligibility,
    Kind.CRITERIA: _render_criteria,
    Kind.CRITERION: _render_criterion,
    Kind.AGE: _render_fact,
    Kind.SEX: _render_fact,
    Kind.HEALTHY_VOLUNTEERS: _render_fact,
    Kind.POPULATION: _render_fact,
    Kind.OUTCOMES: _render_outcomes,
    Kind.OUTCOME_GROUP: _render_outcome_group,
    Kind.OUTCOME: _render_outcome,
    Kind.SITES: _render_sites,
    Kind.COUNTRY: _render_country,
    Kind.SITE: _render_site,
    Kind.CONTACT: _render_contact,
    Kind.CONTACTS: _render_contacts,
    Kind.CONTACT_GROUP: _render_contacts,
    Kind.DESIGN: _render_design,
    Kind.ARMS: _render_arms,
    Kind.ARM_GROUP: _render_arms,
    Kind.ARM: _render_arms,
    Kind.INTERVENTION_GROUP: _render_arms,
    Kind.INTERVENTION: _render_arms,
    Kind.REFERENCES: _render_references,
    Kind.REFERENCE: _render_references,
    Kind.EXTRA: _render_extra,
    Kind.SOURCE: _render_source,
    Kind.WARNINGS: _render_source,
    Kind.WARNING: _render_source,
}
