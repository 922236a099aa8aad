"""WHO ICTRP search-portal XML export: `<Trials_downloaded_from_ICTRP>` with one `<Trial>` per registry record.

One export mixes every registry ICTRP gathers (ClinicalTrials.gov, EU CTR, CTIS, JPRN, DRKS, ChiCTR, ...), each
writing its fields its own way inside the same tags; values are padded with blanks and hold `<br>` markup.
Records are read one at a time, so an export of tens of thousands of trials streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

from viewer.core import extra_keys as K
from viewer.core import normalize as n
from viewer.core.countries import country
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.model import Study
from viewer.core.parsers.base import Format, make_study
from viewer.core.parsing import eudract as eu
from viewer.core.parsing.designtext import design_codes
from viewer.core.parsing.listtext import list_items, restore_breaks, split_top_level, unrepeated
from viewer.core.parsing.markup import markup_text
from viewer.core.parsing.pagetext import INTERVENTION_TYPES
from viewer.core.parsing.xmlsafe import iter_records, local, root_tag

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

NAME = "ictrp-xml"
ROOT = "Trials_downloaded_from_ICTRP"
# The EU register's records label the parts of their outcome fields.
_EU_PARTS = re.compile(
    r"(Main Objective|Secondary Objective|Primary end point\(s\)|Secondary end point\(s\)"
    r"|Timepoint\(s\) of evaluation of this end point)\s*:",
    re.IGNORECASE,
)
_IMP_LABELS = re.compile(
    r"(Trade Name|Product Name|Product Code|Pharmaceutical Form|INN or Proposed INN|CAS Number|Current Sponsor code"
    r"|Other descriptive name|Concentration unit|Concentration type|Concentration number|Strength"
    r"|Pharmaceutical form of the placebo|Route of administration of the placebo)\s*:",
    re.IGNORECASE,
)
_TYPE = re.compile(r"^(" + "|".join(re.escape(t) for t in INTERVENTION_TYPES) + r")\s*:\s*(.+)$", re.IGNORECASE | re.S)
_ARM = re.compile(
    r"^(Experimental|Active Comparator|Placebo Comparator|Sham Comparator|No Intervention)\s*:\s*(.+)$", re.S
)
_TIMEPOINT = re.compile(r"Time\s?points?\s*:\s*", re.IGNORECASE)  # CTRI: "FEV1Timepoint: 12 weeks"
_CTRI_INTERVENTION = re.compile(r"^(Control )?Intervention\s*\d*\s*:\s*", re.IGNORECASE)
_CTRI_CONDITION = re.compile(r"^Health Condition \d+\s*:\s*", re.IGNORECASE)
# Regions ICTRP lists among countries ("Asia except Japan", "Europe"): kept in extra, no site.
_REGION = re.compile(
    r"\b(?:Europe|Asia|America|Oceania|Africa|Middle East|except|Other|Worldwide|Multinational)\b", re.I
)
_AGE_TAIL = re.compile(r"Are the trial subjects under 18\?", re.IGNORECASE)
_GROUP_FLAG = re.compile(r"^(?:F\.1[\d.]*\s+)?(.+?)\s*:?\s+(yes|no)\s*$", re.IGNORECASE)
_MEDDRA = re.compile(r"MedDRA version", re.IGNORECASE)
_BULLET = re.compile(r"^[-•*]\s*")
_MEDDRA_TERM = re.compile(r"Term:\s*(.+?)\s*(?=System Organ Class|Level:|Classification code|MedDRA version|$)", re.S)


def score(head: str) -> int:
    return 95 if f"<{ROOT}" in head else 0


def parse(doc: Document) -> Iterator[Study]:
    if root_tag(doc) != ROOT:
        raise doc.fail(f"the XML root element is <{root_tag(doc) or '?'}>, not <{ROOT}>")
    count = 0
    skipped: list[str] = []
    for position, trial in enumerate(iter_records(doc, "Trial"), start=1):
        fields = _read(trial)
        ident = _one(fields, "TrialID")
        if not ident:
            skipped.append(f"trial {position} of the export has no TrialID and was left out")
            continue
        notes = list(skipped)
        study = make_study(doc, NAME, count, _study(ident, fields, notes), notes)
        skipped = []
        count += 1
        yield study
    if not count:
        raise doc.fail("no study found: the ICTRP export holds no <Trial> with a TrialID")


def _read(trial: Element) -> dict[str, list[str]]:
    """Each child's text by tag, in order; a field repeated (two <Secondary_ID>) keeps every value."""
    fields: dict[str, list[str]] = {}
    for child in trial:
        text = "".join(child.itertext())
        if text.strip():
            fields.setdefault(local(child.tag), []).append(text)
    return fields


