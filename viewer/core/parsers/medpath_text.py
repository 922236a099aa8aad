"""Text of a MedPath trial page copied from a browser (CTIS, ClinicalTrials.gov and other trials)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from viewer.core import extra_keys as K
from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.model import Study
from viewer.core.parsers.base import Format, make_study
from viewer.core.parsing.pagetext import INTERVENTION_TYPES, age_range
from viewer.core.parsing.patterns import EMAIL, is_phone
from viewer.core.parsing.textlines import lines as split_lines
from viewer.core.parsing.textlines import trimmed

NAME = "medpath-page-text"
_HEADINGS = (
    "Conditions", "Registration Number", "Lead Sponsor", "Brief Summary", "Detailed Description",
    "Recruitment & Eligibility", "Status", "Sex", "Target Recruitment", "Inclusion Criteria", "Exclusion Criteria",
    "Study & Design", "Study Type", "Study Design", "Primary Outcome Measures", "Secondary Outcome Measures",
    "Other Outcome Measures", "Trial Locations", "Interventions", "Age", "Ages", "Collaborators", "Start Date",
    "Completion Date", "Phase", "Official Title", "Acronym", "Keywords", "Research Team", "Related News",
    "Related Documents", "Publications", "Recruitment Status", "Healthy Volunteers", "Trial Registration Date",
)  # fmt: skip
_FLAG = re.compile(r"^[\U0001F1E6-\U0001F1FF]{2}\s*")
_EMPTY = {"not available", "not specified", "n/a", "none", ""}
_PHASE_LINE = re.compile(r"^(Early )?Phase \d(\s*/\s*Phase \d)?$|^Not Applicable$", re.I)


def score(head: str) -> int:
    return 90 if head.startswith("MedPath") and "Registration Number" in head else 0


def parse(doc: Document) -> Iterator[Study]:
    lines = [n.clean(line) or "" for line in split_lines(doc.text)]
    blocks = _blocks(lines)
    fields = _fields(doc, lines, blocks)
    if not fields["summary"]["brief_title"] or len(blocks) < 2:
        raise doc.fail("MedPath page text without the trial's title and sections")
    yield make_study(doc, NAME, 0, fields)


def _blocks(lines: list[str]) -> dict[str, list[str]]:
    """Heading -> the lines under it (first occurrence of each heading wins)."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if line in _HEADINGS and line not in blocks:
            current = blocks[line] = []
        elif current is not None:
            current.append(line)
    return {key: list(trimmed(value)) for key, value in blocks.items()}


def _one(blocks: dict[str, list[str]], heading: str) -> str | None:
    values = [v for v in blocks.get(heading, []) if v]
    value = values[0] if values else None
    return None if value is None or value.lower() in _EMPTY else value


def _text(blocks: dict[str, list[str]], heading: str) -> str | None:
    text = n.clean_block("\n".join(blocks.get(heading, [])))
    return None if text is None or text.lower() in _EMPTY else text


def _fields(doc: Document, lines: list[str], blocks: dict[str, list[str]]) -> dict[str, Any]:
    ident = _one(blocks, "Registration Number")
    if not ident:
        raise doc.fail("MedPath page without a registration number")
    title = next((line for line in lines[1:12] if line and line != "MedPath"), None)
    head = lines[: lines.index("Conditions")] if "Conditions" in lines else lines[:8]
    phase_line = next((line for line in head if _PHASE_LINE.match(line)), None)
    site_status = next((line for line in head[2:] if line and line != phase_line and n.status(line)), None)
    status_raw = _one(blocks, "Status") or site_status
    criteria_lines = ["Inclusion Criteria", *blocks.get("Inclusion Criteria", []), "", "Exclusion Criteria",
                      *blocks.get("Exclusion Criteria", [])]  # fmt: skip
    criteria = (
        n.clean_block("\n".join(criteria_lines))
        if "Inclusion Criteria" in blocks or "Exclusion Criteria" in blocks
        else None
    )
    target = _one(blocks, "Target Recruitment")
    extra = {
        K.MEDPATH_STATUS: site_status,
        K.STUDY_DESIGN: _one(blocks, "Study Design"),
        K.STUDY_TYPE_AS_REGISTERED: _one(blocks, "Study Type"),
    }
    return {
        "id": ident,
        "registry": n.registry_for_id(ident) or "MedPath",
        "summary": {
            "brief_title": title,
            "official_title": _one(blocks, "Official Title"),
            "acronym": _one(blocks, "Acronym"),
            "overall_status": n.status(status_raw),
            "overall_status_raw": status_raw,
            "phases": n.phases(phase_line or _one(blocks, "Phase")),
            "study_type": n.study_type(_one(blocks, "Study Type")),
            "sponsor": _one(blocks, "Lead Sponsor"),
            "collaborators": tuple(v for v in blocks.get("Collaborators", []) if v),
            "conditions": tuple(v for v in blocks.get("Conditions", []) if v),
            "keywords": tuple(v for v in blocks.get("Keywords", []) if v),
            "interventions": [_intervention(v) for v in blocks.get("Interventions", []) if v],
            "enrollment": int(target) if target and target.isdigit() else None,
            "enrollment_type": "ESTIMATED" if target else None,
            "start_date": n.iso_date(_one(blocks, "Start Date")),
            "completion_date": n.iso_date(_one(blocks, "Completion Date")),
            "brief_summary": _text(blocks, "Brief Summary"),
            "detailed_description": _text(blocks, "Detailed Description"),
        },
        "eligibility": eligibility_fields(
            *age_range(_one(blocks, "Age") or _one(blocks, "Ages") or ""),
            _one(blocks, "Sex"),
            _one(blocks, "Healthy Volunteers"),
            criteria,
        ),
        "outcomes": {
            "primary": _outcomes(blocks.get("Primary Outcome Measures", [])),
            "secondary": _outcomes(blocks.get("Secondary Outcome Measures", [])),
            "other": _outcomes(blocks.get("Other Outcome Measures", [])),
        },
        "sites": _sites(blocks.get("Trial Locations", [])),
        "extra": {k: v for k, v in extra.items() if v},
    }


