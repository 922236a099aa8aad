"""EU Clinical Trials Register summary download: a few padded "Label: value" lines per trial.

Each record names its member states and their statuses in one line ("SE(Completed) PT(Completed)"); those
become the sites. Copies whose line breaks were lost upstream are cut back at the labels.
"""

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
from viewer.core.parsing import eudract as eu
from viewer.core.parsing.patterns import EUDRACT

NAME = "euctr-summary"
REGISTRY = "EU CTR"
_LABELS = (
    "EudraCT Number", "Sponsor Protocol Number", "Sponsor Name", "Full Title", "Start Date", "Medical condition",
    "Disease", "Population Age", "Gender", "Trial protocol", "Trial results", "Link",
)  # fmt: skip
_LABEL = re.compile(r"(" + "|".join(re.escape(label) for label in _LABELS) + r"):[ \t]*")
_LINE_LABEL = re.compile(r"(?m)^(" + "|".join(re.escape(label) for label in _LABELS) + r"):[ \t]*")
_PROTOCOL = re.compile(r"([A-Za-z0-9]{2,3}|Outside EU/EEA)\s*\(([^()]*)\)")
_TERM = re.compile(r"(?<!SOC )\bTerm:\s*([^,\n]+)")
_FLAT_WARNING = (
    "the line breaks of this download were lost before it reached the viewer; fields were recovered at their labels"
)


def score(head: str) -> int:
    if head.startswith("EudraCT Number:") and ("Sponsor Protocol Number:" in head or "Full Title:" in head):
        return 92
    return 0


def parse(doc: Document) -> Iterator[Study]:
    text = doc.text
    flat = "\n" not in text.strip() and "\r" not in text.strip()
    pattern = _LABEL if flat else _LINE_LABEL
    warnings = [_FLAT_WARNING] if flat and len(pattern.findall(text[:4096])) > 2 else []
    record: dict[str, str] = {}
    count = 0
    label: str | None = None
    start = 0
    for match in pattern.finditer(text):
        if label is not None:
            record.setdefault(label, text[start : match.start()])
        label, start = match.group(1), match.end()
        if label == "EudraCT Number" and record:
            yield _study(doc, record, count, warnings)
            count += 1
            record = {}
    if label is not None:
        record.setdefault(label, text[start:])
    if not record:
        raise doc.fail("no study found: the summary download holds no 'EudraCT Number:' record")
    yield _study(doc, record, count, warnings)


def _study(doc: Document, record: dict[str, str], index: int, warnings: list[str]) -> Study:
    values = {k: n.clean(v) for k, v in record.items()}
    found = EUDRACT.search(values.get("EudraCT Number") or "")
    if not found:
        raise doc.fail(f"incomplete record: record {index + 1} of the summary download has no EudraCT number")
    return make_study(doc, NAME, index, _fields(found.group(0), values), warnings)


def _fields(number: str, values: dict[str, str | None]) -> dict[str, Any]:
    protocol = values.get("Trial protocol") or ""
    states = [
        (code.upper() if len(code) <= 3 else code, status.strip()) for code, status in _PROTOCOL.findall(protocol)
    ]
    if "Outside EU/EEA" in protocol and not any(code == "Outside EU/EEA" for code, _ in states):
        states.append(("Outside EU/EEA", ""))
    raw_status, status = eu.overall_status(states)
    groups = [g.strip() for g in (values.get("Population Age") or "").split(",") if g.strip()]
    minimum, maximum, min_raw, max_raw = eu.age_limits(groups)
    gender = (values.get("Gender") or "").lower()
    sex = eu.sex_from_flags("female" in gender, "male" in gender.replace("female", ""))
    eligibility = eligibility_fields(None, None, sex, None, None)
    eligibility.update(minimum_age_years=minimum, maximum_age_years=maximum, minimum_age_raw=min_raw,
                       maximum_age_raw=max_raw)  # fmt: skip
    disease = values.get("Disease")
    terms = [t.strip() for t in _TERM.findall(disease or "")]
    condition = values.get("Medical condition")
    sites = [
        {"facility": eu.state_country(code) or code, "country": eu.state_country(code),
         "status": n.status(wording) or n.enum_code(wording)}
        for code, wording in states
    ]  # fmt: skip
    protocol_id = eu.identifier(values.get("Sponsor Protocol Number"))
    extra = {
        K.COUNTRIES: ", ".join(dict.fromkeys(c for c in (site["country"] for site in sites) if c)) or None,
        K.AGE_GROUPS: ", ".join(groups) or None,
        K.MEDDRA_TERMS: disease,
        K.TRIAL_RESULTS: values.get("Trial results"),
        K.RECORD_URL: values.get("Link"),
    }
    return {
        "id": number,
        "secondary_ids": (protocol_id,) if protocol_id and protocol_id != number else (),
        "registry": REGISTRY,
        "summary": {
            "official_title": values.get("Full Title"),
            "overall_status": status,
            "overall_status_raw": raw_status,
            "study_type": "INTERVENTIONAL",
            "sponsor": values.get("Sponsor Name"),
            "conditions": tuple(dict.fromkeys(c for c in (condition, *terms) if c)),
            "start_date": n.iso_date(values.get("Start Date")),
        },
        "eligibility": eligibility,
        "sites": sites,
        "extra": {k: v for k, v in extra.items() if v},
    }


FORMAT = Format(NAME, "EU Clinical Trials Register summary download", score, parse, (".txt",))
