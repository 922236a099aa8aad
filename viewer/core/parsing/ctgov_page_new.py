"""The newer ClinicalTrials.gov study page layout (2023 on), copied as text: labels on their own lines."""

from __future__ import annotations

import re
from typing import Any

from viewer.core import extra_keys as K
from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.errors import ParseError
from viewer.core.parsing.pagetext import INTERVENTION_TYPES, age_range, parse_address
from viewer.core.parsing.patterns import NCT as _NCT
from viewer.core.parsing.patterns import is_phone
from viewer.core.parsing.textlines import lines as split_lines

# Headings of the new layout, each on a line of its own, with its value on the following lines.
HEADINGS = (
    "Brief Summary", "Detailed Description", "Official Title", "Conditions", "Intervention / Treatment",
    "Other Study ID Numbers", "Study Start (Actual)", "Study Start (Estimated)", "Study Start",
    "Primary Completion (Actual)", "Primary Completion (Estimated)", "Primary Completion",
    "Study Completion (Actual)", "Study Completion (Estimated)", "Study Completion", "Enrollment (Actual)",
    "Enrollment (Estimated)", "Enrollment", "Study Type", "Phase", "Phases",
    "Resource links provided by the National Library of Medicine",
    "Contacts and Locations", "Study Contact", "Study Contact Backup", "Study Locations", "Participation Criteria",
    "Eligibility Criteria", "Description", "Ages Eligible for Study", "Sexes Eligible for Study",
    "Accepts Healthy Volunteers", "Sampling Method", "Study Population", "Study Plan", "How is the study designed?",
    "Design Details", "Arms and Interventions", "What is the study measuring?", "Primary Outcome Measures",
    "Secondary Outcome Measures", "Other Outcome Measures", "Collaborators and Investigators", "Sponsor",
    "Collaborators", "Investigators", "Publications", "Study Record Dates", "Study Registration Dates",
    "First Submitted", "First Submitted that Met QC Criteria", "First Posted", "Study Record Updates",
    "Last Update Posted", "Last Update Submitted that met QC Criteria", "Last Verified", "More Information",
    "Terms related to this study", "Additional Relevant MeSH Terms", "Other Terms", "Keywords", "Why Stopped",
    "Acronym", "Study Overview", "Study Details", "Tabular View", "Researcher View", "Study Results",
    "Plan for Individual Participant Data (IPD)", "Drug and device information, study documents, and facilities",
    "Information provided by", "Recruitment Status", "Overall Status",
)  # fmt: skip
_PREFIXED = ("Keywords Provided by", "Information provided by", "Sponsor ", "Last Update Posted ")
_DESIGN = re.compile(
    r"^(Primary Purpose|Allocation|Interventional Model|Intervention Model|Masking|Observational Model"
    r"|Time Perspective)\s*:\s*(.*)$"
)
_INTERVENTION = re.compile(r"^(" + "|".join(re.escape(t) for t in INTERVENTION_TYPES) + r"):\s*(.+)$")


def is_new_layout(text: str) -> bool:
    return "ClinicalTrials.gov ID" in text and "Identifier: NCT" not in text


