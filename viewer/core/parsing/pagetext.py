"""Helpers shared by the parsers of page text copied from registry websites."""

from __future__ import annotations

import re
from collections.abc import Iterable

from viewer.core import normalize as n
from viewer.core.countries import country

INTERVENTION_TYPES = (
    "Drug", "Device", "Biological", "Procedure", "Procedure/Surgery", "Radiation", "Behavioral", "Genetic",
    "Dietary Supplement", "Combination Product", "Diagnostic Test", "Other",
)  # fmt: skip
_INTERVENTION = re.compile(r"\b(" + "|".join(re.escape(t) for t in INTERVENTION_TYPES) + r"): ")
_PHASE_AT_END = re.compile(r"(?:Early Phase \d|Phase \d|Phase [IV]{1,3}|Not Applicable|N/A)$")
_TERMINAL = re.compile(
    r"(itis|sis|oma|omas|emia|aemia|pathy|pathies|ia|ias|ism|ease|eases|order|orders|drome|cer|cers|tion|tions|ure|"
    r"sion|ury|ies|es|ts|[A-Z]{2,})$"
)


_CONTINUING = {
    "Type",
    "Syndrome",
    "Disease",
    "Disorder",
    "Disorders",
    "Infection",
    "Cancer",
    "Failure",
    "Stage",
    "Grade",
}


def split_intervention_line(text: str) -> tuple[str, list[tuple[str, str]], str]:
    """Split the flattened 'conditions, interventions, phase' table row into its three cells."""
    # Phases are read off the end one at a time, each looked for in the last few characters only:
    # a single regex over the whole row can backtrack exponentially on hostile input.
    found: list[str] = []
    rest = text.rstrip()
    while True:
        tail = rest.rstrip(" \t/,")
        match = _PHASE_AT_END.search(tail[-20:])
        if not match:
            break
        found.insert(0, match.group(0))
        rest = tail[: len(tail) - len(match.group(0))]
    phase = " ".join(found)
    text = rest
    pieces = _INTERVENTION.split(text)
    conditions = pieces[0].strip()
    interventions = [(kind, name.strip()) for kind, name in zip(pieces[1::2], pieces[2::2], strict=True)]
    return conditions, interventions, phase


def split_conditions(text: str, known: Iterable[str] = ()) -> list[str]:
    """Conditions copied from a table cell lose their separators; recover them with care.

    Phrases known from elsewhere on the page (MeSH terms, in either word order) are taken whole;
    the rest splits only after a word that typically ends a condition name ("...itis", "...oma",
    "Disease") and before a capitalised word, so "Breast Cancer" stays one condition.
    """
    text = n.clean(text) or ""
    if not text:
        return []
    phrases: set[str] = set()
    for term in known:
        phrases.add(term.lower())
        if ", " in term:
            head, _, tail = term.partition(", ")
            phrases.add(f"{tail} {head}".lower())
    words = text.split(" ")
    out: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(words):
        matched = 0
        for length in range(min(8, len(words) - i), 1, -1):
            if " ".join(words[i : i + length]).lower() in phrases:
                matched = length
                break
        if matched:
            if current:
                out.append(" ".join(current))
                current = []
            out.append(" ".join(words[i : i + matched]))
            i += matched
            continue
        word = words[i]
        if (
            current
            and word[:1].isupper()
            and word not in _CONTINUING
            and _TERMINAL.search(current[-1])
            and current[-1].lower() not in {"and", "of"}
        ):
            out.append(" ".join(current))
            current = []
        current.append(word)
        i += 1
    if current:
        out.append(" ".join(current))
    return out


def parse_address(line: str) -> dict[str, str | None] | None:
    """'Stockholm, Sweden, 17176' or 'Bethesda, Maryland, United States, 20892' -> address parts."""
    parts = [p.strip() for p in line.split(",") if p.strip()]
    if len(parts) < 2:
        return None
    zip_code = None
    if re.search(r"\d", parts[-1]) and len(parts) >= 3:
        zip_code = parts.pop()
    # Country names may contain a comma ("Korea, Republic of"): try the last two parts first.
    found = country(", ".join(parts[-2:])) if len(parts) >= 3 else None
    if found:
        parts = parts[:-2]
    else:
        found = country(parts[-1])
        if not found:
            return None
        parts = parts[:-1]
    if not parts:
        return None
    return {"city": parts[0], "state": ", ".join(parts[1:]) or None, "zip": zip_code, "country": found}


def label_value(line: str, labels: tuple[str, ...]) -> tuple[str, str] | None:
    """'Study Type : Interventional' -> ('Study Type', 'Interventional') for a known label."""
    if not line.startswith(labels):  # one call for the common case: most lines carry no label
        return None
    for label in labels:
        if line.startswith(label):
            rest = line[len(label) :].lstrip()
            if rest.startswith(":"):
                return label, (n.clean(rest[1:]) or "")
    return None


def age_range(text: str) -> tuple[str | None, str | None]:
    """'18 Years to 80 Years   (Adult, Older Adult)' -> ('18 Years', '80 Years'); 'and older' has no maximum."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text).strip()
    if match := re.match(r"^(.+?)\s+to\s+(.+)$", text):
        return match.group(1), match.group(2)
    if match := re.match(r"^(.+?)\s+and (?:older|over)$", text, re.I):
        return match.group(1), None
    if match := re.match(r"^up to\s+(.+)$", text, re.I):
        return None, match.group(1)
    return None, None
