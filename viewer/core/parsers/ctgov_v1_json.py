"""Retired ClinicalTrials.gov API v1 ("classic") JSON: {"FullStudiesResponse": ...} pages and {"FullStudy": ...}."""

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
from viewer.core.parsing.jsonshape import Reader
from viewer.core.parsing.jsonstream import iter_array

NAME = "ctgov-api-v1-json"
REGISTRY = "ClinicalTrials.gov"
_PAGE = ("FullStudiesResponse", "FullStudies")
# v1 states date and enrollment types in the old words; v2 says ESTIMATED where v1 said Anticipated.
_TYPES = {"ACTUAL": "ACTUAL", "ANTICIPATED": "ESTIMATED", "ESTIMATE": "ESTIMATED", "ESTIMATED": "ESTIMATED"}
_BLANK_LINES = re.compile(r"\n[ \t\r]*\n")
_BULLET = re.compile(r"^(?:[-*•·o]\s|\d{1,3}[.)]\s)")
_EXPANDED_ACCESS = (
    ("ExpAccTypeIndividual", "Individual patients"),
    ("ExpAccTypeIntermediate", "Intermediate-size population"),
    ("ExpAccTypeTreatment", "Treatment IND/protocol"),
)


def score(head: str) -> int:
    if head[:1] not in "{[":
        return 0
    if '"FullStudiesResponse"' in head or '"FullStudy"' in head:
        return 95
    return 85 if '"ProtocolSection"' in head and '"IdentificationModule"' in head else 0


def parse(doc: Document) -> Iterator[Study]:
    records = iter_array(doc, _PAGE)
    if records is None:
        records = iter(_records(doc, doc.json()))
    for index, record in enumerate(records):
        study = record.get("Study", record) if isinstance(record, dict) else None
        if not isinstance(study, dict) or not isinstance(study.get("ProtocolSection"), dict):
            raise doc.fail(f"record {index + 1} has no ProtocolSection")
        warnings: list[str] = []
        yield make_study(doc, NAME, index, study_fields(study, doc, warnings), warnings)


def _records(doc: Document, data: Any) -> list[Any]:
    """The study records of a document read whole: one FullStudy, a bare Study, or a list of them."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise doc.fail("not a ClinicalTrials.gov API v1 record (the JSON is not an object)")
    if "FullStudiesResponse" in data:
        page = data["FullStudiesResponse"]
        found = page.get("FullStudies") if isinstance(page, dict) else None
        if found is None:
            return []
        return found if isinstance(found, list) else [found]
    return [data.get("FullStudy", data)]


def study_fields(study: dict[str, Any], doc: Document, warnings: list[str]) -> dict[str, Any]:
    """The model's fields from one v1 Study object; odd shapes become warnings, never exceptions."""
    return _Study(Reader(warnings), doc, warnings).fields(study)


