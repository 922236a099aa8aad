"""EU Clinical Trials Register full-text download: section-coded fields, one block per trial and member state.

A trial appears once per member state (contiguous in the download); its blocks become one study, the member
states its sites, and what a state records differently is kept under "Member state details".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from viewer.core import extra_keys as K
from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.model import Study
from viewer.core.parsers.base import Format, make_study
from viewer.core.parsing import eudract as eu
from viewer.core.parsing.listtext import list_items, restore_breaks
from viewer.core.parsing.patterns import EUDRACT
from viewer.core.parsing.sectioned import Entry, Section, flat_lines, is_flat, lines, sections

NAME = "euctr-text"
REGISTRY = "EU CTR"
FLAT_WARNING = (
    "the line breaks of this download were lost before it reached the viewer; fields were recovered at their "
    "section codes"
)
_HEAD = "This file contains full details on each clinical trial"
_SECONDARY = ("A.4.1", "A.5.1", "A.5.2", "A.5.3", "A.5.4")
# Shown on the site of each member state (status, authority, contact point), so not repeated in its details.
_ON_SITE = {"EudraCT Number", "National Competent Authority", "Trial Status", "A.1", "A.2"}
# Always a member state's own: listed for every state.
_PER_STATE = {
    "Date on which this record was first entered in the EudraCT database", "Link", "N.", "F.4.1", "E.8.4.1",
}  # fmt: skip
_LIST_FIELDS = ("E.2.2", "E.3", "E.4", "E.5.1", "E.5.2")


def score(head: str) -> int:
    if head.startswith(_HEAD):
        return 95
    if "EudraCT Number:" in head and ("A.2 EudraCT number:" in head or "A.1 Member State Concerned:" in head):
        return 90
    return 0


def parse(doc: Document) -> Iterator[Study]:
    text = doc.text
    flat = is_flat(text)
    warnings = [FLAT_WARNING] if flat else []
    trial: list[Section] = []
    number: str | None = None
    seen: set[str] = set()
    record = 0
    for section in sections(flat_lines(text) if flat else lines(text)):
        ident = _number(section)
        if trial and ident not in (None, number):
            yield _build(doc, trial, number, record, warnings, seen)
            record += 1
            trial = []
        if not trial:
            number = ident
        if len(trial) < doc.policy.max_list_items:
            trial.append(section)
    if not trial:
        raise doc.fail(
            "no study found: the download holds no 'EudraCT Number' and no section-coded fields (cut short?)"
        )
    yield _build(doc, trial, number, record, warnings, seen)


def _number(section: Section) -> str | None:
    raw = section.get("", "EudraCT Number") or section.get("A.2")
    found = EUDRACT.search(raw or "")
    return found.group(0) if found else None


def _build(
    doc: Document, trial: Sequence[Section], number: str | None, record: int, warnings: Sequence[str], seen: set[str]
) -> Study:
    notes = list(warnings)
    if number is None:
        raise doc.fail(f"incomplete record: trial {record + 1} of the download has no EudraCT number")
    if number in seen:
        notes.append(f"{number} appears again apart from its first blocks; read as a record of its own")
    seen.add(number)
    flat = bool(warnings)
    return make_study(doc, NAME, record, _fields(trial, number, flat), notes)


def _first(trial: Sequence[Section], code: str, label: str | None = None) -> str | None:
    """A field from the first member state that states it (the first block is the trial's own record)."""
    for section in trial:
        if value := section.get(code, label):
            return value
    return None


def _fields(trial: Sequence[Section], number: str, flat: bool) -> dict[str, Any]:
    base = next((s for s in trial if s.get("E.3") or s.get("A.3")), trial[0])

    def text(code: str, label: str | None = None) -> str | None:
        value = base.get(code, label) or _first(trial, code, label)
        if value and code in _LIST_FIELDS:
            return restore_breaks(value) if flat else value
        return n.clean(value) if value and "\n" not in value else value

    states = [_state(section) for section in trial]
    raw_status, status = eu.overall_status([(s["code"] or s["country"] or "", s["status"]) for s in states])
    sponsors = [v for v in base.values("B.1.1") if v]
    support = [v for v in base.values("B.4.1") if v]
    criteria = _criteria(text("E.3"), text("E.4"))
    groups = _age_groups(base)
    minimum, maximum, min_raw, max_raw = eu.age_limits(list(groups))
    sex = eu.sex_from_flags(base.get("F.2.1"), base.get("F.2.2"))
    eligibility = eligibility_fields(None, None, sex, base.get("F.3.1"), criteria)
    eligibility.update(minimum_age_years=minimum, maximum_age_years=maximum, minimum_age_raw=min_raw,
                       maximum_age_raw=max_raw)  # fmt: skip
    design, terms = eu.design_from_flags(
        {e.label.lower(): e.value for e in base.entries if e.code == "E.8.1" or e.code.startswith("E.8.1.")}
    )
    arms = text("E.8.2.4")
    design["number_of_arms"] = int(arms) if arms and arms.isdigit() else None
    enrollment = text("F.4.2.2") or text("F.4.1")
    conditions = [c for c in (text("E.1.1"),) if c] + base.values("E.1.2", "Term")
    lay = text("E.1.1.1")
    return {
        "id": number,
        "secondary_ids": _secondary_ids(trial, number),
        "registry": REGISTRY,
        "summary": {
            "brief_title": text("A.3.1"),
            "official_title": text("A.3"),
            "acronym": _acronym(text("A.3.2")),
            "overall_status": status,
            "overall_status_raw": raw_status,
            "phases": eu.phases_from_flags((e.label, e.value) for e in base.entries if e.code.startswith("E.7.")),
            "study_type": "INTERVENTIONAL",
            "sponsor": sponsors[0] if sponsors else None,
            "collaborators": tuple(dict.fromkeys(s for s in (*sponsors[1:], *support) if s not in sponsors[:1])),
            "conditions": tuple(dict.fromkeys(conditions)),
            "keywords": (lay,) if lay and lay not in conditions else (),
            "interventions": _interventions(base),
            "enrollment": int(enrollment) if enrollment and enrollment.isdigit() else None,
            "enrollment_type": "ESTIMATED" if enrollment and enrollment.isdigit() else None,
            "completion_date": n.iso_date(text("P.", "Date of the global end")),
            "brief_summary": _objectives(text("E.2.1"), text("E.2.2")),
        },
        "eligibility": eligibility,
        "outcomes": {
            "primary": _outcomes(text("E.5.1"), text("E.5.1.1")),
            "secondary": _outcomes(text("E.5.2"), text("E.5.2.1")),
        },
        "sites": _sites(trial, states),
        "design": design,
        "extra": _extra(trial, base, states, groups, terms, flat),
    }


def _yes(entry: Entry) -> bool:
    return n.yes_no(entry.value) is True


def _age_groups(section: Section) -> dict[str, str | None]:
    """The F.1 age groups marked Yes, each with its planned number of subjects where stated."""
    groups: dict[str, str | None] = {}
    last: str | None = None
    for entry in section.entries:
        if not entry.code.startswith("F.1") or entry.lang:
            continue
        if entry.label.startswith("Number of subjects"):
            if last is not None and entry.value:
                groups[last] = entry.value
            continue
        last = entry.label if _yes(entry) and entry.code != "F.1" else None
        if last is not None:
            groups[last] = None
    umbrella = [g for g in groups if "under 18" in g.lower()]
    if (
        umbrella
        and len(groups) > 1
        and any(g not in umbrella and not g.startswith(("Adults", "Elderly")) for g in groups)
    ):
        for label in umbrella:  # "Trial has subjects under 18" says no more than the groups named under it
            del groups[label]
    return groups


def _state(section: Section) -> dict[str, Any]:
    """The member state a block belongs to: its country, authority, code and status there."""
    concerned = section.get("A.1") or section.get("", "National Competent Authority")
    country, authority = eu.member_state(concerned)
    link = section.get("", "Link") or ""
    code = m.group(1) if (m := re.search(r"/([A-Za-z]{2}|3rd)/?\s*$", link)) else None
    third = section.get("H.4")
    return {
        "label": concerned or third or "Member state not stated",
        "country": country or (eu.state_country(code) if code else None) or n.clean(third),
        "authority": authority,
        "code": code.upper() if code else None,
        "status": section.get("", "Trial Status") or section.get("P.", "End of Trial Status"),
    }


def _sites(trial: Sequence[Section], states: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    sites: dict[str, dict[str, Any]] = {}
    for section, state in zip(trial, states, strict=True):
        if state["label"] in sites:
            continue
        address = [section.get("B.5.3.1"), " ".join(p for p in (section.get("B.5.3.3"), section.get("B.5.3.2")) if p),
                   section.get("B.5.3.4")]  # fmt: skip
        contact = {
            "name": section.get("B.5.2"),
            "role": "CONTACT",
            "phone": section.get("B.5.4"),
            "email": section.get("B.5.6"),
            "affiliation": ", ".join(p for p in (section.get("B.5.1"), *address) if p) or None,
        }
        raw = state["status"]
        sites[state["label"]] = {
            "facility": state["label"],
            "country": state["country"],
            "status": n.status(raw) or n.enum_code(raw),
            "contacts": [contact] if any(contact[k] for k in ("name", "phone", "email", "affiliation")) else [],
        }
    return list(sites.values())


def _secondary_ids(trial: Sequence[Section], number: str) -> tuple[str, ...]:
    found: list[str] = []
    for section in trial:
        found += [v for v in section.values("", "Sponsor's Protocol Code Number")]
        for code in _SECONDARY:
            for value in section.values(code):
                found += [x for line in value.split("\n") if (x := eu.identifier(line))]
    return tuple(i for i in dict.fromkeys(found) if i != number)


def _acronym(abbreviated: str | None) -> str | None:
    """A.3.2 is an acronym ("SINUS-52") or a short title; only the first is an acronym."""
    if abbreviated and len(abbreviated) <= 40 and len(abbreviated.split()) <= 3:
        return abbreviated
    return None


def _criteria(inclusion: str | None, exclusion: str | None) -> str | None:
    parts = []
    if inclusion:
        parts.append(f"Principal inclusion criteria:\n{inclusion}")
    if exclusion:
        parts.append(f"Principal exclusion criteria:\n{exclusion}")
    return "\n\n".join(parts) or None


def _objectives(main: str | None, secondary: str | None) -> str | None:
    parts = [f"Main objective: {main}" if main else None, f"Secondary objectives: {secondary}" if secondary else None]
    return "\n\n".join(p for p in parts if p) or None


def _outcomes(text: str | None, timepoints: str | None) -> list[dict[str, Any]]:
    return [{"measure": measure, "time_frame": timepoints, "description": lead} for measure, lead in list_items(text)]


def _interventions(section: Section) -> list[dict[str, Any]]:
    """One intervention per IMP block ("D.IMP: 1" ...) and per placebo block ("D.8 Placebo: 1" ...)."""
    out: list[dict[str, Any]] = []
    for kind, block in _blocks(section.entries):
        values = {e.code: e.value for e in reversed(block) if e.value}
        if kind == "placebo":
            details = [f"Pharmaceutical form: {values['D.8.3']}" if "D.8.3" in values else None,
                       f"Route: {values['D.8.4']}" if "D.8.4" in values else None]  # fmt: skip
            out.append({"type": "DRUG", "name": "Placebo", "description": "; ".join(d for d in details if d) or None})
            continue
        names = [values.get(c) for c in ("D.3.1", "D.2.1.1.1", "D.3.8", "D.3.2", "D.3.9.2", "D.3.9.3")]
        named = [x for x in dict.fromkeys(names) if x]
        if not named:
            continue
        details = [
            f"Role: {values['D.1.2 and D.1.3']}" if "D.1.2 and D.1.3" in values else None,
            f"Pharmaceutical form: {values['D.3.4']}" if "D.3.4" in values else None,
            f"Route: {values['D.3.7']}" if "D.3.7" in values else None,
            " ".join(values.get(c, "") for c in ("D.3.10.3", "D.3.10.1")).strip() or None,
        ]
        out.append({
            "type": _imp_type(values),
            "name": named[0],
            "description": "; ".join(d for d in details if d) or None,
            "other_names": tuple(named[1:]),
        })  # fmt: skip
    return out


def _imp_type(values: dict[str, str]) -> str:
    if n.yes_no(values.get("D.3.11.3.2")):
        return "GENETIC"
    if any(n.yes_no(values.get(c)) for c in ("D.3.11.2", "D.3.11.3", "D.3.11.6", "D.3.11.7")):
        return "BIOLOGICAL"
    return "DRUG"


def _blocks(entries: Sequence[Entry]) -> Iterator[tuple[str, list[Entry]]]:
    kind: str | None = None
    block: list[Entry] = []
    for entry in entries:
        starts = (
            "imp" if entry.code == "D.IMP" else "placebo" if (entry.code, entry.label) == ("D.8", "Placebo") else None
        )
        if starts or not entry.code.startswith("D."):
            if kind and block:
                yield kind, block
            kind, block = (starts, []) if starts else (None, [])
            continue
        if kind:
            block.append(entry)
    if kind and block:
        yield kind, block


def _meddra(section: Section) -> list[str]:
    terms: list[str] = []
    current: dict[str, str] = {}
    for entry in section.all_entries("E.1.2"):
        if entry.label.startswith("Medical condition") and current:
            terms.append(_term(current))
            current = {}
        if entry.value:
            current[entry.label] = entry.value
    if current:
        terms.append(_term(current))
    return [t for t in terms if t]


def _term(parts: dict[str, str]) -> str:
    term = parts.get("Term", "")
    codes = ", ".join(p for p in (parts.get("Level"), parts.get("Classification code")) if p)
    version = f"version {parts['Version']}" if "Version" in parts else ""
    detail = "; ".join(p for p in (codes, version) if p)
    return f"{term} ({detail})" if term and detail else term


def _planned_regions(value: str | None, flat: bool) -> str | None:
    if not value:
        return None
    names = value.split("\n")
    if flat:  # "ArgentinaAustraliaBelgium": the names ran together
        names = [x for name in names for x in re.split(r"(?<=[a-z)])(?=[A-Z])", name)]
    return ", ".join(dict.fromkeys(x.strip() for x in names if x.strip())) or None


def _extra(
    trial: Sequence[Section],
    base: Section,
    states: Sequence[dict[str, Any]],
    groups: dict[str, str | None],
    terms: list[str],
    flat: bool,
) -> dict[str, str]:
    ages = [f"{label}: {count} subjects" if count else label for label, count in groups.items()]
    details, translations = _state_details(trial, base, states, flat)
    entered = sorted(v for s in trial if (v := s.get("", "Date on which this record was first entered")))
    scope = [e.label for e in base.entries if e.code.startswith("E.6.") and _yes(e)]
    networks = [
        ", ".join(p for p in (org, country) if p)
        for org, country in zip(base.values("G.4.1"), [*base.values("G.4.3.4"), *[None] * 99], strict=False)
    ]
    planned_sites = ", ".join(
        f"{label.replace('Number of sites anticipated in ', '')}: {value}"
        for label, value in ((e.label, e.value) for e in base.entries if e.code in ("E.8.4.1", "E.8.5.1") and e.value)
    )
    other_design = [e.value for e in base.entries if e.code == "E.8.1.7" and e.value and not n.yes_no(e.value)]
    extra = {
        K.COUNTRIES: ", ".join(dict.fromkeys(s["country"] for s in states if s["country"])) or None,
        K.FIRST_SUBMITTED: n.iso_date(entered[0]) if entered else None,
        K.CLINICAL_TRIAL_TYPE: base.get("", "Clinical Trial Type"),
        K.STUDY_DESIGN: ", ".join(terms) or None,
        K.OTHER_DESIGN_TERMS: "; ".join(other_design) or None,
        K.TRIAL_SCOPE: ", ".join(scope) or None,
        K.AGE_GROUPS: "; ".join(ages) or None,
        K.THERAPEUTIC_AREAS: base.get("E.1.1.2") or _first(trial, "E.1.1.2"),
        K.RARE_DISEASE: base.get("E.1.3"),
        K.MEDDRA_TERMS: "; ".join(_meddra(base)) or None,
        K.PAEDIATRIC_INVESTIGATION_PLAN: " ".join(p for p in (base.get("A.7"), base.get("A.8")) if p) or None,
        K.LEAD_SPONSOR_CLASS: base.get("B.3.1 and B.3.2"),
        K.SOURCE_OF_SUPPORT: "; ".join(dict.fromkeys(base.values("B.4.1"))) or None,
        K.HAS_DATA_MONITORING_COMMITTEE: base.get("E.8.7"),
        K.SITES_PLANNED: planned_sites or None,
        K.PLANNED_SITE_REGIONS: _planned_regions(base.get("E.8.6.3"), flat),
        K.INVESTIGATOR_NETWORKS: "; ".join(x for x in networks if x) or None,
        K.MEMBER_STATE_DETAILS: details,
        K.NATIONAL_LANGUAGE_TEXTS: translations,
    }
    return {k: v for k, v in extra.items() if v}


def _state_details(
    trial: Sequence[Section], base: Section, states: Sequence[dict[str, Any]], flat: bool
) -> tuple[str | None, str | None]:
    """(what each member state records on its own, its national-language texts), one paragraph per block.

    A state's own: its dates and decisions, and any field it words differently from the trial's first block.
    """
    reference = _by_key(base)
    own_blocks: list[str] = []
    translated: list[str] = []
    for section, state in zip(trial, states, strict=True):
        rows: list[str] = []
        texts: list[str] = []
        for (code, label, lang), values in _by_key(section).items():
            if code in _ON_SITE or label in _ON_SITE or code.startswith("B.5"):
                continue
            shown = f"{code} {label}".strip()
            lines = [f"{shown}: {restore_breaks(v) if flat and code in _LIST_FIELDS else v}" for v in values]
            if lang:
                texts += lines
            elif code in _PER_STATE or label in _PER_STATE or values != reference.get((code, label, lang)):
                rows += lines
        langs = sorted({e.lang for e in section.entries if e.lang})
        if rows:
            own_blocks.append("\n".join([state["label"], *rows]))
        if texts:
            translated.append("\n".join([f"{state['label']} ({', '.join(langs)})", *texts]))
    return "\n\n".join(own_blocks) or None, "\n\n".join(translated) or None


def _by_key(section: Section) -> dict[tuple[str, str, str | None], list[str]]:
    out: dict[tuple[str, str, str | None], list[str]] = {}
    for entry in section.entries:
        if entry.value:
            out.setdefault((entry.code, entry.label, entry.lang), []).append(entry.value)
    return out


FORMAT = Format(NAME, "EU Clinical Trials Register full-text download", score, parse, (".txt",))