def _raw(fields: dict[str, list[str]], *tags: str) -> str | None:
    for tag in tags:
        values = fields.get(tag)
        if values:
            return "\n".join(values)
    return None


def _one(fields: dict[str, list[str]], *tags: str) -> str | None:
    """A one-line value: markup dropped, padding collapsed."""
    return n.clean(markup_text(_raw(fields, *tags)))


def _block(fields: dict[str, list[str]], *tags: str) -> str | None:
    return n.clean_block(markup_text(_raw(fields, *tags)))


def _study(ident: str, f: dict[str, list[str]], notes: list[str]) -> dict[str, Any]:
    registry = n.registry_for_id(ident) or _one(f, "Source_Register") or "WHO ICTRP"
    primary = _outcome_parts(_block(f, "Primary_outcome"))
    secondary = _outcome_parts(_block(f, "Secondary_outcome"))
    conditions, meddra, area = _conditions(_block(f, "Condition"))
    inclusion, exclusion = (_once(_block(f, tag), tag, notes) for tag in ("Inclusion_Criteria", "Exclusion_Criteria"))
    criteria, groups = _criteria(inclusion, exclusion)
    countries = list(dict.fromkeys(c for c in split_top_level(_one(f, "Countries") or "", ";")))
    enrollment, target = _target(_one(f, "Target_size"))
    study_type = _one(f, "Study_type")
    design, design_terms = _design(_block(f, "Study_design"))
    objectives = "\n\n".join(p for p in (primary["objective"], primary["secondary objective"]) if p) or None
    return {
        "id": ident,
        "secondary_ids": _secondary_ids(f, ident),
        "registry": registry,
        "summary": {
            "brief_title": _one(f, "Public_title"),
            "official_title": _one(f, "Scientific_title"),
            "acronym": _one(f, "Acronym"),
            "overall_status": n.status(_one(f, "Recruitment_Status")),
            "overall_status_raw": _one(f, "Recruitment_Status"),
            "phases": _phases(_block(f, "Phase"), n.study_type(study_type)),
            "study_type": n.study_type(study_type),
            "sponsor": _one(f, "Primary_sponsor"),
            "collaborators": tuple(split_top_level(_one(f, "Secondary_Sponsor") or "", ";")),
            "conditions": tuple(conditions),
            "interventions": _unique(_interventions(_block(f, "Intervention"))),
            "enrollment": enrollment,
            "start_date": n.iso_date(_one(f, "Date_enrollement", "Date_enrolment")),
            "first_posted": n.iso_date(_one(f, "Date_registration")),
            "brief_summary": objectives,
        },
        "eligibility": _eligibility(f, criteria, groups),
        "outcomes": {"primary": _unique(primary["items"]), "secondary": _unique(secondary["items"])},
        "sites": [{"country": country(c) or c} for c in countries if country(c) or not _REGION.search(c)],
        "contacts": _contacts(f),
        "design": design,
        "extra": _extra(f, countries, target, study_type, design_terms, meddra, area, groups),
    }


