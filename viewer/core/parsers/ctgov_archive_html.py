"""ClinicalTrials.gov archive pages saved as HTML ("View of NCT... on 2014_03_14"): labelled rows of a table."""

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
from viewer.core.parsing.htmlblocks import Block, page
from viewer.core.parsing.patterns import NCT_ANYWHERE

NAME = "ctgov-archive-html"
REGISTRY = "ClinicalTrials.gov"
_NCT = re.compile(r"^NCT\d{8}$")
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body|table)\b", re.I)
_NBSP_RUN = re.compile(r"(?:\s*\xa0\s*){2,}")
_TRAILING_TYPE = re.compile(r"^(?P<value>.*?)\s*\((?P<type>Actual|Anticipated|Estimated?|Expected)\)\s*$", re.I | re.S)
_PAREN_TAIL = re.compile(r"^(?P<id>\S.*?)\s*\((?P<note>[^()]*)\)\s*$", re.S)
_TYPES = {"ACTUAL": "ACTUAL", "ANTICIPATED": "ESTIMATED", "ESTIMATE": "ESTIMATED", "ESTIMATED": "ESTIMATED",
          "EXPECTED": "ESTIMATED"}  # fmt: skip
_OUTCOME_KEYS = {"measure": "measure", "time frame": "time_frame", "description": "description"}
_OUTCOME_LABEL = re.compile(r"^(Measure:|Time Frame:|Safety Issue\?|Description:)\s*", re.I)


def score(head: str) -> int:
    if not _HTML.search(head[:2048]):
        return 0
    if "ClinicalTrials.gov Archive" in head or "ClinicalTrials Identifier:" in head:
        return 92
    return 0


def parse(doc: Document) -> Iterator[Study]:
    view = page(doc.text)
    rows = _rows(view.blocks)
    if not any(label in rows for label in ("clinicaltrials identifier", "brief title", "official title")):
        raise doc.fail("no study found: the page has no labelled study rows (cut short, or not an archive page)")
    warnings: list[str] = []
    if "</html" not in doc.text[-4096:].lower():
        warnings.append("the page ends before </html>: it may be cut short")
    nct = _first(rows, "clinicaltrials identifier")
    if not nct or not _NCT.match(nct):
        found = NCT_ANYWHERE.search(view.title) or NCT_ANYWHERE.search(re.split(r"[\\/!]", doc.name)[-1])
        if not found:
            raise doc.fail("the page states no NCT number")
        nct = found.group(0)
        warnings.append(f"the page's identifier row is missing or odd; {nct} taken from the page title or file name")
    yield make_study(doc, NAME, 0, _fields(nct, rows, warnings), warnings)


def _rows(blocks: tuple[Block, ...]) -> dict[str, list[str]]:
    """Label -> values in page order. A label row alone ("Criteria") takes the full-width row after it."""
    rows: dict[str, list[str]] = {}
    pending: str | None = None
    section = ""
    for block in blocks:
        if block.kind != "row":
            continue
        cells = [c for c in block.cells if c.text]
        if len(cells) == 1 and cells[0].header and cells[0].colspan > 1:
            section = cells[0].text.lower()
            rows.setdefault("section:" + section, []).append(section)
            pending = None
            continue
        if len(cells) == 1 and cells[0].header:
            pending = _label(cells[0].text)
            continue
        if len(cells) >= 2 and cells[0].header:
            rows.setdefault(_label(cells[0].text), []).append(cells[1].text)
            pending = None
        elif len(cells) == 1 and pending:
            rows.setdefault(pending, []).append(cells[0].text)
            pending = None
        elif section == "results":
            rows.setdefault("results", []).append(cells[-1].text)
    return rows


def _label(text: str) -> str:
    return " ".join(text.split()).rstrip(":").lower()


def _plain(text: str | None) -> str | None:
    """A text block: non-breaking spaces are spaces, blanks inside lines collapsed, paragraphs kept."""
    if text is None:
        return None
    lines = (" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n"))
    return n.clean_block("\n".join(lines))


def _first(rows: dict[str, list[str]], label: str) -> str | None:
    values = rows.get(label)
    return n.clean(values[0]) if values else None


def _all(rows: dict[str, list[str]], label: str) -> list[str]:
    return [t for t in (n.clean(v) for v in rows.get(label, ())) if t]


def _block(rows: dict[str, list[str]], label: str) -> str | None:
    values = rows.get(label)
    return _plain(values[0]) if values else None


def _typed(value: str | None) -> tuple[str | None, str | None]:
    """ "2018-11 (Anticipated)" -> ("2018-11", "ESTIMATED")."""
    if not value:
        return None, None
    match = _TRAILING_TYPE.match(value)
    if not match:
        return value, None
    return match.group("value").strip() or None, _TYPES.get(match.group("type").upper())