def fields(text: str, warnings: list[str], name: str) -> dict[str, Any]:
    raw_lines = split_lines(text)
    lines = [n.clean(line) or "" for line in raw_lines]
    raw_blocks = _blocks(lines, raw_lines)
    blocks = {k: [c for c in (n.clean(v) for v in rows) if c] for k, rows in raw_blocks.items()}
    header = _header(lines)
    nct = next(iter(_NCT.findall(header.get("ClinicalTrials.gov ID", "") or "\n".join(lines))), None)
    if nct is None:
        raise ParseError(name, "ClinicalTrials.gov page text without an NCT number")
    status_raw = _value(blocks, "Overall Status") or _value(blocks, "Recruitment Status") or header.get("status")
    ages = _value(blocks, "Ages Eligible for Study") or ""
    minimum, maximum = age_range(ages)
    criteria = n.clean_block("\n".join(raw_blocks.get("Description", []) or raw_blocks.get("Eligibility Criteria", [])))
    design = {m.group(1): m.group(2) for line in blocks.get("Design Details", []) if (m := _DESIGN.match(line))}
    masking, who_masked = n.masking(design.get("Masking"))
    enrollment_key = next((k for k in blocks if k.startswith("Enrollment") and blocks[k]), None)
    enrollment = _value(blocks, enrollment_key) if enrollment_key else None
    interventions = [
        m.groups() for line in blocks.get("Intervention / Treatment", []) if (m := _INTERVENTION.match(line))
    ]
    other_ids = [re.sub(r"\s*\(.*\)\s*$", "", v) for v in blocks.get("Other Study ID Numbers", []) if v]
    sponsor = _value(blocks, "Sponsor") or header.get("Sponsor")
    return {
        "id": nct,
        "secondary_ids": tuple(i for i in other_ids if i and i != nct),
        "registry": "ClinicalTrials.gov",
        "summary": {
            "brief_title": header.get("title"),
            "official_title": _text(blocks, "Official Title"),
            "acronym": _value(blocks, "Acronym"),
            "overall_status": n.status(status_raw),
            "overall_status_raw": status_raw,
            "why_stopped": _text(blocks, "Why Stopped"),
            "phases": tuple(p for v in blocks.get("Phase", []) + blocks.get("Phases", []) for p in n.phases(v)),
            "study_type": n.study_type(_value(blocks, "Study Type")),
            "sponsor": sponsor,
            "collaborators": tuple(v for v in blocks.get("Collaborators", []) if v),
            "conditions": tuple(v for v in blocks.get("Conditions", []) if v),
            "keywords": tuple(v for v in blocks.get("Keywords", []) + blocks.get("Other Terms", []) if v),
            "interventions": [{"type": n.code(kind), "name": name} for kind, name in interventions],
            "enrollment": int(m.group(0))
            if enrollment and (m := re.search(r"\d+", enrollment.replace(",", "")))
            else None,
            "enrollment_type": (
                "ACTUAL" if "Actual" in enrollment_key else "ESTIMATED" if "Estimated" in enrollment_key else None
            )
            if enrollment_key
            else None,
            "start_date": n.iso_date(_first(blocks, "Study Start")),
            "primary_completion_date": n.iso_date(_first(blocks, "Primary Completion")),
            "completion_date": n.iso_date(_first(blocks, "Study Completion")),
            "first_posted": n.iso_date(_value(blocks, "First Posted")),
            "last_update_posted": n.iso_date(_value(blocks, "Last Update Posted") or header.get("Last Update Posted")),
            "brief_summary": _text(blocks, "Brief Summary"),
            "detailed_description": _text(blocks, "Detailed Description"),
        },
        "eligibility": eligibility_fields(
            minimum,
            maximum,
            _value(blocks, "Sexes Eligible for Study"),
            _value(blocks, "Accepts Healthy Volunteers"),
            criteria,
            _text(blocks, "Study Population"),
        ),
        "outcomes": {
            "primary": _outcomes(raw_blocks.get("Primary Outcome Measures", [])),
            "secondary": _outcomes(raw_blocks.get("Secondary Outcome Measures", [])),
            "other": _outcomes(raw_blocks.get("Other Outcome Measures", [])),
        },
        "sites": _sites(blocks.get("Study Locations", []), warnings),
        "officials": [_person(v) for v in blocks.get("Investigators", []) if ":" in v],
        "contacts": _central_contacts(blocks.get("Study Contact", []) + blocks.get("Study Contact Backup", [])),
        "design": {
            "allocation": n.code(design.get("Allocation")),
            "intervention_model": n.code(design.get("Interventional Model") or design.get("Intervention Model")),
            "primary_purpose": n.code(design.get("Primary Purpose")),
            "masking": masking,
            "who_masked": who_masked,
            "observational_model": n.code(design.get("Observational Model")),
            "time_perspective": n.code(design.get("Time Perspective")),
        },
        "extra": {
            k: v
            for k, v in {
                K.INFORMATION_PROVIDED_BY: header.get("Information provided by"),
                K.STATUS_VERIFIED: n.iso_date(_value(blocks, "Last Verified")),
                K.FIRST_SUBMITTED: n.iso_date(_value(blocks, "First Submitted")),
                K.CONDITION_MESH_TERMS: "; ".join(v for v in blocks.get("Additional Relevant MeSH Terms", []) if v)
                or None,
                K.AGE_GROUPS: _age_groups(ages),
            }.items()
            if v
        },
    }


def _age_groups(ages: str) -> str | None:
    match = re.search(r"\(([^)]*)\)\s*$", ages)
    return match.group(1) if match else None