def _once(text: str | None, tag: str, notes: list[str]) -> str | None:
    if not text:
        return text
    kept, dropped = unrepeated(text)
    if dropped:
        notes.append(f"<{tag}> held the same text {dropped + 1} times over; it is shown once")
    return kept


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items without exact repeats (ICTRP merges copies of a record: "Drug: X;Drug: X;Drug: X")."""
    seen: set[tuple[tuple[str, Any], ...]] = set()
    out: list[dict[str, Any]] = []
    for item in items:
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in item.items()))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _secondary_ids(f: dict[str, list[str]], ident: str) -> tuple[str, ...]:
    found: list[str] = []
    for raw in (*f.get("Secondary_ID", ()), *f.get("SecondaryIDs", ()), *f.get("Secondary_IDs", ())):
        text = markup_text(raw) or ""
        found += [x for part in re.split(r"[;\n]", text) if (x := eu.identifier(part))]
    return tuple(x for x in dict.fromkeys(found) if x != ident)


def _phases(text: str | None, study_type: str | None) -> tuple[str, ...]:
    """EU Yes/No phase flags, bare numbers ("3", "2/3"; "0" is phase 0 only in an interventional study), or words."""
    if not text:
        return ()
    if text.strip() == "0" and study_type != "INTERVENTIONAL":
        return ()
    flags = eu.flags_in_text(text)
    if any("Phase" in label for label, _ in flags):
        return eu.phases_from_flags(flags)
    if m := re.fullmatch(r"\s*(?:phase\s*)?([0-4])(?:\s*[-/]\s*(?:phase\s*)?([1-4]))?\s*", text, re.IGNORECASE):
        return n.phases(" ".join(f"Phase {d}" for d in m.groups() if d))
    return n.phases(text)


def _target(raw: str | None) -> tuple[int | None, str | None]:
    """(enrollment, wording kept when it is not a plain number): "control group:50;sepsis group:50;" is 100."""
    if not raw:
        return None, None
    plain = raw.replace(",", "").strip(" \"'")
    if plain.isdigit():
        return int(plain), None
    parts = split_top_level(raw, ";")
    numbers = [p.rpartition(":")[2].strip() for p in parts]
    if parts and all(x.isdigit() for x in numbers):
        return sum(int(x) for x in numbers), raw
    return None, raw


def _conditions(text: str | None) -> tuple[list[str], list[str], str | None]:
    """(conditions, MedDRA terms, therapeutic area) from a <Condition>: ";"- and line-separated names, with the
    EU register's MedDRA blocks and therapeutic area read apart."""
    if not text:
        return [], [], None
    names: list[str] = []
    terms: list[str] = []
    area: str | None = None
    for part in split_top_level(text, ";"):
        if part.lower().startswith("therapeutic area:"):
            area = n.clean(part.partition(":")[2])
            continue
        at = _MEDDRA.search(part)
        lines = [line.strip() for line in part[: at.start() if at else len(part)].split("\n") if line.strip()]
        if at:
            terms += [n.clean(t) or "" for t in _MEDDRA_TERM.findall(part[at.start() :])]
            if not all(_BULLET.match(line) for line in lines):
                lines = [" ".join(lines)]  # the EU register's E.1.1: one condition, in as many paragraphs as it takes
        names += [name for line in lines if (name := n.clean(_CTRI_CONDITION.sub("", _BULLET.sub("", line))))]
    terms = [t for t in dict.fromkeys(terms) if t]
    return list(dict.fromkeys([*names, *terms])), terms, area


def _criteria(inclusion: str | None, exclusion: str | None) -> tuple[str | None, list[str]]:
    """The criteria as one text (an exclusion field gets its heading if it has none), and the EU age groups
    marked yes that the EU register appends to its inclusion criteria ("Are the trial subjects under 18? no")."""
    groups: list[str] = []
    if inclusion and (tail := _AGE_TAIL.search(inclusion)):
        for line in inclusion[tail.start() :].split("\n"):
            m = _GROUP_FLAG.match(line.strip()) if len(line) < 300 else None
            if m and not m.group(1).lower().startswith("number of") and n.yes_no(m.group(2)):
                groups.append(m.group(1).strip())
        inclusion = inclusion[: tail.start()].rstrip() or None
    parts = [_unjoined(inclusion)]
    if exclusion:
        exclusion = _unjoined(exclusion)
        has_heading = re.match(r"\s*(?:\w+\s+){0,2}exclusion", exclusion or "", re.IGNORECASE)
        parts.append(exclusion if has_heading else f"Exclusion criteria:\n{exclusion}")
    return "\n\n".join(p for p in parts if p) or None, groups


def _unjoined(text: str | None) -> str | None:
    """Items joined on one line (CTIS: "...received.,2. A subject...") are put back on lines of their own."""
    return restore_breaks(text) if text and "\n" not in text else text


def _eligibility(f: dict[str, list[str]], criteria: str | None, groups: list[str]) -> dict[str, Any]:
    minimum, maximum = _one(f, "Inclusion_agemin"), _one(f, "Inclusion_agemax")
    gender = _block(f, "Inclusion_gender")
    flags = dict((label.lower(), value) for label, value in eu.flags_in_text(gender))
    sex = eu.sex_from_flags(flags.get("female"), flags.get("male")) if flags else _sex(gender)
    fields = eligibility_fields(minimum, maximum, sex, None, criteria)
    if maximum and maximum.rstrip().endswith("+"):
        fields["maximum_age_years"] = None  # "65+": the oldest group, open-ended
    if groups and minimum is None and maximum is None:
        low, high, low_raw, high_raw = eu.age_limits(groups)
        fields.update(minimum_age_years=low, maximum_age_years=high, minimum_age_raw=low_raw, maximum_age_raw=high_raw)
    return fields