def _outcome(text: str) -> dict[str, Any]:
    """ "Measure: x\\nTime Frame: y\\nSafety Issue? No\\nDescription: z"; older pages give the measure alone."""
    parts: dict[str, list[str]] = {}
    key = "measure"
    for line in (text or "").split("\n"):
        match = _OUTCOME_LABEL.match(line)
        if match:
            key = _OUTCOME_KEYS.get(match.group(1).rstrip(":").lower(), "safety")
            line = line[match.end() :]
        parts.setdefault(key, []).append(line)
    measure = _plain("\n".join(parts.get("measure", ()))) or "(no measure stated)"
    return {
        "measure": " ".join(measure.split()),
        "time_frame": _plain("\n".join(parts.get("time_frame", ()))),
        "description": _plain("\n".join(parts.get("description", ()))),
    }


def _head_and_body(text: str) -> tuple[list[str], str | None]:
    """An arm or intervention cell: a first line of fields set apart by runs of &nbsp;, then a description."""
    head, _, body = text.partition("\n")
    return [p.strip() for p in _NBSP_RUN.split(head) if p.strip()], _plain(body)


def _interventions(rows: dict[str, list[str]]) -> list[dict[str, Any]]:
    out = []
    for text in rows.get("intervention", ()):
        fields, description = _head_and_body(text)
        labels = [f.partition(":")[2].strip() for f in fields if f.lower().startswith("arm label:")]
        named = [f for f in fields if not f.lower().startswith("arm label:")]
        kind, sep, name = (named[0] if named else "").partition(": ")
        if not sep:
            kind, name = "", kind
        out.append(
            {"type": n.code(kind), "name": n.clean(name) or "(unnamed)", "description": description,
             "arm_labels": tuple(t for t in labels if t)}
        )  # fmt: skip
    return out


