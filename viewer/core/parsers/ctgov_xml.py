"""ClinicalTrials.gov legacy XML (`<clinical_study>`): the 2008-2023 download layout and the older archive layout."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from viewer.core import extra_keys as K
from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.model import Study
from viewer.core.parsers.base import Format, make_study
from viewer.core.parsing.patterns import NCT_ANYWHERE
from viewer.core.parsing.xmlsafe import parse_xml

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

NAME = "ctgov-legacy-xml"
REGISTRY = "ClinicalTrials.gov"

_ENROLLMENT_TYPES = {"ACTUAL": "ACTUAL", "ANTICIPATED": "ESTIMATED", "ESTIMATE": "ESTIMATED", "ESTIMATED": "ESTIMATED"}
# Older wording the shared normalizers do not know yet, mapped to the API v2 codes.
_MASK_LEVELS = {"NONE", "SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"}
_DESIGN_CODES = ("allocation", "intervention_model", "primary_purpose", "observational_model", "time_perspective")
# The archive layout lists design terms one per <design> element without saying which facet each is.
_OLD_DESIGN_TERMS = {
    **dict.fromkeys(("RANDOMIZED", "NON_RANDOMIZED"), "allocation"),
    **dict.fromkeys(("SINGLE_GROUP", "PARALLEL", "CROSSOVER", "FACTORIAL", "SEQUENTIAL"), "intervention_model"),
    **dict.fromkeys(("TREATMENT", "PREVENTION", "DIAGNOSTIC", "SUPPORTIVE_CARE", "SCREENING",
                     "HEALTH_SERVICES_RESEARCH", "BASIC_SCIENCE"), "primary_purpose"),
    **dict.fromkeys(("COHORT", "CASE_CONTROL", "CASE_ONLY", "CASE_CROSSOVER", "ECOLOGIC_OR_COMMUNITY",
                     "FAMILY_BASED", "DEFINED_POPULATION", "NATURAL_HISTORY"), "observational_model"),
    **dict.fromkeys(("PROSPECTIVE", "RETROSPECTIVE", "CROSS_SECTIONAL"), "time_perspective"),
}  # fmt: skip
# Contact elements and the role each implies when it states none.
_SITE_ROLES = {"contact": "CONTACT", "contact_backup": "CONTACT_BACKUP", "investigator": None}
_CENTRAL_ROLES = {"overall_contact": "CONTACT", "overall_contact_backup": "CONTACT_BACKUP", "contact": "CONTACT"}
_OFFICIAL_ROLES: dict[str, str | None] = {"overall_official": None, "investigator": None}
_PARTY_NAME = ("investigator_full_name", "name_title", "responsible_party_type", "resp_party_type")
_PARTY_ORG = ("organization", "investigator_affiliation")
_REFS = (("reference", "BACKGROUND"), ("results_reference", "RESULT"), ("background/reference", "BACKGROUND"))
_EXPANDED_ACCESS = {
    "expanded_access_type_individual": "Individual patients",
    "expanded_access_type_intermediate": "Intermediate-size population",
    "expanded_access_type_treatment": "Treatment IND/protocol",
}


def score(head: str) -> int:
    return 90 if "<clinical_study" in head else 0


# Children of <clinical_study> that repeat; a hostile file may hold millions (bounded as they are read).
_REPEATED = {
    "location": "sites",
    "overall_official": "officials",
    "reference": "references",
    "intervention": "interventions",
    "arm_group": "arms",
    "condition": "conditions",
    "keyword": "keywords",
}


def parse(doc: Document) -> Iterator[Study]:
    warnings: list[str] = []
    root = parse_xml(doc, _REPEATED, warnings)
    if root.tag != "clinical_study":
        raise doc.fail(f"the XML root element is <{root.tag}>, not <clinical_study>")
    nct = _first(root, "id_info/nct_id", "study_id/nct_id")
    if not nct:
        # Archive versions saved before an NCT number was assigned leave it empty; the archive names its files by it.
        found = NCT_ANYWHERE.search(re.split(r"[\\/!]", doc.name)[-1])  # "!": a zip member
        if not found:
            raise doc.fail("the record has no NCT number (<nct_id> is missing or empty)")
        nct = found.group(0)
        warnings.append(f"the record states no NCT number; {nct} taken from the file name")
    fields = study_fields(root, nct)
    criteria = fields["eligibility"]["criteria_text"]
    if criteria and len(criteria) > doc.policy.max_text_chars:  # split again, from the part that is kept
        fields["eligibility"] = _eligibility(root, doc.cut(criteria, "eligibility criteria", warnings))
    yield make_study(doc, NAME, 0, fields, warnings)


def _node_text(el: Element | None) -> str | None:
    """Text of an element; the archive layout wraps most text in a <textblock> child."""
    if el is None:
        return None
    if not len(el):  # most elements are leaves: skip the search
        return el.text
    block = el.find("textblock")
    return (block if block is not None else el).text


def _find(el: Element, path: str) -> Element | None:
    """`el.find(path)` one tag at a time: plain tags are matched in C, paths go through slow ElementPath."""
    found = el
    for tag in path.split("/"):
        child = found.find(tag)
        if child is None:
            return None
        found = child
    return found


def _first(el: Element, *paths: str, tidy: Callable[[object], str | None] = n.clean) -> str | None:
    """The first non-empty value among paths (covers both layouts' spellings), one-line by default."""
    for path in paths:
        if value := tidy(_node_text(_find(el, path))):
            return value
    return None


def _block(el: Element, *paths: str) -> str | None:
    return _first(el, *paths, tidy=n.clean_block)


def _all(el: Element, path: str) -> tuple[str, ...]:
    return tuple(t for t in (n.clean(_node_text(c)) for c in el.iterfind(path)) if t)


def _int(raw: str | None) -> int | None:
    text = (raw or "").replace(",", "")
    return int(text) if text.isdigit() else None


def _date(el: Element, *paths: str) -> str | None:
    return n.iso_date(_first(el, *paths))


def _children(el: Element | None) -> dict[str, Element]:
    """First child of each tag, read in one pass: sites and contacts repeat by the thousand in big records."""
    out: dict[str, Element] = {}
    if el is not None:
        for child in el:
            out.setdefault(child.tag, child)
    return out


def _value(el: Element | None) -> str | None:
    """One-line text of an element (inlined: called for every field of every site and contact)."""
    if el is None:
        return None
    text = el.text if not len(el) else _node_text(el)
    return " ".join(text.split()) or None if text else None


def _contact(el: Element, role: str | None) -> dict[str, Any]:
    kids = _children(el)
    names = [_value(kids.get(tag)) for tag in ("first_name", "middle_name", "last_name")]
    name = " ".join(p for p in names if p) or _value(kids.get("name"))
    degrees = _value(kids.get("degrees"))
    phone, ext = _value(kids.get("phone")), _value(kids.get("phone_ext"))
    affiliation = kids.get("affiliation")
    return {
        "name": f"{name}, {degrees}" if name and degrees else name,
        "role": n.code(_value(kids.get("role"))) or role,
        "phone": f"{phone} ext. {ext}" if phone and ext else phone,
        "email": _value(kids.get("email")),
        "affiliation": (_value(_children(affiliation).get("agency")) or _value(affiliation))
        if affiliation is not None
        else None,
    }


def _people(parent: Element, roles: Mapping[str, str | None]) -> list[dict[str, Any]]:
    """Contacts in source order; a stated <role> wins over the one implied by the tag."""
    return [_contact(c, roles[c.tag]) for c in parent if c.tag in roles]


def _outcomes(root: Element, tag: str) -> list[dict[str, Any]]:
    return [
        {"measure": _first(o, "measure", ".") or "(no measure stated)", "time_frame": _first(o, "time_frame"),
         "description": _block(o, "description")}
        for o in root.iterfind(tag)
    ]  # fmt: skip


def _masking(raw: str) -> tuple[str | None, tuple[str, ...]]:
    level, who = n.masking(raw)
    return ("NONE" if level == "NO_MASKING" else level), who


def _design(root: Element, arms: int) -> tuple[dict[str, Any], dict[str, str | None]]:
    """Design facets from <study_design_info>, the free-text <study_design>, or archive <design> terms."""
    pairs: list[tuple[str, str | None]] = [(c.tag, c.text) for c in root.iterfind("study_design_info/*")]
    text = _first(root, "study_design")
    for part in re.split(r",\s*(?=[A-Z][A-Za-z /-]*:)", text or ""):
        key, _, value = part.partition(":")
        pairs.append(((n.enum_code(key) or "").lower(), value))
    for term in _all(root, "design"):
        code = n.code(term) or ""
        facet = _OLD_DESIGN_TERMS.get(code) or ("masking" if _masking(term)[0] in _MASK_LEVELS else None)
        pairs.append((facet or ("endpoint_classification" if code.endswith("_STUDY") else "other"), term))
    stated_arms = _int(_first(root, "number_of_arms", "number_of_groups"))
    design: dict[str, Any] = {"number_of_arms": stated_arms or arms or None}
    endpoints: list[str] = []
    others: list[str] = []
    for facet, raw in pairs:
        value = n.clean(raw)
        if not value:
            continue
        if facet == "masking":
            design["masking"], design["who_masked"] = _masking(value)
        elif facet in ("intervention_model_description", "masking_description"):
            design[facet] = n.clean_block(raw)
        elif facet in _DESIGN_CODES:
            design[facet] = n.code(value)
        else:
            (endpoints if facet == "endpoint_classification" else others).append(value)
    extra = {K.ENDPOINT_CLASSIFICATION: ", ".join(endpoints) or None, K.OTHER_DESIGN_TERMS: ", ".join(others) or None}
    return design, extra


def _references(root: Element) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = []
    for path, kind in _REFS:
        for r in root.iterfind(path):
            citation = _first(r, "citation")
            # A MEDLINE UI is not a PubMed id (90086934 vs PMID 2688428), so it stays in the citation.
            if ui := _first(r, "medline_ui"):
                citation = f"{citation} (MEDLINE UI {ui})" if citation else f"MEDLINE UI {ui}"
            refs.append({"citation": citation, "pmid": _first(r, "PMID"), "type": kind})
    for path, label in (("link", "description"), ("see_also", "annotation")):
        refs += [
            {"citation": _first(link, label), "url": _first(link, "url"), "type": "SEE_ALSO"}
            for link in root.iterfind(path)
        ]
    return refs


def _interventions(root: Element) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Interventions and arms; an arm's interventions are read off the interventions' arm labels, as v2 lists them."""
    interventions = []
    per_arm: dict[str, list[str]] = {}
    for i in root.iterfind("intervention"):
        kind, name = _first(i, "intervention_type", "intervent_type"), _first(i, "intervention_name", "primary_name")
        labels = _all(i, "arm_group_label")
        for label in labels:
            per_arm.setdefault(label, []).append(": ".join(p for p in (kind, name) if p))
        interventions.append(
            {"type": n.code(kind), "name": name or "(unnamed)", "description": _block(i, "description"),
             "other_names": _all(i, "other_name"), "arm_labels": labels}
        )  # fmt: skip
    arms = [
        {"label": label or "(unlabelled)", "type": n.code(_first(a, "arm_group_type", "arm_type")),
         "description": _block(a, "description"), "interventions": tuple(per_arm.get(label or "", ()))}
        for a in root.iterfind("arm_group")
        for label in [_first(a, "arm_group_label")]
    ]  # fmt: skip
    return interventions, arms


def _enrollment(root: Element) -> tuple[int | None, str | None]:
    element = root.find("enrollment")
    count = _int(_first(root, "enrollment"))
    kind = element.get("type") if element is not None else None
    if count is None:
        # The archive layout states only the planned size, inside <eligibility>.
        count, kind = _int(_first(root, "eligibility/expected_enrollment")), "Anticipated"
    return count, _ENROLLMENT_TYPES.get(n.enum_code(kind) or "") if count is not None else None


def _site(loc: Element) -> dict[str, Any]:
    kids = _children(loc)
    status = _value(kids.get("status"))
    facility = _children(kids.get("facility"))
    address = _children(facility.get("address"))
    return {
        "facility": _value(facility.get("name")),
        "city": _value(address.get("city")),
        "state": _value(address.get("state")),
        "zip": _value(address.get("zip")),
        "country": _value(address.get("country")),
        "status": n.status(status) or n.enum_code(status),
        "contacts": _people(loc, _SITE_ROLES),
    }


def _eligibility(root: Element, criteria: str | None = None) -> dict[str, Any]:
    criteria = criteria or _block(root, "eligibility/criteria")
    return eligibility_fields(
        _first(root, "eligibility/minimum_age"),
        _first(root, "eligibility/maximum_age"),
        _first(root, "eligibility/gender"),
        _first(root, "eligibility/healthy_volunteers"),
        criteria,
        _block(root, "eligibility/study_pop"),
    )


def study_fields(root: Element, nct: str) -> dict[str, Any]:
    """The model's fields from one <clinical_study> element, either layout."""
    secondary = [_first(root, "id_info/org_study_id", "study_id/org_study_id")]
    secondary += [_first(s, "id", ".") for s in root.iterfind("*/secondary_id")]
    secondary += _all(root, "id_info/nct_alias")
    interventions, arms = _interventions(root)
    design, design_extra = _design(root, len(arms))
    status = _first(root, "overall_status", "status_block/status")
    study_type = _first(root, "study_type")
    enrollment, enrollment_type = _enrollment(root)
    phases = [p for path in ("phase", "phase_block/phase") for raw in _all(root, path) for p in n.phases(raw)]
    return {
        "id": nct,
        "secondary_ids": tuple(dict.fromkeys(s for s in secondary if s and s != nct)),
        "registry": REGISTRY,
        "summary": {
            "brief_title": _first(root, "brief_title"),
            "official_title": _first(root, "official_title"),
            "acronym": _first(root, "acronym"),
            "overall_status": n.status(status),
            "overall_status_raw": status,
            "why_stopped": _block(root, "why_stopped", "status_block/why_stopped"),
            "phases": tuple(dict.fromkeys(phases)),
            "study_type": n.study_type(study_type),
            "sponsor": _first(root, "sponsors/lead_sponsor/agency", "study_sponsor/lead_sponsor/agency"),
            "collaborators": _all(root, "sponsors/collaborator/agency") + _all(root, "study_sponsor/sponsor/agency"),
            "conditions": _all(root, "condition"),
            "keywords": _all(root, "keyword"),
            "interventions": interventions,
            "enrollment": enrollment,
            "enrollment_type": enrollment_type,
            "start_date": _date(root, "start_date", "start_date/date"),
            "primary_completion_date": _date(root, "primary_completion_date", "primary_compl_date/date"),
            "completion_date": _date(root, "completion_date", "end_date/date"),
            "first_posted": _date(root, "study_first_posted", "firstreceived_date", "initial_release_date"),
            "last_update_posted": _date(root, "last_update_posted", "lastchanged_date", "last_release_date"),
            "brief_summary": _block(root, "brief_summary"),
            "detailed_description": _block(root, "detailed_description", "detailed_descr"),
        },
        "eligibility": _eligibility(root),
        "outcomes": {kind: _outcomes(root, f"{kind}_outcome") for kind in ("primary", "secondary", "other")},
        "sites": [_site(loc) for loc in root.iterfind("location")],
        "contacts": _people(root, _CENTRAL_ROLES),
        "officials": _people(root, _OFFICIAL_ROLES),
        "arms": arms,
        "design": design,
        "references": _references(root),
        "extra": {k: v for k, v in _extra(root, study_type, design_extra).items() if v},
    }


def _extra(root: Element, study_type: str | None, design: dict[str, str | None]) -> dict[str, str | None]:
    """Everything else worth showing, under the labels the API v2 parser uses where it has them."""
    party = root.find("responsible_party")
    party = party if party is not None else root.find("resp_party")
    download = _first(root, "required_header/download_date")
    authorities = _all(root, "oversight_info/authority") + _all(root, "oversight_info/regulatory_authority")
    access = [label for tag, label in _EXPANDED_ACCESS.items() if n.yes_no(_first(root, f"expanded_access_info/{tag}"))]
    docs = [
        ": ".join(p for p in (_first(d, "doc_type", "document_type"), _first(d, "doc_url", "document_url")) if p)
        for d in (*root.iterfind("study_docs/study_doc"), *root.iterfind("provided_document_section/provided_document"))
    ]
    return {
        K.ORGANIZATION_STUDY_ID: _first(root, "id_info/org_study_id", "study_id/org_study_id"),
        K.ORGANIZATION: _first(root, "study_id/org_full_name", "source"),
        K.STUDY_TYPE_AS_REGISTERED: study_type if n.study_type(study_type) is None else None,
        K.PATIENT_REGISTRY: "Yes" if study_type and "registry" in study_type.lower() else None,
        K.STATUS_VERIFIED: _date(root, "verification_date", "status_block/date"),
        K.LAST_KNOWN_STATUS: _first(root, "last_known_status"),
        K.FIRST_SUBMITTED: _date(root, "study_first_submitted"),
        K.LAST_UPDATE_SUBMITTED: _date(root, "last_update_submitted"),
        K.RESULTS_FIRST_POSTED: _date(root, "results_first_posted"),
        K.RESULTS_FIRST_SUBMITTED: _date(root, "results_first_submitted", "firstreceived_results_date"),
        K.HAS_RESULTS: "Yes" if root.find("clinical_results") is not None else None,
        K.LAST_FOLLOW_UP: _date(root, "last_follow_up_date/date"),
        K.LAST_DATA_ENTRY: _date(root, "last_data_entry_date/date"),
        K.RESPONSIBLE_PARTY: _first(party, *_PARTY_NAME) if party is not None else None,
        K.RESPONSIBLE_PARTY_ORGANIZATION: _first(party, *_PARTY_ORG) if party is not None else None,
        K.LEAD_SPONSOR_CLASS: _first(root, "sponsors/lead_sponsor/agency_class"),
        K.REGULATORY_AUTHORITIES: "; ".join(authorities) or None,
        K.HAS_DATA_MONITORING_COMMITTEE: _first(root, "oversight_info/has_dmc"),
        K.FDA_REGULATED: _first(root, "is_fda_regulated"),
        K.FDA_REGULATED_DRUG: _first(root, "oversight_info/is_fda_regulated_drug"),
        K.FDA_REGULATED_DEVICE: _first(root, "oversight_info/is_fda_regulated_device"),
        K.UNAPPROVED_DEVICE: _first(root, "oversight_info/is_unapproved_device"),
        K.PEDIATRIC_POSTMARKET_SURVEILLANCE: _first(root, "oversight_info/is_ppsd"),
        K.US_EXPORT: _first(root, "oversight_info/is_us_export"),
        K.FDAAA_SECTION_801_TRIAL: _first(root, "is_section_801"),
        K.DELAYED_POSTING: _first(root, "delayed_posting"),
        **design,
        K.TARGET_DURATION: _first(root, "target_duration"),
        K.SAMPLING_METHOD: _first(root, "eligibility/sampling_method"),
        K.ACCEPTS_PATIENTS: _first(root, "eligibility/patients"),
        K.GENDER_BASED: _first(root, "eligibility/gender_based"),
        K.GENDER_DESCRIPTION: _block(root, "eligibility/gender_description"),
        K.BIOSPECIMEN_RETENTION: _first(root, "biospec_retention"),
        K.BIOSPECIMEN_DESCRIPTION: _block(root, "biospec_descr"),
        K.HAS_EXPANDED_ACCESS: _first(root, "has_expanded_access"),
        K.EXPANDED_ACCESS_TYPES: ", ".join(access) or None,
        K.IPD_SHARING: _first(root, "patient_data/sharing_ipd"),
        K.IPD_SHARING_PLAN: _block(root, "patient_data/ipd_description"),
        K.IPD_INFORMATION_TYPES: ", ".join(_all(root, "patient_data/ipd_info_type")) or None,
        K.IPD_TIME_FRAME: _block(root, "patient_data/ipd_time_frame"),
        K.IPD_ACCESS_CRITERIA: _block(root, "patient_data/ipd_access_criteria"),
        K.IPD_URL: _first(root, "patient_data/ipd_url"),
        K.STUDY_DOCUMENTS: "; ".join(d for d in docs if d) or None,
        K.COUNTRIES: ", ".join(_all(root, "location_countries/country")) or None,
        K.REMOVED_COUNTRIES: ", ".join(_all(root, "removed_countries/country")) or None,
        K.CONDITION_MESH_TERMS: "; ".join(_all(root, "condition_browse/mesh_term")) or None,
        K.INTERVENTION_MESH_TERMS: "; ".join(_all(root, "intervention_browse/mesh_term")) or None,
        K.RECORD_URL: _first(root, "required_header/url"),
        K.DOWNLOADED: n.iso_date(download.rpartition(" on ")[2]) if download else None,
    }


FORMAT = Format(NAME, "ClinicalTrials.gov legacy XML", score, parse, (".xml",))