_TIME_WORDS = re.compile(r"\b(week|weeks|month|months|day|days|year|years|baseline|visit|hour|hours)\b", re.I)


def _outcomes(rows: list[str]) -> list[dict[str, Any]]:
    """MedPath's 'Name / Time / Method' table: each entry is a name paragraph then its time/method line."""
    paragraphs = [r for r in rows if r and r != "NameTimeMethod"]
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(paragraphs):
        name = paragraphs[i]
        second = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        entry: dict[str, Any] = {"measure": name, "time_frame": None, "description": None}
        if second == name:
            i += 2
        elif second is not None and len(second) < 80 and _TIME_WORDS.search(second) and not _TIME_WORDS.search(name):
            entry["time_frame"] = second
            i += 2
        else:
            i += 1
        out.append(entry)
    return out


def _sites(rows: list[str]) -> list[dict[str, Any]]:
    """The detailed site list: facility, then flag + 'City, Country' on one line, then its contacts."""
    if "MedPath" in rows:  # the page footer follows the last site
        rows = rows[: rows.index("MedPath")]
    rows = [r for r in rows if r and not r.startswith("Locations (")]
    detailed = [i for i, r in enumerate(rows) if _FLAG.match(r) and _FLAG.sub("", r)]
    sites: list[dict[str, Any]] = []
    for k, at in enumerate(detailed):
        end = detailed[k + 1] - 1 if k + 1 < len(detailed) else len(rows)
        place = _FLAG.sub("", rows[at])
        city, _, country = place.rpartition(", ")
        sites.append({
            "facility": rows[at - 1] if at > 0 else None,
            "city": city or None,
            "country": country or None,
            "contacts": _contacts(rows[at + 1 : end]),
        })  # fmt: skip
    if not sites:
        # Only the short list: facility, flag line, 'City, Country'.
        for i, r in enumerate(rows):
            if _FLAG.fullmatch(r) and 0 < i < len(rows) - 1:
                city, _, country = rows[i + 1].rpartition(", ")
                sites.append({"facility": rows[i - 1], "city": city or None, "country": country or None})
    return sites


def _intervention(row: str) -> dict[str, Any]:
    """'Drug: IVIg' or a bare name."""
    kind, sep, name = row.partition(": ")
    if sep and kind in INTERVENTION_TYPES:
        return {"type": n.code(kind), "name": name.strip()}
    return {"type": None, "name": row}


def _contacts(rows: list[str]) -> list[dict[str, Any]]:
    contacts: list[dict[str, Any]] = []
    for row in rows:
        if not row or _FLAG.fullmatch(row):
            continue
        if "@" in row and EMAIL.search(row) and contacts:
            contacts[-1]["email"] = row
        elif is_phone(row) and contacts:
            contacts[-1]["phone"] = row
        elif re.search(r"contact|investigator|director|chair|coordinator", row, re.I) and contacts:
            contacts[-1]["role"] = n.code(row)
        else:
            contacts.append({"name": row})
    return contacts


FORMAT = Format(NAME, "MedPath page text", score, parse, (".txt",))
