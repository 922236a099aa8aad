"""ClinicalTrials.gov API v2 JSON: one study, a {"studies": [...]} page, or a list of studies."""

from __future__ import annotations

from typing import Any

from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.formats import Format, make_study
from viewer.core.model import Study

NAME = "ctgov-api-v2-json"
REGISTRY = "ClinicalTrials.gov"


def detect(doc: Document) -> bool:
    # The whole text, not just the head: a record saved with sorted keys puts protocolSection late.
    return doc.head[:1] in "{[" and '"protocolSection"' in doc.text


def parse(doc: Document) -> list[Study]:
    data = doc.json()
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        records = data["studies"]
    elif isinstance(data, list):
        records = data
    else:
        records = [data]
    studies = []
    for index, record in enumerate(records):
        if not isinstance(record, dict) or not isinstance(record.get("protocolSection"), dict):
            raise doc.fail(f"record {index + 1} has no protocolSection")
        studies.append(make_study(doc, NAME, index, study_fields(record, doc.name)))
    return studies


def _text(value: Any) -> str | None:
    """v2 text fields are markdown with backslash escapes; the model keeps the plain wording."""
    if value is None:
        return None
    return n.clean_block(n.unescape_markdown(str(value)))


def _texts(values: Any) -> tuple[str, ...]:
    return tuple(t for t in (n.clean(v) for v in values or ()) if t)


def _phone(contact: dict[str, Any]) -> str | None:
    phone = n.clean(contact.get("phone"))
    ext = n.clean(contact.get("phoneExt"))
    return f"{phone} ext. {ext}" if phone and ext else phone


def _contact(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": n.clean(c.get("name")),
        "role": n.clean(c.get("role")),
        "phone": _phone(c),
        "email": n.clean(c.get("email")),
        "affiliation": n.clean(c.get("affiliation")),
    }


def _outcomes(items: Any) -> list[dict[str, Any]]:
    return [
        {"measure": _text(o.get("measure")) or "(no measure stated)", "time_frame": _text(o.get("timeFrame")),
         "description": _text(o.get("description"))}
        for o in items or ()
    ]  # fmt: skip


