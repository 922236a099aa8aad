"""The EudraCT vocabulary: member states, age groups, Yes/No phase, design and sex flags, per-state statuses.

The EU Clinical Trials Register (full text and summary downloads) and the WHO ICTRP export of its records and of
CTIS records write these the same way, so every parser reads them here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from viewer.core import normalize as n
from viewer.core.countries import country

MEMBER_STATES = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia", "DE": "Germany",
    "DK": "Denmark", "EE": "Estonia", "EL": "Greece", "ES": "Spain", "FI": "Finland", "FR": "France",
    "GB": "United Kingdom", "GR": "Greece", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IS": "Iceland",
    "IT": "Italy", "LI": "Liechtenstein", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta",
    "NL": "Netherlands", "NO": "Norway", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden",
    "SI": "Slovenia", "SK": "Slovakia", "UK": "United Kingdom", "XI": "United Kingdom",
}  # fmt: skip
"""Country codes the register uses for its member-state records ("3rd" is a record from outside the EEA)."""
_SPELLINGS = {"UK": "United Kingdom", "Czech Republic": "Czechia"}


def member_state(raw: str | None) -> tuple[str | None, str | None]:
    """ "Spain - AEMPS" -> ("Spain", "AEMPS"); "Outside EU/EEA" -> (None, None)."""
    text = n.clean(raw)
    if not text:
        return None, None
    head, _, authority = text.partition(" - ")
    name = country(head)
    if name is None:
        return None, None
    return _SPELLINGS.get(name, name), n.clean(authority)


def state_country(code: str | None) -> str | None:
    """The country of a member-state code ("SE" -> "Sweden"); None for "3rd" and unknown codes."""
    return MEMBER_STATES.get((code or "").strip().upper())


# Age groups in the register's order, with the ages they span in years (None: no limit that way).
_AGE_GROUPS: tuple[tuple[str, float | None, float | None], ...] = (
    ("utero", None, 0.0),
    ("preterm", 0.0, 0.0),
    ("newborn", 0.0, round(27 / 365.25, 6)),
    ("infant", round(28 / 365.25, 6), round(23 / 12, 6)),
    ("child", 2.0, 11.0),
    ("adolescent", 12.0, 17.0),
    ("under 18", None, 17.0),
    ("adult", 18.0, 64.0),
    ("elderly", 65.0, None),
)


def _age_group(label: str) -> tuple[str, float | None, float | None] | None:
    low = label.lower()
    for group in _AGE_GROUPS:
        if group[0] in low:
            return group
    return None


def age_limits(groups: Sequence[str]) -> tuple[float | None, float | None, str | None, str | None]:
    """(minimum years, maximum years, minimum wording, maximum wording) from the age groups marked Yes.

    The envelope of the groups, read conservatively: the youngest group's lower bound and the oldest group's
    upper bound ("Adults (18-64 years)" and "Elderly (>=65 years)" give 18 and no maximum; "In utero" gives no
    minimum). "Under 18" counts only when no younger group is named. No groups: nothing is claimed.
    """
    known = [(label, group) for label in groups if (group := _age_group(label))]
    specific = [pair for pair in known if pair[1][0] != "under 18"]
    if any(g[0] in ("utero", "preterm", "newborn", "infant", "child", "adolescent") for _, g in specific):
        known = specific
    if not known:
        return None, None, None, None
    order = [g[0] for g in _AGE_GROUPS]
    known.sort(key=lambda pair: order.index(pair[1][0]))
    (young_label, young), (old_label, old) = known[0], known[-1]
    return young[1], old[2], young_label, old_label


_PHASE = re.compile(r"\(Phase (IV|III|II|I)\)", re.IGNORECASE)
_ROMAN = {"I": "PHASE1", "II": "PHASE2", "III": "PHASE3", "IV": "PHASE4"}


def phases_from_flags(pairs: Iterable[tuple[str, str | None]]) -> tuple[str, ...]:
    """ "Therapeutic exploratory (Phase II): Yes" pairs -> ("PHASE2",): only the phases marked Yes."""
    found: list[str] = []
    for label, value in pairs:
        match = _PHASE.search(label)
        if match and n.yes_no(value):
            code = _ROMAN[match.group(1).upper()]
            if code not in found:
                found.append(code)
    return tuple(sorted(found))


_FLAG = re.compile(
    r"(Human pharmacology \(Phase I\)|Therapeutic exploratory \(Phase II\)"
    r"|Therapeutic confirmatory\s*-?\s*\(Phase III\)|Therapeutic use\s*-?\s*\(Phase IV\)"
    r"|Female|Male|Controlled|Randomised|Open|Single blind|Double blind"
    r"|Parallel group|Cross over)[ \t]*:[ \t]*(yes|no)\b",
    re.IGNORECASE,
)


def flags_in_text(text: str | None) -> list[tuple[str, str]]:
    """The "Label: yes/no" flags an ICTRP export writes in one run ("Controlled: yes Randomised: no ...")."""
    return [(m.group(1), m.group(2)) for m in _FLAG.finditer(text or "")]


def sex_from_flags(female: object, male: object) -> str | None:
    """ "Female: Yes", "Male: No" -> "female"; both Yes -> "all"; nothing stated -> None."""
    f, m = n.yes_no(female), n.yes_no(male)
    if f and m:
        return "all"
    if f:
        return "female"
    if m:
        return "male"
    return None


_DESIGN_TERMS = ("controlled", "randomised", "open", "single blind", "double blind", "parallel group", "cross over")


def design_from_flags(flags: Mapping[str, object]) -> tuple[dict[str, Any], list[str]]:
    """Design codes from the E.8.1 Yes/No flags (keys in lower case), and the terms marked Yes in their wording."""
    yes = {key for key, value in flags.items() if n.yes_no(value)}
    no = {key for key, value in flags.items() if n.yes_no(value) is False}
    design: dict[str, Any] = {}
    if "randomised" in yes:
        design["allocation"] = "RANDOMIZED"
    elif "randomised" in no and "controlled" in yes:
        design["allocation"] = "NON_RANDOMIZED"
    if "double blind" in yes:
        design["masking"] = "DOUBLE"
    elif "single blind" in yes:
        design["masking"] = "SINGLE"
    elif "open" in yes:
        design["masking"] = "NONE"
    if "parallel group" in yes:
        design["intervention_model"] = "PARALLEL"
    elif "cross over" in yes:
        design["intervention_model"] = "CROSSOVER"
    terms = [term.capitalize() for term in _DESIGN_TERMS if term in yes]
    return design, terms


# When member states disagree, the trial's status is the most active one any state reports.
_PRECEDENCE = (
    "RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING", "SUSPENDED",
    "COMPLETED", "TERMINATED", "WITHDRAWN", "UNKNOWN",
)  # fmt: skip


def overall_status(states: Sequence[tuple[str, str]]) -> tuple[str | None, str | None]:
    """(raw wording, code) for a trial from (state, status wording) pairs, in file order.

    One wording everywhere is kept as it is; differing wordings are listed with their states
    ("Ongoing (ES, SE); Completed (FR)") and the code is the most active of them.
    """
    by_wording: dict[str, list[str]] = {}
    for state, wording in states:
        if wording:
            by_wording.setdefault(wording, []).append(state)
    if not by_wording:
        return None, None
    if len(by_wording) == 1:
        [wording] = by_wording
        return wording, n.status(wording)
    raw = "; ".join(f"{w} ({', '.join(dict.fromkeys(s for s in where if s))})" for w, where in by_wording.items())
    codes = [code for w in by_wording if (code := n.status(w))]
    ranked = sorted(codes, key=lambda code: _PRECEDENCE.index(code) if code in _PRECEDENCE else len(_PRECEDENCE))
    return raw.replace(" ()", ""), ranked[0] if ranked else None


_NCT = re.compile(r"\bNCT\s*-?\s*(\d{8})\b", re.IGNORECASE)
_ISRCTN = re.compile(r"\bISRCTN\s*-?\s*(\d{8})\b", re.IGNORECASE)
_NO_ID_WORDS = {"", "n", "a", "na", "nil", "none", "no", "not", "known", "applicable", "available", "unknown", "yet"}
_UTN = re.compile(r"\bU\d{4}-\d{4}-\d{4}\b")


def identifier(raw: str | None) -> str | None:
    """An identifier as written, without the labels registries put around it.

    "NCT 01234567" -> "NCT01234567"; "UTN U1111-1244-5678" -> "U1111-1244-5678"; "Name:IND Number:123456" ->
    "123456"; "N/A", "-", "NIL" and "none" -> None.
    """
    text = n.clean(raw)
    if not text or not (set(re.split(r"[\s/]+", text.strip(" -.").lower())) - _NO_ID_WORDS):
        return None
    if m := _NCT.search(text):
        return f"NCT{m.group(1)}"
    if m := _ISRCTN.search(text):
        return f"ISRCTN{m.group(1)}"
    if m := _UTN.search(text):
        return m.group(0)
    if "Number:" in text:
        text = text.rpartition("Number:")[2].strip()
    return text or None
