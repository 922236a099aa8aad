"""Normalization of registry wording to the model's vocabularies (status, phase, age, date, sex)."""

from __future__ import annotations

import re
from datetime import date

from viewer.core.model import MAX_AGE_YEARS
from viewer.core.parsing.textlines import trimmed

_NON_WORD = re.compile(r"[^A-Z0-9]+")

STATUSES = (
    "ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
    "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN",
)  # fmt: skip

_STATUS_ALIASES = {
    "UNKNOWN_STATUS": "UNKNOWN",
    "ACTIVE": "ACTIVE_NOT_RECRUITING",
    "NOT_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "NO_LONGER_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "ONGOING_RECRUITMENT_ENDED": "ACTIVE_NOT_RECRUITING",
    "ONGOING_RECRUITING": "RECRUITING",
    "ONGOING": "RECRUITING",
    "RESTARTED": "RECRUITING",
    "AUTHORISED_RECRUITMENT_PENDING": "NOT_YET_RECRUITING",
    "AUTHORIZED_RECRUITMENT_PENDING": "NOT_YET_RECRUITING",
    "AUTHORISED": "NOT_YET_RECRUITING",
    "PENDING": "NOT_YET_RECRUITING",
    "ENDED": "COMPLETED",
    "TRIAL_ENDED": "COMPLETED",
    "COMPLETE": "COMPLETED",
    "TEMPORARILY_HALTED": "SUSPENDED",
    "HALTED": "SUSPENDED",
    "PREMATURELY_ENDED": "TERMINATED",
    "EARLY_TERMINATION": "TERMINATED",
    "STOPPED": "TERMINATED",
    "NOT_AUTHORISED": "WITHDRAWN",
    "NOT_AUTHORIZED": "WITHDRAWN",
    "PROHIBITED_BY_CA": "WITHDRAWN",
    "SUSPENDED_BY_CA": "SUSPENDED",
    "AUTHORIZED": "NOT_YET_RECRUITING",
    # EU CTR: the trial moved to CTIS, or the UK left the register; its current status is stated elsewhere.
    "TRIAL_NOW_TRANSITIONED": "UNKNOWN",
    "GB_NO_LONGER_IN_EU_EEA": "UNKNOWN",
    "STOPPED_EARLY": "TERMINATED",
    "CLOSED_FOLLOW_UP_COMPLETE": "COMPLETED",
    "CLOSED_FOLLOW_UP_CONTINUING": "ACTIVE_NOT_RECRUITING",
    "OPEN_TO_RECRUITMENT": "RECRUITING",
    "CLOSED_TO_RECRUITMENT_OF_PARTICIPANTS": "ACTIVE_NOT_RECRUITING",
    "REVOKED": "WITHDRAWN",
    "CANCELLED": "WITHDRAWN",
}


def clean(value: object) -> str | None:
    """Collapse runs of blanks in a one-line value; None for missing or empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def clean_block(value: object) -> str | None:
    """Tidy a multi-line text block: strip common indentation and trailing blanks, keep paragraphs."""
    if value is None:
        return None
    raw = str(value)
    if "\n" not in raw and "\r" not in raw:
        return raw.strip() or None
    lines = trimmed(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if not lines:
        return None
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    cut = min(indents) if indents else 0
    out = [line[cut:].rstrip() if line.strip() else "" for line in lines]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out))
    return text or None


def status(raw: str | None) -> str | None:
    """Map a registry's recruitment status to the ClinicalTrials.gov API v2 vocabulary."""
    if not raw:
        return None
    key = _NON_WORD.sub("_", raw.upper()).strip("_")
    if key in STATUSES:
        return key
    return _STATUS_ALIASES.get(key)


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_PHASE_TOKEN = re.compile(r"phase[\s_-]*(0|1|2|3|4|iv|iii|ii|i)\b(?:\s*/\s*(1|2|3|4|iv|iii|ii|i)\b)?", re.I)


def phases(raw: str | None) -> tuple[str, ...]:
    """Map phase wording ("Phase 2/Phase 3", "Phase II", "N/A", "EARLY_PHASE1") to v2 phase codes."""
    if not raw:
        return ()
    text = raw.strip()
    upper = text.upper()
    if upper in {"NA", "N/A", "NOT APPLICABLE", "NOT_APPLICABLE"}:
        return ("NA",)
    found: list[str] = []
    if re.search(r"early[\s_]*phase[\s_]*1|phase[\s_]*0", text, re.I):
        found.append("EARLY_PHASE1")
        text = re.sub(r"early[\s_]*phase[\s_]*1|phase[\s_]*0", " ", text, flags=re.I)
    for match in _PHASE_TOKEN.finditer(text):
        for token in match.groups():
            if token is None:
                continue
            number = _ROMAN.get(token.upper(), token)
            code = "EARLY_PHASE1" if number == "0" else f"PHASE{number}"
            if code not in found:
                found.append(code)
    return tuple(found)