def _arms(rows: dict[str, list[str]], interventions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    per_arm: dict[str, list[str]] = {}
    for i in interventions:
        text = f"{(i['type'] or '').replace('_', ' ').title()}: {i['name']}" if i["type"] else i["name"]
        for label in i["arm_labels"]:
            per_arm.setdefault(label, []).append(text)
    arms = []
    for text in rows.get("arm/group", ()):
        fields, description = _head_and_body(text)
        label = next((f.partition(":")[2].strip() for f in fields if f.lower().startswith("arm label:")), None)
        kinds = [f for f in fields if not f.lower().startswith("arm label:")]
        arms.append(
            {"label": n.clean(label) or "(unlabelled)", "type": n.code(kinds[0]) if kinds else None,
             "description": description, "interventions": tuple(per_arm.get(label or "", ()))}
        )  # fmt: skip
    return arms


def _references(rows: dict[str, list[str]]) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = []
    for text in rows.get("reference", ()):
        citation, pmid = [], None
        for line in text.split("\n"):
            label, sep, value = line.partition(":")
            if sep and label.strip().lower() == "citation":
                citation.append(value.strip())
            elif sep and label.strip().lower() in ("medline", "pmid", "pubmed"):
                # On these pages the MEDLINE line carries the PubMed id (2688428 is that paper's PMID).
                pmid = n.clean(value) if value.strip().isdigit() else pmid
            elif line.strip():
                citation.append(line.strip())
        refs.append({"citation": n.clean(" ".join(citation)), "pmid": pmid, "type": "BACKGROUND"})
    # A "URL" row is followed by the "See also" row that describes it.
    urls, labels = _all(rows, "url"), _all(rows, "see also")
    for index, url in enumerate(urls):
        refs.append({"url": url, "citation": labels[index] if index < len(labels) else None, "type": "SEE_ALSO"})
    return refs


def _design(rows: dict[str, list[str]], arms: int) -> tuple[dict[str, Any], dict[str, str | None]]:
    design: dict[str, Any] = {"number_of_arms": arms or None}
    endpoints: list[str] = []
    others: list[str] = []
    for term in _all(rows, "study design"):
        for part in re.split(r",\s*(?=[A-Z])", term):
            _, sep, value = part.partition(":")
            facet = n.design_term(value if sep else part)
            if facet is None:
                others.append(part.strip())
            elif facet[0] == "endpoint_classification":
                endpoints.append((value if sep else part).strip())
            else:
                design[facet[0]] = facet[1]
    extra = {K.ENDPOINT_CLASSIFICATION: ", ".join(endpoints) or None, K.OTHER_DESIGN_TERMS: ", ".join(others) or None}
    return design, extra


def _secondary(rows: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """Secondary ids ("U54HD028934-18 (US NIH Grant Number)") as ids, and as stated."""
    ids, stated = [], []
    for value in _all(rows, "secondary id"):
        match = _PAREN_TAIL.match(value)
        ids.append(match.group("id").strip() if match else value)
        stated.append(value)
    return ids, stated


_KNOWN = {
    "clinicaltrials identifier", "brief title", "official title", "acronym", "brief summary", "detailed description",
    "phase", "study type", "study design", "primary outcome", "secondary outcome", "other outcome", "condition",
    "keyword", "keywords", "intervention", "arm/group", "url", "see also", "reference", "results reference",
    "status", "why stopped", "start date", "end date", "completion date", "primary completion date",
    "last follow-up date", "last data entry date", "criteria", "gender", "sex", "minimum age", "maximum age",
    "healthy volunteers", "expected enrollment", "enrollment", "study population", "sampling method",
    "organization name", "organization study id", "secondary id", "sponsor", "collaborator", "health authority",
    "verification date", "first received", "results", "updated", "number of arms", "number of groups",
    "target duration",
}  # fmt: skip


def _fields(nct: str, rows: dict[str, list[str]], warnings: list[str]) -> dict[str, Any]:
    interventions = _interventions(rows)
    arms = _arms(rows, interventions)
    design, design_extra = _design(rows, len(arms))
    status = _first(rows, "status")
    study_type = _first(rows, "study type")
    org_id = _first(rows, "organization study id")
    secondary, secondary_stated = _secondary(rows)
    enrollment_raw, enrollment_type = _typed(_first(rows, "enrollment"))
    if enrollment_raw is None and (expected := _first(rows, "expected enrollment")):
        enrollment_raw, enrollment_type = _typed(expected)
        enrollment_type = enrollment_type or "ESTIMATED"
    count = (enrollment_raw or "").replace(",", "")
    primary_completion, primary_type = _typed(_first(rows, "primary completion date"))
    completion, completion_type = _typed(_first(rows, "completion date") or _first(rows, "end date"))
    start, start_type = _typed(_first(rows, "start date"))
    follow_up, _ = _typed(_first(rows, "last follow-up date"))
    unknown = [label for label in rows if label not in _KNOWN and not label.startswith("section:")]
    if unknown:
        warnings.append("rows not read: " + ", ".join(sorted(unknown)))
    extra = {
        K.ORGANIZATION_STUDY_ID: org_id,
        K.ORGANIZATION: _first(rows, "organization name"),
        K.STUDY_TYPE_AS_REGISTERED: study_type if n.study_type(study_type) is None else None,
        K.STATUS_VERIFIED: n.iso_date(_first(rows, "verification date")),
        K.FIRST_SUBMITTED: n.iso_date(_first(rows, "first received")),
        K.START_DATE_TYPE: start_type,
        K.PRIMARY_COMPLETION_DATE_TYPE: primary_type,
        K.COMPLETION_DATE_TYPE: completion_type,
        K.LAST_FOLLOW_UP: n.iso_date(follow_up),
        K.LAST_DATA_ENTRY: n.iso_date(_typed(_first(rows, "last data entry date"))[0]),
        K.SECONDARY_IDS: "; ".join(secondary_stated) or None,
        K.REGULATORY_AUTHORITIES: "; ".join(_all(rows, "health authority")) or None,
        K.SAMPLING_METHOD: _first(rows, "sampling method"),
        K.TARGET_DURATION: _first(rows, "target duration"),
        **design_extra,
        K.HAS_RESULTS: "Yes" if "section:results" in rows else None,
    }
    updated = _first(rows, "updated")
    return {
        "id": nct,
        "secondary_ids": tuple(dict.fromkeys(s for s in (org_id, *secondary) if s and s != nct)),
        "registry": REGISTRY,
        "summary": {
            "brief_title": _first(rows, "brief title"),
            "official_title": _first(rows, "official title"),
            "acronym": _first(rows, "acronym"),
            "overall_status": n.status(status),
            "overall_status_raw": status,
            "why_stopped": _block(rows, "why stopped"),
            "phases": tuple(dict.fromkeys(p for raw in _all(rows, "phase") for p in n.phases(raw))),
            "study_type": n.study_type(study_type),
            "sponsor": _first(rows, "sponsor"),
            "collaborators": tuple(_all(rows, "collaborator")),
            "conditions": tuple(_all(rows, "condition")),
            "keywords": (*_all(rows, "keyword"), *_all(rows, "keywords")),
            "interventions": interventions,
            "enrollment": int(count) if count.isdigit() and len(count) < 10 else None,
            "enrollment_type": enrollment_type if count.isdigit() else None,
            "start_date": n.iso_date(start),
            "primary_completion_date": n.iso_date(primary_completion),
            "completion_date": n.iso_date(completion),
            "last_update_posted": n.iso_date(updated.replace("_", "-")) if updated else None,
            "brief_summary": _block(rows, "brief summary"),
            "detailed_description": _block(rows, "detailed description"),
        },
        "eligibility": eligibility_fields(
            _first(rows, "minimum age"),
            _first(rows, "maximum age"),
            _first(rows, "gender") or _first(rows, "sex"),
            _first(rows, "healthy volunteers"),
            _block(rows, "criteria"),
            _block(rows, "study population"),
        ),
        "outcomes": {
            kind: [_outcome(text) for text in rows.get(f"{kind} outcome", ())]
            for kind in ("primary", "secondary", "other")
        },
        "arms": arms,
        "design": design,
        "references": _references(rows),
        "extra": {k: v for k, v in extra.items() if v},
    }


FORMAT = Format(NAME, "ClinicalTrials.gov archive page (HTML)", score, parse, (".html", ".htm"))
