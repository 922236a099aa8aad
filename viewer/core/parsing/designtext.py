"""Study design wording to the v2 design codes: labelled facets or key words, as registries write them."""

from __future__ import annotations

import re
from typing import Any

from viewer.core import normalize as n

_DESIGN_LABELS = re.compile(
    r"(Allocation|Intervention model|Primary purpose|Masking|Blinding/Masking|Endpoint Classification|Control"
    r"|Assignment|Study design purpose)\s*:",
    re.IGNORECASE,
)
_DESIGN_FACETS = {
    "allocation": ("allocation", {"RANDOMIZED", "NON_RANDOMIZED", "NA"}),
    "intervention model": ("intervention_model", {"SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"}),
    "assignment": ("intervention_model", {"SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"}),
    "primary purpose": ("primary_purpose", {
        "TREATMENT", "PREVENTION", "DIAGNOSTIC", "SUPPORTIVE_CARE", "SCREENING", "HEALTH_SERVICES_RESEARCH",
        "BASIC_SCIENCE", "DEVICE_FEASIBILITY", "ECT", "OTHER"}),
}  # fmt: skip
_DESIGN_FACETS["study design purpose"] = _DESIGN_FACETS["primary purpose"]
_ALIASES = {"OPEN": "NONE", "NOT_APPLICABLE": "NA", "SINGLE_ARM": "SINGLE_GROUP"}


def design_codes(text: str) -> dict[str, Any]:
    """Design codes (v2 vocabulary) from labelled wording ("Allocation: Randomized. Intervention model: ...",
    "Primary Purpose : Diagnosis, Blinding/Masking : Open"), or from key words in free wording ("randomized
    controlled trial, open(masking not used), parallel assignment"). Values outside the vocabulary are left out."""
    design: dict[str, Any] = {}
    labels = list(_DESIGN_LABELS.finditer(text))
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        value = text[m.end() : end].strip().rstrip(".,;").strip()
        facet = m.group(1).lower()
        if "masking" in facet and value:
            level, who = n.masking(re.sub(r"(?i)\bblind\b", "", value))
            level = _ALIASES.get(level or "", level)
            if level in {"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"}:
                design["masking"], design["who_masked"] = level, who
        elif facet in _DESIGN_FACETS and value:
            key, allowed = _DESIGN_FACETS[facet]
            code = n.code(value)
            code = _ALIASES.get(code or "", code)
            if code in allowed:
                design[key] = code
    return design if labels else _design_words(text)


def _design_words(text: str) -> dict[str, Any]:
    low = text.lower()
    design: dict[str, Any] = {}
    if re.search(r"non-?\s?randomi[sz]ed", low):
        design["allocation"] = "NON_RANDOMIZED"
    elif re.search(r"randomi[sz]ed", low):
        design["allocation"] = "RANDOMIZED"
    if "double blind" in low or "double-blind" in low:
        design["masking"] = "DOUBLE"
    elif "single blind" in low or "single-blind" in low:
        design["masking"] = "SINGLE"
    elif "masking not used" in low or "open-label" in low or "open label" in low:
        design["masking"] = "NONE"
    if "parallel" in low:
        design["intervention_model"] = "PARALLEL"
    elif "crossover" in low or "cross over" in low or "cross-over" in low:
        design["intervention_model"] = "CROSSOVER"
    elif "factorial" in low:
        design["intervention_model"] = "FACTORIAL"
    elif "single arm" in low or "single group" in low or "single assignment" in low:
        design["intervention_model"] = "SINGLE_GROUP"
    return design