# An optional comparison first (">= 20age old", as JPRN writes it) or an ISO 8601 duration's "P" ("P18Y"), then
# the number and its unit ("18Y", "6M", "0D" as ReBEC writes them).
_AGE = re.compile(r"^\s*(?:[<>]=?|=|≥|≤|P(?=\d))?\s*(\d{1,6}(?:[.,]\d{1,6})?)\s*([A-Za-z]*)")
"""No one enrolls older than this: a larger figure is a typo or hostile, read as "not stated"."""
_AGE_UNITS = {
    "year": 1.0, "years": 1.0, "yr": 1.0, "yrs": 1.0, "y": 1.0, "": 1.0, "age": 1.0,
    "month": 1 / 12, "months": 1 / 12, "mo": 1 / 12, "m": 1 / 12,
    "week": 7 / 365.25, "weeks": 7 / 365.25, "wk": 7 / 365.25, "wks": 7 / 365.25, "w": 7 / 365.25,
    "day": 1 / 365.25, "days": 1 / 365.25, "d": 1 / 365.25,
    "hour": 1 / (24 * 365.25), "hours": 1 / (24 * 365.25),
    "minute": 1 / (60 * 24 * 365.25), "minutes": 1 / (60 * 24 * 365.25),
}  # fmt: skip


def age_years(raw: str | None) -> float | None:
    """ "18 Months" -> 1.5; "N/A", "No limit" or unreadable -> None (no limit stated)."""
    if not raw:
        return None
    match = _AGE.match(raw)
    if not match:
        return None
    factor = _AGE_UNITS.get(match.group(2).lower())
    if factor is None:
        return None
    years = round(float(match.group(1).replace(",", ".")) * factor, 6)
    return years if years <= MAX_AGE_YEARS else None


def sex(raw: str | None) -> str | None:
    """'all' / 'female' / 'male', or None where the record does not say."""
    if not raw:
        return None
    key = raw.strip().lower()
    if key in {
        "all",
        "both",
        "male and female",
        "female and male",
        "male, female",
        "female, male",
        "female/male",
        "male/female",
        "m/f",
        "f/m",
    }:
        return "all"
    if key in {"female", "females", "f", "women", "woman"}:
        return "female"
    if key in {"male", "males", "m", "men", "man"}:
        return "male"
    return None


def yes_no(raw: object) -> bool | None:
    """Yes/No/true/false wording to a bool; None where absent or unclear."""
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return None
    key = str(raw).strip().lower()
    if key in {"yes", "y", "true", "1", "accepts healthy volunteers"}:
        return True
    if key in {"no", "n", "false", "0"}:
        return False
    return None


def study_type(raw: str | None) -> str | None:
    """Map study type wording to INTERVENTIONAL / OBSERVATIONAL / EXPANDED_ACCESS."""
    if not raw:
        return None
    low = raw.lower()
    if "expanded" in low:
        return "EXPANDED_ACCESS"
    if "observational" in low:
        return "OBSERVATIONAL"
    if "interventional" in low or "clinical trial" in low:
        return "INTERVENTIONAL"
    return None


def enum_code(raw: str | None) -> str | None:
    """'Single Group Assignment' -> 'SINGLE_GROUP'-style upper snake code (v2 enums)."""
    value = clean(raw)
    if value is None:
        return None
    return _NON_WORD.sub("_", value.upper()).strip("_") or None