def _blocks(lines: list[str], raw_lines: list[str]) -> dict[str, list[str]]:
    """Heading -> the raw lines under it (blank lines kept, for criteria and tab-separated tables)."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line, raw in zip(lines, raw_lines, strict=True):
        key = line if line in HEADINGS else next((p.strip() for p in _PREFIXED[:1] if line.startswith(p)), None)
        if key == "Keywords Provided by":
            key = "Keywords"
        if key is not None and key not in blocks:
            current = blocks[key] = []
        elif current is not None:
            current.append(raw)
    return blocks


def _header(lines: list[str]) -> dict[str, str]:
    """Title, id, sponsor and status shown above 'Study Overview'."""
    out: dict[str, str] = {}
    end = lines.index("Study Overview") if "Study Overview" in lines else min(len(lines), 40)
    for i, line in enumerate(lines[:end]):
        if not line:
            continue
        for label in ("ClinicalTrials.gov ID", "Sponsor", "Information provided by", "Last Update Posted"):
            if line.startswith(label):
                value = line[len(label) :].strip(" :") or (lines[i + 1] if i + 1 < end else "")
                out.setdefault(label, re.sub(r"\s*\(Responsible Party\)$", "", value))
        if (
            "title" not in out
            and "ClinicalTrials.gov ID" not in line
            and not line.startswith(("Skip", "Menu", "Home", "Study Details"))
        ):
            out["title"] = line
        if "status" not in out and n.status(line):
            out["status"] = line
    return out


def _value(blocks: dict[str, list[str]], key: str) -> str | None:
    values = blocks.get(key) or []
    return values[0] if values else None


def _text(blocks: dict[str, list[str]], key: str) -> str | None:
    return n.clean_block("\n\n".join(blocks.get(key, []))) if blocks.get(key) else None


def _first(blocks: dict[str, list[str]], prefix: str) -> str | None:
    return next((v[0] for k, v in blocks.items() if k.startswith(prefix) and v), None)


def _outcomes(rows: list[str]) -> list[dict[str, Any]]:
    """Rows of 'Outcome Measure<TAB>Measure Description<TAB>Time Frame' (tabs kept by most browsers)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if not row.strip() or row.strip().startswith("Outcome Measure"):
            continue
        cells = [n.clean(c) or "" for c in re.split(r"\t|\s{3,}", row.strip()) if c.strip()]
        if len(cells) >= 3:
            out.append({"measure": cells[0], "description": " ".join(cells[1:-1]), "time_frame": cells[-1]})
        elif len(cells) == 2:
            out.append({"measure": cells[0], "time_frame": cells[1]})
        elif cells:
            out.append({"measure": cells[0]})
    return out


def _central_contacts(rows: list[str]) -> list[dict[str, Any]]:
    """'Name' then its phone and email lines, for the study contact and its backup."""
    contacts: list[dict[str, Any]] = []
    for row in rows:
        if "@" in row and contacts:
            contacts[-1]["email"] = row
        elif is_phone(row) and contacts:
            contacts[-1]["phone"] = row
        else:
            contacts.append({"name": row, "role": "CONTACT"})
    return contacts


def _person(row: str) -> dict[str, Any]:
    role, _, rest = row.partition(":")
    name, _, affiliation = rest.strip().partition(", ")
    return {"name": name or None, "role": n.code(role), "affiliation": affiliation or None}


def _sites(rows: list[str], warnings: list[str]) -> list[dict[str, Any]]:
    sites: list[dict[str, Any]] = []
    pending: str | None = None
    for row in rows:
        address = parse_address(row)
        if address:
            sites.append({**address, "facility": pending, "contacts": []})
            pending = None
        elif is_group_header(row):
            continue
        elif sites and sites[-1]["facility"] is None:
            sites[-1]["facility"] = row
        elif re.match(r"^(Contact|Principal Investigator|Sub-Investigator)\b", row) and sites:
            role, _, rest = row.partition(":")
            sites[-1]["contacts"].append({"name": rest.strip() or None, "role": n.code(role)})
        else:
            pending = row
    if pending:
        warnings.append(f"site line without an address: {pending}")
    return sites


def is_group_header(row: str) -> bool:
    """'United States, California' or 'Sweden': the country (and state) headings of a site list."""
    from viewer.core.countries import country

    parts = [p.strip() for p in row.split(",")]
    return (bool(country(parts[0])) and len(parts) <= 2) or bool(country(row))
