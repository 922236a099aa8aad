"""ClinicalTrials.gov legacy XML (`<clinical_study>`): the 2008-2023 download layout and the older archive layout."""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as StdET
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import defusedxml
import defusedxml.ElementTree as SafeET

from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.formats import Format, make_study
from viewer.core.model import Study

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

NAME = "ctgov-legacy-xml"
REGISTRY = "ClinicalTrials.gov"

_DECLARED_ENCODING = re.compile(rb"^<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"']+)[\"']")
_DECLARATION_ENCODING = re.compile(r"^(<\?xml[^>]*?)\s+encoding\s*=\s*[\"'][^\"']*[\"']")
_TRUNCATED = ("no element found", "unclosed token", "unclosed CDATA section", "partial character")
_NCT = re.compile(r"NCT\d{8}")
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
_REFUSED = {
    defusedxml.EntitiesForbidden: "XML declares entities, which are refused for safety",
    defusedxml.ExternalReferenceForbidden: "XML refers to an external resource, which is refused for safety",
    defusedxml.DTDForbidden: "XML has a document type declaration, which is refused for safety",
}
_EXPANDED_ACCESS = {
    "expanded_access_type_individual": "Individual patients",
    "expanded_access_type_intermediate": "Intermediate-size population",
    "expanded_access_type_treatment": "Treatment IND/protocol",
}


def detect(doc: Document) -> bool:
    return "<clinical_study" in doc.head


def parse(doc: Document) -> list[Study]:
    root = _root(doc)
    if root.tag != "clinical_study":
        raise doc.fail(f"the XML root element is <{root.tag}>, not <clinical_study>")
    warnings = []
    nct = _first(root, "id_info/nct_id", "study_id/nct_id")
    if not nct:
        # Archive versions saved before an NCT number was assigned leave it empty; the archive names its files by it.
        found = _NCT.search(re.split(r"[\\/!]", doc.name)[-1])  # "!": a zip member
        if not found:
            raise doc.fail("the record has no NCT number (<nct_id> is missing or empty)")
        nct = found.group(0)
        warnings.append(f"the record states no NCT number; {nct} taken from the file name")
    return [make_study(doc, NAME, 0, study_fields(root, nct), warnings)]


def _root(doc: Document) -> Element:
    """Parse safely; every failure becomes a ParseError with a plain reason.

    Entities can only be declared in a document type declaration. Where the bytes are in an encoding
    that shows markup literally and hold no DOCTYPE at all, there is nothing to expand or fetch, so
    the standard library's C parser reads them (several times faster); anything else goes through
    defusedxml, which refuses entity declarations and external references.
    """
    data = _xml_bytes(doc)
    try:
        if _plain(data):
            return StdET.fromstring(data)
        return SafeET.fromstring(data, forbid_dtd=False)  # type: ignore[no-any-return]
    except defusedxml.DefusedXmlException as exc:
        reason = _REFUSED.get(type(exc), f"XML uses a construct refused for safety ({type(exc).__name__})")
        raise doc.fail(reason) from None
    except SafeET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).rsplit(": line", 1)[0]
        hint = "; the file ends early (truncated?)" if reason.startswith(_TRUNCATED) else ""
        raise doc.fail(f"not well-formed XML ({reason} at line {line}, column {column + 1}){hint}") from None
    except (ValueError, LookupError) as exc:
        raise doc.fail(f"XML could not be read ({exc})") from None


def _xml_bytes(doc: Document) -> bytes:
    """The bytes for expat: as stored when it can honour them, else the text the Document decoded."""
    data = doc.data.lstrip(b" \t\r\n")  # a declaration after blank lines is an XML error; tolerate it
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower().replace(b"-", b"") not in (b"utf8", b"utf16", b"utf32"):
        # Expat honours a declared single-byte encoding, so the Windows-1252 guess made while sniffing
        # the format does not describe this file.
        doc.retract_encoding_guess()
        return data
    if not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in data[:4096]:
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            pass
    # A byte-order mark, UTF-16 without one, or bytes that are not the UTF-8 they claim (re-saved in
    # Windows): the Document decoder has read them and noted any guess, so parse its text instead.
    return _DECLARATION_ENCODING.sub(r"\1", doc.text.lstrip(" \t\r\n")).encode("utf-8")


_PLAIN_ENCODINGS = {
    b"utf-8",
    b"utf8",
    b"us-ascii",
    b"ascii",
    b"iso-8859-1",
    b"latin-1",
    b"latin1",
    b"windows-1252",
    b"cp1252",
}