class _Study:
    """Reads one v1 record: the v2 parser's fields, from v1's CamelCase keys and older wording."""

    def __init__(self, read: Reader, doc: Document, warnings: list[str]) -> None:
        self.r = read
        self.doc = doc
        self.warnings = warnings

    def one(self, parent: Any, key: str) -> str | None:
        return n.clean(self.r.text(parent, key))

    def block(self, parent: Any, key: str) -> str | None:
        return n.clean_block(self.r.text(parent, key))

    def code(self, parent: Any, key: str) -> str | None:
        return n.code(self.one(parent, key))

    def listed(self, parent: Any, key: str, item: str) -> tuple[str, ...]:
        """`{"ConditionList": {"Condition": [...]}}`: v1 wraps every list in an object named for it."""
        return tuple(t for t in (n.clean(v) for v in self.r.texts(self.r.obj(parent, key), item)) if t)

    def objs(self, parent: Any, key: str, item: str, what: str) -> list[dict[str, Any]]:
        return list(self.doc.take(self.r.objs(self.r.obj(parent, key), item), what, self.warnings))

    def date(self, parent: Any, key: str) -> str | None:
        return n.iso_date(self.one(self.r.obj(parent, f"{key}Struct"), key))

    def date_type(self, parent: Any, key: str) -> str | None:
        raw = self.one(self.r.obj(parent, f"{key}Struct"), f"{key}Type")
        return _TYPES.get(n.enum_code(raw) or "", raw) if raw else None

    def contact(self, c: dict[str, Any], prefix: str) -> dict[str, Any]:
        phone, ext = self.one(c, f"{prefix}Phone"), self.one(c, f"{prefix}PhoneExt")
        return {
            "name": self.one(c, f"{prefix}Name"),
            "role": self.code(c, f"{prefix}Role"),
            "phone": f"{phone} ext. {ext}" if phone and ext else phone,
            "email": self.one(c, f"{prefix}EMail"),
            "affiliation": self.one(c, f"{prefix}Affiliation"),
        }

    def outcomes(self, module: Any, kind: str) -> list[dict[str, Any]]:
        return [
            {"measure": self.block(o, f"{kind}OutcomeMeasure") or "(no measure stated)",
             "time_frame": self.block(o, f"{kind}OutcomeTimeFrame"),
             "description": self.block(o, f"{kind}OutcomeDescription")}
            for o in self.objs(module, f"{kind}OutcomeList", f"{kind}Outcome", f"outcomes.{kind.lower()}")
        ]  # fmt: skip

    def site(self, loc: dict[str, Any]) -> dict[str, Any]:
        status = self.one(loc, "LocationStatus")
        return {
            "facility": self.one(loc, "LocationFacility"),
            "city": self.one(loc, "LocationCity"),
            "state": self.one(loc, "LocationState"),
            "zip": self.one(loc, "LocationZip"),
            "country": self.one(loc, "LocationCountry"),
            "status": n.status(status) or n.enum_code(status),
            "contacts": [
                self.contact(c, "LocationContact")
                for c in self.objs(loc, "LocationContactList", "LocationContact", "site contacts")
            ],
        }

    def eligibility(self, elig: dict[str, Any], criteria: str | None) -> dict[str, Any]:
        fields = eligibility_fields(
            self.one(elig, "MinimumAge"),
            self.one(elig, "MaximumAge"),
            self.one(elig, "Gender"),
            self.one(elig, "HealthyVolunteers"),
            _marked_lists(criteria),
            self.block(elig, "StudyPopulation"),
        )
        fields["criteria_text"] = criteria
        return fields

    def mesh(self, study: dict[str, Any], module: str, kind: str) -> str | None:
        browse = self.r.obj(self.r.obj(study, "DerivedSection"), module)
        terms = (
            self.one(m, f"{kind}MeshTerm") for m in self.r.objs(self.r.obj(browse, f"{kind}MeshList"), f"{kind}Mesh")
        )
        return "; ".join(t for t in terms if t) or None

    def fields(self, study: dict[str, Any]) -> dict[str, Any]:
        r = self.r
        p = r.obj(study, "ProtocolSection")
        ident, status = r.obj(p, "IdentificationModule"), r.obj(p, "StatusModule")
        sponsors, desc = r.obj(p, "SponsorCollaboratorsModule"), r.obj(p, "DescriptionModule")
        conds, design = r.obj(p, "ConditionsModule"), r.obj(p, "DesignModule")
        info = r.obj(design, "DesignInfo")
        masking = r.obj(info, "DesignMaskingInfo")
        arms_mod, elig = r.obj(p, "ArmsInterventionsModule"), r.obj(p, "EligibilityModule")
        outcomes, locations = r.obj(p, "OutcomesModule"), r.obj(p, "ContactsLocationsModule")
        refs, oversight = r.obj(p, "ReferencesModule"), r.obj(p, "OversightModule")
        ipd = r.obj(p, "IPDSharingStatementModule")
        party, lead = r.obj(sponsors, "ResponsibleParty"), r.obj(sponsors, "LeadSponsor")
        access, biospec = r.obj(status, "ExpandedAccessInfo"), r.obj(design, "BioSpec")
        enrollment = r.obj(design, "EnrollmentInfo")
        nct = self.one(ident, "NCTId")
        if not nct:
            raise self.doc.fail("study has no NCTId")
        org_id = self.one(r.obj(ident, "OrgStudyIdInfo"), "OrgStudyId")
        secondary_infos = r.objs(r.obj(ident, "SecondaryIdInfoList"), "SecondaryIdInfo")
        secondary = [
            org_id,
            *(self.one(s, "SecondaryId") for s in secondary_infos),
            *self.listed(ident, "NCTIdAliasList", "NCTIdAlias"),
        ]
        criteria = r.text(elig, "EligibilityCriteria")
        criteria = (
            self.doc.cut(criteria, "eligibility criteria", self.warnings) if criteria and criteria.strip() else None
        )
        arm_groups = self.objs(arms_mod, "ArmGroupList", "ArmGroup", "arms")
        level, who_masked = n.masking(self.one(masking, "DesignMasking"))
        enrollment_type = self.one(enrollment, "EnrollmentType")
        expanded = [
            label for key, label in _EXPANDED_ACCESS if n.yes_no(self.one(r.obj(design, "ExpandedAccessTypes"), key))
        ]
        large_docs = r.obj(r.obj(r.obj(study, "DocumentSection"), "LargeDocumentModule"), "LargeDocList")
        docs = [
            ": ".join(x for x in (self.one(d, "LargeDocLabel"), self.one(d, "LargeDocFilename")) if x)
            for d in r.objs(large_docs, "LargeDoc")
        ]
        extra = {
            K.ORGANIZATION_STUDY_ID: org_id,
            K.ORGANIZATION: self.one(r.obj(ident, "Organization"), "OrgFullName"),
            K.STATUS_VERIFIED: n.iso_date(self.one(status, "StatusVerifiedDate")),
            K.LAST_KNOWN_STATUS: n.status(self.one(status, "LastKnownStatus")) or self.one(status, "LastKnownStatus"),
            K.DELAYED_POSTING: self.one(status, "DelayedPosting"),
            K.FIRST_SUBMITTED: n.iso_date(self.one(status, "StudyFirstSubmitDate")),
            K.RESULTS_FIRST_POSTED: self.date(status, "ResultsFirstPostDate"),
            K.HAS_RESULTS: "Yes" if isinstance(study.get("ResultsSection"), dict) else None,
            K.RESPONSIBLE_PARTY: self.one(party, "ResponsiblePartyInvestigatorFullName")
            or self.code(party, "ResponsiblePartyType"),
            K.LAST_UPDATE_SUBMITTED: n.iso_date(self.one(status, "LastUpdateSubmitDate")),
            K.RESULTS_FIRST_SUBMITTED: n.iso_date(self.one(status, "ResultsFirstSubmitDate")),
            K.START_DATE_TYPE: self.date_type(status, "StartDate"),
            K.PRIMARY_COMPLETION_DATE_TYPE: self.date_type(status, "PrimaryCompletionDate"),
            K.COMPLETION_DATE_TYPE: self.date_type(status, "CompletionDate"),
            K.RESPONSIBLE_PARTY_TITLE: self.one(party, "ResponsiblePartyInvestigatorTitle"),
            K.RESPONSIBLE_PARTY_ORGANIZATION: self.one(party, "ResponsiblePartyInvestigatorAffiliation")
            or self.one(party, "ResponsiblePartyOldOrganization"),
            K.LEAD_SPONSOR_CLASS: self.one(lead, "LeadSponsorClass"),
            K.SECONDARY_IDS: "; ".join(
                " ".join(
                    x for x in (self.one(s, "SecondaryId"), self._paren(s, "SecondaryIdType", "SecondaryIdDomain")) if x
                )
                for s in secondary_infos
            )
            or None,
            K.UNAPPROVED_DEVICE: self.one(oversight, "IsUnapprovedDevice"),
            K.PEDIATRIC_POSTMARKET_SURVEILLANCE: self.one(oversight, "IsPPSD"),
            K.US_EXPORT: self.one(oversight, "IsUSExport"),
            K.PATIENT_REGISTRY: self.one(design, "PatientRegistry"),
            K.BIOSPECIMEN_RETENTION: self.code(biospec, "BioSpecRetention"),
            K.BIOSPECIMEN_DESCRIPTION: self.block(biospec, "BioSpecDescription"),
            K.GENDER_BASED: self.one(elig, "GenderBased"),
            K.GENDER_DESCRIPTION: self.block(elig, "GenderDescription"),
            K.HAS_EXPANDED_ACCESS: self.one(access, "HasExpandedAccess"),
            K.EXPANDED_ACCESS_RECORD: self.one(access, "ExpandedAccessNCTId"),
            K.EXPANDED_ACCESS_TYPES: ", ".join(expanded) or None,
            K.IPD_INFORMATION_TYPES: ", ".join(self.listed(ipd, "IPDSharingInfoTypeList", "IPDSharingInfoType"))
            or None,
            K.IPD_TIME_FRAME: self.block(ipd, "IPDSharingTimeFrame"),
            K.IPD_ACCESS_CRITERIA: self.block(ipd, "IPDSharingAccessCriteria"),
            K.IPD_URL: self.one(ipd, "IPDSharingURL"),
            K.AVAILABLE_IPD: "; ".join(
                ": ".join(x for x in (self.one(a, "AvailIPDType"), self.one(a, "AvailIPDURL")) if x)
                for a in r.objs(r.obj(refs, "AvailIPDList"), "AvailIPD")
            )
            or None,
            K.SAMPLING_METHOD: self.code(elig, "SamplingMethod"),
            K.AGE_GROUPS: ", ".join(n.enum_code(a) or a for a in self.listed(elig, "StdAgeList", "StdAge")) or None,
            K.HAS_DATA_MONITORING_COMMITTEE: self.one(oversight, "OversightHasDMC"),
            K.FDA_REGULATED_DRUG: self.one(oversight, "IsFDARegulatedDrug"),
            K.FDA_REGULATED_DEVICE: self.one(oversight, "IsFDARegulatedDevice"),
            K.IPD_SHARING: self.code(ipd, "IPDSharing"),
            K.IPD_SHARING_PLAN: self.block(ipd, "IPDSharingDescription"),
            K.TARGET_DURATION: self.one(design, "TargetDuration"),
            K.STUDY_DOCUMENTS: "; ".join(d for d in docs if d) or None,
            K.CONDITION_MESH_TERMS: self.mesh(study, "ConditionBrowseModule", "Condition"),
            K.INTERVENTION_MESH_TERMS: self.mesh(study, "InterventionBrowseModule", "Intervention"),
        }
        return {
            "id": nct,
            "secondary_ids": tuple(dict.fromkeys(s for s in secondary if s and s != nct)),
            "registry": REGISTRY,
            "summary": {
                "brief_title": self.one(ident, "BriefTitle"),
                "official_title": self.one(ident, "OfficialTitle"),
                "acronym": self.one(ident, "Acronym"),
                "overall_status": n.status(self.one(status, "OverallStatus")),
                "overall_status_raw": self.one(status, "OverallStatus"),
                "why_stopped": self.block(status, "WhyStopped"),
                "phases": tuple(
                    dict.fromkeys(c for raw in self.listed(design, "PhaseList", "Phase") for c in n.phases(raw))
                ),
                "study_type": n.study_type(self.one(design, "StudyType")),
                "sponsor": self.one(lead, "LeadSponsorName"),
                "collaborators": tuple(
                    t
                    for t in (
                        self.one(c, "CollaboratorName")
                        for c in r.objs(r.obj(sponsors, "CollaboratorList"), "Collaborator")
                    )
                    if t
                ),
                "conditions": self.listed(conds, "ConditionList", "Condition"),
                "keywords": self.listed(conds, "KeywordList", "Keyword"),
                "interventions": [
                    {
                        "type": self.code(i, "InterventionType"),
                        "name": self.one(i, "InterventionName") or "(unnamed)",
                        "description": self.block(i, "InterventionDescription"),
                        "other_names": self.listed(i, "InterventionOtherNameList", "InterventionOtherName"),
                        "arm_labels": self.listed(i, "InterventionArmGroupLabelList", "InterventionArmGroupLabel"),
                    }
                    for i in self.objs(arms_mod, "InterventionList", "Intervention", "interventions")
                ],
                "enrollment": r.integer(enrollment, "EnrollmentCount"),
                "enrollment_type": _TYPES.get(n.enum_code(enrollment_type) or "") if enrollment_type else None,
                "start_date": self.date(status, "StartDate"),
                "primary_completion_date": self.date(status, "PrimaryCompletionDate"),
                "completion_date": self.date(status, "CompletionDate"),
                "first_posted": self.date(status, "StudyFirstPostDate"),
                "last_update_posted": self.date(status, "LastUpdatePostDate"),
                "brief_summary": self.block(desc, "BriefSummary"),
                "detailed_description": self.block(desc, "DetailedDescription"),
            },
            "eligibility": self.eligibility(elig, criteria),
            "outcomes": {
                "primary": self.outcomes(outcomes, "Primary"),
                "secondary": self.outcomes(outcomes, "Secondary"),
                "other": self.outcomes(outcomes, "Other"),
            },
            "sites": [self.site(loc) for loc in self.objs(locations, "LocationList", "Location", "sites")],
            "contacts": [
                self.contact(c, "CentralContact")
                for c in self.objs(locations, "CentralContactList", "CentralContact", "contacts")
            ],
            "officials": [
                self.contact(c, "OverallOfficial")
                for c in self.objs(locations, "OverallOfficialList", "OverallOfficial", "officials")
            ],
            "arms": [
                {
                    "label": self.one(a, "ArmGroupLabel") or "(unlabelled)",
                    "type": self.code(a, "ArmGroupType"),
                    "description": self.block(a, "ArmGroupDescription"),
                    "interventions": self.listed(a, "ArmGroupInterventionList", "ArmGroupInterventionName"),
                }
                for a in arm_groups
            ],
            "design": {
                "allocation": self.code(info, "DesignAllocation"),
                "intervention_model": self.code(info, "DesignInterventionModel"),
                "intervention_model_description": self.block(info, "DesignInterventionModelDescription"),
                "primary_purpose": self.code(info, "DesignPrimaryPurpose"),
                "masking": level,
                "masking_description": self.block(masking, "DesignMaskingDescription"),
                "who_masked": tuple(
                    dict.fromkeys(
                        role
                        for raw in self.listed(masking, "DesignWhoMaskedList", "DesignWhoMasked")
                        for role in n.masking(f"x ({raw})")[1]
                    )
                )
                or who_masked,
                "observational_model": n.code(
                    ", ".join(self.listed(info, "DesignObservationalModelList", "DesignObservationalModel")) or None
                ),
                "time_perspective": n.code(
                    ", ".join(self.listed(info, "DesignTimePerspectiveList", "DesignTimePerspective")) or None
                ),
                "number_of_arms": len(arm_groups) or None,
            },
            "references": [
                {
                    "citation": self.block(x, "ReferenceCitation"),
                    "pmid": self.one(x, "ReferencePMID"),
                    "type": self.code(x, "ReferenceType"),
                }
                for x in self.objs(refs, "ReferenceList", "Reference", "references")
            ]
            + [
                {
                    "citation": self.one(link, "SeeAlsoLinkLabel"),
                    "url": self.one(link, "SeeAlsoLinkURL"),
                    "type": "SEE_ALSO",
                }
                for link in self.objs(refs, "SeeAlsoLinkList", "SeeAlsoLink", "links")
            ],
            "extra": {k: v for k, v in extra.items() if v},
        }

    def _paren(self, parent: dict[str, Any], *keys: str) -> str | None:
        inner = ", ".join(t for t in (self.one(parent, k) for k in keys) if t)
        return f"({inner})" if inner else None


def _marked_lists(criteria: str | None) -> str | None:
    """v1 text lost the record's list markers; give them back for the splitter.

    v1 text is never hard-wrapped: paragraphs are separated by blank lines and the items of a list by
    single line breaks. So the lines of a block of two or more are list items ("- " added), a lone line
    stays a paragraph (a lead-in ending in ":" then takes the list after it as its children), and every
    line is set apart by a blank one so headings are found after long lines too.
    """
    if not criteria:
        return criteria
    out: list[str] = []
    for block in _BLANK_LINES.split(criteria.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if len(lines) > 1:
            lines = [line if _BULLET.match(line) else f"- {line}" for line in lines]
        out.extend(lines)
    return "\n\n".join(out)


FORMAT = Format(NAME, "ClinicalTrials.gov API v1 (classic) JSON", score, parse, (".json",))