_MONTHS = {
    name: i
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_MDY = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DMY_NAMED = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MY = re.compile(r"^([A-Za-z]+)\.?,?\s+(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    try:
        if day is not None and month is not None:
            return date(year, month, day).isoformat()
        if month is not None:
            return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
        return f"{year:04d}"
    except ValueError:
        return None


def iso_date(raw: str | None) -> str | None:
    """Dates as the registries write them -> ISO 8601 at the precision stated.

    "September 2003" -> "2003-09"; "July 19, 2010" -> "2010-07-19"; "19/07/2010" -> "2010-07-19"
    (day first, as WHO and EU registries write it). Unreadable wording is kept as it is.
    """
    text = clean(raw)
    if text is None:
        return None
    if m := _ISO.match(text):
        year, month, day = m.groups()
        result = _iso(int(year), int(month) if month else None, int(day) if day else None)
    elif m := _MDY.match(text):
        month_no = _MONTHS.get(m.group(1).lower())
        result = _iso(int(m.group(3)), month_no, int(m.group(2))) if month_no else None
    elif m := _DMY_NAMED.match(text):
        month_no = _MONTHS.get(m.group(2).lower())
        result = _iso(int(m.group(3)), month_no, int(m.group(1))) if month_no else None
    elif m := _MY.match(text):
        month_no = _MONTHS.get(m.group(1).lower())
        result = _iso(int(m.group(2)), month_no) if month_no else None
    elif m := _YMD_SLASH.match(text):
        result = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif m := _NUMERIC.match(text):
        result = _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    else:
        result = None
    return result or text


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~|=^\"'])")


def unescape_markdown(text: str) -> str:
    """Drop the backslash escapes ClinicalTrials.gov API v2 puts in its markdown text ("\\>=")."""
    return _MD_ESCAPE.sub(r"\1", text) if "\\" in text else text


_CODE_ALIASES = {
    "SINGLE_GROUP_ASSIGNMENT": "SINGLE_GROUP",
    "PARALLEL_ASSIGNMENT": "PARALLEL",
    "CROSSOVER_ASSIGNMENT": "CROSSOVER",
    "FACTORIAL_ASSIGNMENT": "FACTORIAL",
    "SEQUENTIAL_ASSIGNMENT": "SEQUENTIAL",
    "NON_RANDOMISED": "NON_RANDOMIZED",
    "RANDOMISED": "RANDOMIZED",
    "N_A": "NA",
    "NONE_OPEN_LABEL": "NONE",
    "OPEN_LABEL": "NONE",
    "SINGLE_BLIND": "SINGLE",
    "DOUBLE_BLIND": "DOUBLE",
    "TRIPLE_BLIND": "TRIPLE",
    "QUADRUPLE_BLIND": "QUADRUPLE",
    "BIOLOGIC": "BIOLOGICAL",
    "GENETIC_THERAPY": "GENETIC",
    "RADIATION_THERAPY": "RADIATION",
    "EDUCATIONAL_COUNSELING_TRAINING": "ECT",
    "PLACEBO_COMPARATOR_ARM": "PLACEBO_COMPARATOR",
    "SITE_CONTACT": "CONTACT",
    "SUB_INVESTIGATOR": "SUB_INVESTIGATOR",
    "SUBINVESTIGATOR": "SUB_INVESTIGATOR",
    "CASE_CONTROL": "CASE_CONTROL",
    "CASE_ONLY": "CASE_ONLY",
    "CASE_CROSSOVER": "CASE_CROSSOVER",
    "OTHER_TIME_PERSPECTIVE": "OTHER",
    "DIAGNOSIS": "DIAGNOSTIC",
    "PROCEDURE_SURGERY": "PROCEDURE",
    "BIOLOGICAL_VACCINE": "BIOLOGICAL",
    "BEHAVIOR": "BEHAVIORAL",
    "NO_MASKING": "NONE",
    "EDUCATIONAL_COUNSELING": "ECT",
}
_MASK_ROLES = {
    "PARTICIPANT": "PARTICIPANT", "SUBJECT": "PARTICIPANT", "CARE_PROVIDER": "CARE_PROVIDER",
    "CAREGIVER": "CARE_PROVIDER", "INVESTIGATOR": "INVESTIGATOR",
    "OUTCOMES_ASSESSOR": "OUTCOMES_ASSESSOR", "OUTCOME_ASSESSOR": "OUTCOMES_ASSESSOR",
}  # fmt: skip


def code(raw: str | None) -> str | None:
    """Registry wording for a design, role or type value -> the v2 API's code ("Parallel Assignment" -> "PARALLEL")."""
    key = enum_code(raw)
    if key is None:
        return None
    return _CODE_ALIASES.get(key, key)


def masking(raw: str | None) -> tuple[str | None, tuple[str, ...]]:
    """ "Double (Participant, Investigator)" -> ("DOUBLE", ("PARTICIPANT", "INVESTIGATOR"))."""
    text = clean(raw)
    if text is None:
        return None, ()
    head, _, inner = text.partition("(")
    level = code(head)
    if level and level.startswith("NONE"):
        level = "NONE"
    roles: list[str] = []
    for part in re.split(r"[,;]", inner.rstrip(")")):
        role = _MASK_ROLES.get(enum_code(part) or "")
        if role and role not in roles:
            roles.append(role)
    return level, tuple(roles)


_REGISTRY_IDS = (
    (re.compile(r"^NCT\d{8}$"), "ClinicalTrials.gov"),
    (re.compile(r"^(CTIS)?\d{4}-5\d{5}-\d{2}-\d{2}$"), "EU CTIS"),
    (re.compile(r"^(EUCTR)?\d{4}-\d{6}-\d{2}(-[A-Z]{2}|-3RD)?$", re.I), "EU CTR"),
    (re.compile(r"^ISRCTN\d+$"), "ISRCTN"),
    (re.compile(r"^ChiCTR", re.I), "ChiCTR"),
    (re.compile(r"^CTRI/"), "CTRI"),
    (re.compile(r"^ACTRN\d+"), "ANZCTR"),
    (re.compile(r"^(JPRN-|jRCT|UMIN\d|JapicCTI-|JMA-IIA)"), "Japan (JPRN/jRCT)"),
    (re.compile(r"^DRKS\d+"), "DRKS"),
    (re.compile(r"^NL-OMON\d+"), "NL-OMON"),
    (re.compile(r"^(NTR|NL)\d+"), "Netherlands Trial Register"),
    (re.compile(r"^IRCT\d+"), "IRCT"),
    (re.compile(r"^KCT\d+"), "CRiS (Korea)"),
    (re.compile(r"^TCTR\d+"), "TCTR"),
    (re.compile(r"^PACTR\d+"), "PACTR"),
    (re.compile(r"^RBR-"), "ReBEC"),
    (re.compile(r"^SLCTR/"), "SLCTR"),
    (re.compile(r"^LBCTR\d+"), "LBCTR"),
    (re.compile(r"^ITMCTR\d+"), "ITMCTR"),
    (re.compile(r"^RPCEC\d+"), "RPCEC"),
    (re.compile(r"^PER-\d"), "REPEC"),
    (re.compile(r"^EUCTR"), "EU CTR"),
)


def registry_for_id(identifier: str | None) -> str | None:
    """Which registry an identifier belongs to, judged from its shape (NCT..., 2024-5xxxxx-xx-xx, ...)."""
    if not identifier:
        return None
    for pattern, registry in _REGISTRY_IDS:
        if pattern.match(identifier.strip()):
            return registry
    return None


# Archive-era records list their design as loose terms ("Randomized", "Open Label", "Efficacy Study").
_DESIGN_FACETS = {
    **dict.fromkeys(("RANDOMIZED", "NON_RANDOMIZED"), "allocation"),
    **dict.fromkeys(("SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"), "intervention_model"),
    **dict.fromkeys(("TREATMENT", "PREVENTION", "DIAGNOSTIC", "SUPPORTIVE_CARE", "SCREENING",
                     "HEALTH_SERVICES_RESEARCH", "BASIC_SCIENCE", "DEVICE_FEASIBILITY"), "primary_purpose"),
    **dict.fromkeys(("COHORT", "CASE_CONTROL", "CASE_ONLY", "CASE_CROSSOVER", "ECOLOGIC_OR_COMMUNITY",
                     "FAMILY_BASED", "DEFINED_POPULATION", "NATURAL_HISTORY"), "observational_model"),
    **dict.fromkeys(("PROSPECTIVE", "RETROSPECTIVE", "CROSS_SECTIONAL", "LONGITUDINAL"), "time_perspective"),
}  # fmt: skip
_MASK_LEVELS = {"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"}


def design_term(raw: str | None) -> tuple[str, str] | None:
    """One archive design term -> (facet, v2 code): "Open Label" -> ("masking", "NONE"),
    "Single Group Assignment" -> ("intervention_model", "SINGLE_GROUP"), "Efficacy Study" ->
    ("endpoint_classification", "EFFICACY_STUDY"); None for other terms ("Active Control")."""
    value = code(raw)
    if value is None:
        return None
    if facet := _DESIGN_FACETS.get(value):
        return facet, value
    level = masking(raw)[0]
    if level in _MASK_LEVELS or level == "NO_MASKING":
        return "masking", "NONE" if level == "NO_MASKING" else level
    if value.endswith("_STUDY"):
        return "endpoint_classification", value
    return None