def _plain(data: bytes) -> bool:
    """No DOCTYPE (so no entity can be declared) in bytes whose markup is plain ASCII."""
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared.group(1).lower() not in _PLAIN_ENCODINGS:
        return False
    return b"<!DOCTYPE" not in data and b"<!ENTITY" not in data and not data.startswith((b"\xfe\xff", b"\xff\xfe"))


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
    extra = {"Endpoint classification": ", ".join(endpoints) or None, "Other design terms": ", ".join(others) or None}
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


def _eligibility(root: Element) -> dict[str, Any]:
    criteria = _block(root, "eligibility/criteria")
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
        "Organization study ID": _first(root, "id_info/org_study_id", "study_id/org_study_id"),
        "Organization": _first(root, "study_id/org_full_name", "source"),
        "Study type": study_type if n.study_type(study_type) is None else None,
        "Patient registry": "Yes" if study_type and "registry" in study_type.lower() else None,
        "Status verified": _date(root, "verification_date", "status_block/date"),
        "Last known status": _first(root, "last_known_status"),
        "First submitted": _date(root, "study_first_submitted"),
        "Last update submitted": _date(root, "last_update_submitted"),
        "Results first posted": _date(root, "results_first_posted"),
        "Results first submitted": _date(root, "results_first_submitted", "firstreceived_results_date"),
        "Has results": "Yes" if root.find("clinical_results") is not None else None,
        "Last follow-up": _date(root, "last_follow_up_date/date"),
        "Last data entry": _date(root, "last_data_entry_date/date"),
        "Responsible party": _first(party, *_PARTY_NAME) if party is not None else None,
        "Responsible party organization": _first(party, *_PARTY_ORG) if party is not None else None,
        "Lead sponsor class": _first(root, "sponsors/lead_sponsor/agency_class"),
        "Regulatory authorities": "; ".join(authorities) or None,
        "Has data monitoring committee": _first(root, "oversight_info/has_dmc"),
        "FDA-regulated": _first(root, "is_fda_regulated"),
        "FDA-regulated drug": _first(root, "oversight_info/is_fda_regulated_drug"),
        "FDA-regulated device": _first(root, "oversight_info/is_fda_regulated_device"),
        "Unapproved device": _first(root, "oversight_info/is_unapproved_device"),
        "Pediatric postmarket surveillance": _first(root, "oversight_info/is_ppsd"),
        "Product exported from the U.S.": _first(root, "oversight_info/is_us_export"),
        "FDAAA section 801 trial": _first(root, "is_section_801"),
        "Delayed posting": _first(root, "delayed_posting"),
        **design,
        "Target duration": _first(root, "target_duration"),
        "Sampling method": _first(root, "eligibility/sampling_method"),
        "Accepts patients": _first(root, "eligibility/patients"),
        "Gender based": _first(root, "eligibility/gender_based"),
        "Gender description": _block(root, "eligibility/gender_description"),
        "Biospecimen retention": _first(root, "biospec_retention"),
        "Biospecimen description": _block(root, "biospec_descr"),
        "Has expanded access": _first(root, "has_expanded_access"),
        "Expanded access types": ", ".join(access) or None,
        "IPD sharing": _first(root, "patient_data/sharing_ipd"),
        "IPD sharing plan": _block(root, "patient_data/ipd_description"),
        "IPD information types": ", ".join(_all(root, "patient_data/ipd_info_type")) or None,
        "IPD time frame": _block(root, "patient_data/ipd_time_frame"),
        "IPD access criteria": _block(root, "patient_data/ipd_access_criteria"),
        "IPD URL": _first(root, "patient_data/ipd_url"),
        "Study documents": "; ".join(d for d in docs if d) or None,
        "Countries": ", ".join(_all(root, "location_countries/country")) or None,
        "Removed countries": ", ".join(_all(root, "removed_countries/country")) or None,
        "Condition MeSH terms": "; ".join(_all(root, "condition_browse/mesh_term")) or None,
        "Intervention MeSH terms": "; ".join(_all(root, "intervention_browse/mesh_term")) or None,
        "Record URL": _first(root, "required_header/url"),
        "Downloaded": n.iso_date(download.rpartition(" on ")[2]) if download else None,
    }


FORMAT = Format(NAME, "ClinicalTrials.gov legacy XML", detect, parse, (".xml",))