def _sex(raw: str | None) -> str | None:
    """ "Both males and females" (ANZCTR) and the like, where the shared words do not say it."""
    if not raw or n.sex(raw):
        return raw
    words = set(re.findall(r"[a-z]+", raw.lower()))
    female, male = bool(words & {"female", "females", "women"}), bool(words & {"male", "males", "men"})
    return "all" if female and male else "female" if female else "male" if male else raw


def _outcome_parts(text: str | None) -> dict[str, Any]:
    """Outcome items; the EU register's labelled parts (objectives, end points, timepoints) read apart."""
    parts: dict[str, str | None] = {"objective": None, "secondary objective": None}
    if not text:
        return {**parts, "items": []}
    labels = list(_EU_PARTS.finditer(text))
    timepoint = None
    if labels and labels[0].start() < 5:
        for i, m in enumerate(labels):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
            body = text[m.end() : end].strip().rstrip(";").strip() or None
            label = m.group(1).lower()
            if label.startswith("main objective"):
                parts["objective"] = f"Main objective: {body}" if body else None
            elif label.startswith("secondary objective"):
                parts["secondary objective"] = f"Secondary objective: {body}" if body else None
            elif label.startswith("timepoint"):
                timepoint = n.clean(body)
            else:
                parts["end points"] = body
        text = parts.get("end points")
    items = []
    for chunk in _chunks(text):
        for measure, lead in list_items(chunk):
            when = timepoint
            if timepoint is None and (at := _TIMEPOINT.search(measure)) and at.start() > 0:
                measure, when = measure[: at.start()].rstrip(" ,;-"), n.clean(measure[at.end() :])
            items.append({"measure": measure, "time_frame": when, "description": lead})
    return {**parts, "items": items}


def _chunks(text: str | None) -> list[str]:
    """A ";"-joined run (one line) or lines ending in ";" are separate outcomes."""
    if not text:
        return []
    if "\n" not in text:
        return split_top_level(text, ";")
    return [p for p in re.split(r";[ \t]*\n", text) if p.strip()]


def _interventions(text: str | None) -> list[dict[str, Any]]:
    if not text:
        return []
    if len(_IMP_LABELS.findall(text)) >= 2:
        return _products(text)
    out = []
    parts = _chunks(text)
    if len(parts) == 1 and "\n\n" in text:  # arms or groups in paragraphs of their own (jRCT)
        parts = [p for p in text.split("\n\n") if p.strip()]
    lines = [line for line in text.split("\n") if line.strip()]
    if len(parts) == 1 and len(lines) > 1 and all(_CTRI_INTERVENTION.match(line) for line in lines):
        parts = lines  # CTRI: "Intervention1: ...", "Control Intervention1: ..." one per line
    for part in parts:
        kind, name, arm = None, part, None
        if m := _CTRI_INTERVENTION.match(part):
            arm, name = ("Control" if m.group(1) else None), part[m.end() :]
        if m := _TYPE.match(name):
            kind, name = n.code(m.group(1)), m.group(2)
        elif m := _ARM.match(name):
            arm, name = m.group(1), m.group(2)
        first, _, rest = name.strip().partition("\n")
        description = " ".join(p for p in (f"{arm} arm:" if arm else None, n.clean_block(rest)) if p) or None
        out.append({"type": kind, "name": n.clean(first) or "(unnamed)", "description": description})
    return out


def _products(text: str) -> list[dict[str, Any]]:
    """The EU register's product lists: "Product Name: X<br>Product Code: Y<br>..." per product, placebo after."""
    products: list[dict[str, str]] = []
    placebo: dict[str, str] = {}
    labels = list(_IMP_LABELS.finditer(text))
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        label = m.group(1).lower()
        value = n.clean(text[m.end() : end].strip().rstrip(",;")) or ""
        if "placebo" in label:
            placebo[label] = value
            continue
        if label in ("trade name", "product name") and (not products or label in products[-1]):
            products.append({})
        if not products:
            products.append({})
        products[-1].setdefault(label, value)
    out = []
    for product in products:
        names = [product.get(k) for k in ("product name", "trade name", "inn or proposed inn", "product code",
                                         "current sponsor code", "other descriptive name")]  # fmt: skip
        named = [x for x in dict.fromkeys(names) if x]
        if not named:
            continue
        form = product.get("pharmaceutical form")
        amount = " ".join(product.get(k, "") for k in ("concentration number", "concentration unit")).strip(" -")
        details = [f"Pharmaceutical form: {form}" if form else "", product.get("strength") or "", amount]
        out.append({"type": "DRUG", "name": named[0], "other_names": tuple(named[1:]),
                    "description": "; ".join(d for d in details if d) or None})  # fmt: skip
    if placebo:
        details = [f"Pharmaceutical form: {v}" if "form" in k else f"Route: {v}" for k, v in placebo.items() if v]
        out.append({"type": "DRUG", "name": "Placebo", "description": "; ".join(details) or None})
    return out