def study_fields(record: dict[str, Any], name: str) -> dict[str, Any]:
    """The model's fields from one v2 study object (shared with formats that embed v2 records)."""
    p = record["protocolSection"]
    ident = p.get("identificationModule") or {}
    status = p.get("statusModule") or {}
    sponsors = p.get("sponsorCollaboratorsModule") or {}
    desc = p.get("descriptionModule") or {}
    conds = p.get("conditionsModule") or {}
    design = p.get("designModule") or {}
    info = design.get("designInfo") or {}
    masking = info.get("maskingInfo") or {}
    arms_mod = p.get("armsInterventionsModule") or {}
    elig = p.get("eligibilityModule") or {}
    outcomes = p.get("outcomesModule") or {}
    contacts = p.get("contactsLocationsModule") or {}
    refs = p.get("referencesModule") or {}
    oversight = p.get("oversightModule") or {}
    ipd = p.get("ipdSharingStatementModule") or {}
    nct = n.clean(ident.get("nctId"))
    if not nct:
        raise ParseError(name, "study has no nctId")
    secondary = [n.clean((ident.get("orgStudyIdInfo") or {}).get("id"))]
    secondary += [n.clean(s.get("id")) for s in ident.get("secondaryIdInfos") or ()]
    secondary += [n.clean(a) for a in ident.get("nctIdAliases") or ()]
    enrollment = design.get("enrollmentInfo") or {}
    criteria = elig.get("eligibilityCriteria")
    interventions = [
        {"type": n.clean(i.get("type")), "name": n.clean(i.get("name")) or "(unnamed)",
         "description": _text(i.get("description")), "other_names": _texts(i.get("otherNames")),
         "arm_labels": _texts(i.get("armGroupLabels"))}
        for i in arms_mod.get("interventions") or ()
    ]  # fmt: skip
    extra = {
        "Organization study ID": n.clean((ident.get("orgStudyIdInfo") or {}).get("id")),
        "Organization": n.clean((ident.get("organization") or {}).get("fullName")),
        "Status verified": n.iso_date(status.get("statusVerifiedDate")),
        "Last known status": n.clean(status.get("lastKnownStatus")),
        "First submitted": n.iso_date(status.get("studyFirstSubmitDate")),
        "Results first posted": n.iso_date((status.get("resultsFirstPostDateStruct") or {}).get("date")),
        "Has results": "Yes" if record.get("hasResults") else None,
        "Responsible party": n.clean(
            (sponsors.get("responsibleParty") or {}).get("investigatorFullName")
            or (sponsors.get("responsibleParty") or {}).get("type")
        ),
        "Last update submitted": n.iso_date(status.get("lastUpdateSubmitDate")),
        "Results first submitted": n.iso_date(status.get("resultsFirstSubmitDate")),
        "Start date type": n.clean((status.get("startDateStruct") or {}).get("type")),
        "Primary completion date type": n.clean((status.get("primaryCompletionDateStruct") or {}).get("type")),
        "Completion date type": n.clean((status.get("completionDateStruct") or {}).get("type")),
        "Responsible party title": n.clean((sponsors.get("responsibleParty") or {}).get("investigatorTitle")),
        "Responsible party organization": n.clean(
            (sponsors.get("responsibleParty") or {}).get("investigatorAffiliation")
        ),
        "Lead sponsor class": n.clean((sponsors.get("leadSponsor") or {}).get("class")),
        "Secondary IDs": "; ".join(
            " ".join(p for p in (n.clean(s.get("id")), _paren(s.get("type"), s.get("domain"))) if p)
            for s in ident.get("secondaryIdInfos") or ()
        )
        or None,
        "Unapproved device": _yes(oversight.get("isUnapprovedDevice")),
        "Pediatric postmarket surveillance": _yes(oversight.get("isPpsd")),
        "Product exported from the U.S.": _yes(oversight.get("isUsExport")),
        "Patient registry": _yes(design.get("patientRegistry")),
        "Biospecimen retention": n.clean((design.get("bioSpec") or {}).get("retention")),
        "Biospecimen description": _text((design.get("bioSpec") or {}).get("description")),
        "Gender based": _yes(elig.get("genderBased")),
        "Gender description": _text(elig.get("genderDescription")),
        "Has expanded access": _yes((status.get("expandedAccessInfo") or {}).get("hasExpandedAccess")),
        "Expanded access record": n.clean((status.get("expandedAccessInfo") or {}).get("nctId")),
        "IPD information types": ", ".join(ipd.get("infoTypes") or ()) or None,
        "IPD time frame": _text(ipd.get("timeFrame")),
        "IPD access criteria": _text(ipd.get("accessCriteria")),
        "IPD URL": n.clean(ipd.get("url")),
        "Available IPD": "; ".join(
            ": ".join(p for p in (n.clean(a.get("type")), n.clean(a.get("url"))) if p)
            for a in refs.get("availIpds") or ()
        )
        or None,
        "Sampling method": n.clean(elig.get("samplingMethod")),
        "Standard age groups": ", ".join(elig.get("stdAges") or ()) or None,
        "Has data monitoring committee": _yes(oversight.get("oversightHasDmc")),
        "FDA-regulated drug": _yes(oversight.get("isFdaRegulatedDrug")),
        "FDA-regulated device": _yes(oversight.get("isFdaRegulatedDevice")),
        "IPD sharing": n.clean(ipd.get("ipdSharing")),
        "IPD sharing plan": _text(ipd.get("description")),
        "Target duration": n.clean(design.get("targetDuration")),
        "Condition MeSH terms": _mesh(record, "conditionBrowseModule"),
        "Intervention MeSH terms": _mesh(record, "interventionBrowseModule"),
    }
    return {
        "id": nct,
        "secondary_ids": tuple(dict.fromkeys(s for s in secondary if s and s != nct)),
        "registry": REGISTRY,
        "summary": {
            "brief_title": n.clean(ident.get("briefTitle")),
            "official_title": n.clean(ident.get("officialTitle")),
            "acronym": n.clean(ident.get("acronym")),
            "overall_status": n.status(status.get("overallStatus")),
            "overall_status_raw": n.clean(status.get("overallStatus")),
            "why_stopped": _text(status.get("whyStopped")),
            "phases": tuple(p for raw in design.get("phases") or () for p in n.phases(raw)),
            "study_type": n.study_type(design.get("studyType")),
            "sponsor": n.clean((sponsors.get("leadSponsor") or {}).get("name")),
            "collaborators": _texts(c.get("name") for c in sponsors.get("collaborators") or ()),
            "conditions": _texts(conds.get("conditions")),
            "keywords": _texts(conds.get("keywords")),
            "interventions": interventions,
            "enrollment": enrollment.get("count"),
            "enrollment_type": n.clean(enrollment.get("type")),
            "start_date": n.iso_date((status.get("startDateStruct") or {}).get("date")),
            "primary_completion_date": n.iso_date((status.get("primaryCompletionDateStruct") or {}).get("date")),
            "completion_date": n.iso_date((status.get("completionDateStruct") or {}).get("date")),
            "first_posted": n.iso_date((status.get("studyFirstPostDateStruct") or {}).get("date")),
            "last_update_posted": n.iso_date((status.get("lastUpdatePostDateStruct") or {}).get("date")),
            "brief_summary": _text(desc.get("briefSummary")),
            "detailed_description": _text(desc.get("detailedDescription")),
        },
        "eligibility": eligibility_fields(
            n.clean(elig.get("minimumAge")),
            n.clean(elig.get("maximumAge")),
            elig.get("sex"),
            elig.get("healthyVolunteers"),
            criteria if criteria and criteria.strip() else None,
            _text(elig.get("studyPopulation")),
            markdown=True,
        ),
        "outcomes": {
            "primary": _outcomes(outcomes.get("primaryOutcomes")),
            "secondary": _outcomes(outcomes.get("secondaryOutcomes")),
            "other": _outcomes(outcomes.get("otherOutcomes")),
        },
        "sites": [
            {
                "facility": n.clean(loc.get("facility")),
                "city": n.clean(loc.get("city")),
                "state": n.clean(loc.get("state")),
                "zip": n.clean(loc.get("zip")),
                "country": n.clean(loc.get("country")),
                "status": n.clean(loc.get("status")),
                "contacts": [_contact(c) for c in loc.get("contacts") or ()],
            }
            for loc in contacts.get("locations") or ()
        ],
        "contacts": [_contact(c) for c in contacts.get("centralContacts") or ()],
        "officials": [_contact(c) for c in contacts.get("overallOfficials") or ()],
        "arms": [
            {
                "label": n.clean(a.get("label")) or "(unlabelled)",
                "type": n.clean(a.get("type")),
                "description": _text(a.get("description")),
                "interventions": _texts(a.get("interventionNames")),
            }
            for a in arms_mod.get("armGroups") or ()
        ],
        "design": {
            "allocation": n.clean(info.get("allocation")),
            "intervention_model": n.clean(info.get("interventionModel")),
            "intervention_model_description": _text(info.get("interventionModelDescription")),
            "primary_purpose": n.clean(info.get("primaryPurpose")),
            "masking": n.clean(masking.get("masking")),
            "masking_description": _text(masking.get("maskingDescription")),
            "who_masked": _texts(masking.get("whoMasked")),
            "observational_model": n.clean(info.get("observationalModel")),
            "time_perspective": n.clean(info.get("timePerspective")),
            "number_of_arms": len(arms_mod.get("armGroups") or ()) or None,
        },
        "references": [
            {"citation": _text(r.get("citation")), "pmid": n.clean(r.get("pmid")), "type": n.clean(r.get("type"))}
            for r in refs.get("references") or ()
        ]
        + [
            {"citation": n.clean(link.get("label")), "url": n.clean(link.get("url")), "type": "SEE_ALSO"}
            for link in refs.get("seeAlsoLinks") or ()
        ],
        "extra": {k: v for k, v in extra.items() if v},
    }


def _paren(*parts: Any) -> str | None:
    inner = ", ".join(t for t in (n.clean(p) for p in parts) if t)
    return f"({inner})" if inner else None


def _yes(value: Any) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def _mesh(record: dict[str, Any], module: str) -> str | None:
    meshes = ((record.get("derivedSection") or {}).get(module) or {}).get("meshes") or ()
    return "; ".join(t for t in (n.clean(m.get("term")) for m in meshes) if t) or None


FORMAT = Format(NAME, "ClinicalTrials.gov API v2 JSON", detect, parse, (".json",))