def _design(text: str | None) -> tuple[dict[str, Any], str | None]:
    """Design codes from the EU register's flags, or from design wording; the wording is kept."""
    if not text:
        return {}, None
    if re.search(r"\bControlled\s*:", text):  # the EU register's Yes/No flags, some perhaps left empty
        flags = eu.flags_in_text(text)
        return eu.design_from_flags({label.lower(): value for label, value in flags})[0], n.clean(text)
    return design_codes(text), n.clean(text)


def _contacts(f: dict[str, list[str]]) -> list[dict[str, Any]]:
    """ICTRP lists several contacts as parallel ";"-separated columns; they are read back row by row."""
    columns = [
        [n.clean(x) for x in (_one(f, tag) or "").split(";")]
        for tag in ("Contact_Firstname", "Contact_Lastname", "Contact_Email", "Contact_Tel", "Contact_Affiliation",
                    "Contact_Address")
    ]  # fmt: skip
    out: list[dict[str, Any]] = []
    for first, last, email, phone, affiliation, address in zip_longest(*columns):
        name = " ".join(p for p in (first, last) if p) or None
        place = ", ".join(p for p in (affiliation, address) if p) or None
        contact = {"name": name, "role": "CONTACT", "email": email, "phone": phone, "affiliation": place}
        if name or email or phone:
            out.append(contact)
    return _unique(out)


def _extra(
    f: dict[str, list[str]],
    countries: list[str],
    target: str | None,
    study_type: str | None,
    design: str | None,
    meddra: list[str],
    area: str | None,
    groups: list[str],
) -> dict[str, str]:
    ethics = [
        ": ".join(p for p in (label, (_one(f, tag) or "").replace("01/01/1900", "").strip("; ")) if p)
        for label, tag in (("Status", "Ethics_review_status"), ("Approved", "Ethics_review_approval_date"),
                           ("Contact", "Ethics_review_contact_name"), ("Address", "Ethics_review_contact_address"),
                           ("Phone", "Ethics_review_contact_phone"), ("E-mail", "Ethics_review_contact_email"))
        if (_one(f, tag) or "").replace("01/01/1900", "").strip("; ")
    ]  # fmt: skip
    exported = _one(f, "Export_date")
    plain_type = n.study_type(study_type)
    extra = {
        K.SOURCE_REGISTER: _one(f, "Source_Register"),
        K.RECORD_URL: _one(f, "web_address", "url"),
        K.COUNTRIES: "; ".join(countries) or None,
        K.TARGET_SIZE: target,
        K.STUDY_TYPE_AS_REGISTERED: study_type if study_type and study_type.upper() != plain_type else None,
        K.PATIENT_REGISTRY: "Yes" if study_type and "registry" in study_type.lower() else None,
        K.STUDY_DESIGN: design,
        K.AGE_GROUPS: ", ".join(groups) or None,
        K.MEDDRA_TERMS: "; ".join(meddra) or None,
        K.THERAPEUTIC_AREAS: area,
        K.RETROSPECTIVELY_REGISTERED: _one(f, "Retrospective_flag"),
        K.SOURCE_OF_SUPPORT: _one(f, "Source_Support"),
        K.ETHICS_REVIEW: "; ".join(ethics) or None,
        K.HAS_RESULTS: _one(f, "results_yes_no"),
        K.RESULTS_FIRST_POSTED: n.iso_date(_one(f, "results_date_posted")),
        K.RESULTS_URL: _one(f, "results_url_link"),
        K.LAST_REFRESHED: n.iso_date(_one(f, "Last_Refreshed_on")),
        K.DOWNLOADED: n.iso_date(exported.split(" ")[0]) if exported else None,
    }
    return {k: v for k, v in extra.items() if v}


FORMAT = Format(NAME, "WHO ICTRP XML export", score, parse, (".xml",))
