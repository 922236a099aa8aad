"""ClinicalTrials.gov API v2 JSON: one study, a {"studies": [...]} page, or a list of studies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

from viewer.core import extra_keys as K
from viewer.core import normalize as n
from viewer.core.criteria import eligibility_fields
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.model import Study
from viewer.core.parsers.base import Format, Record, make_study
from viewer.core.parsing.jsonshape import Reader

NAME = "ctgov-api-v2-json"
REGISTRY = "ClinicalTrials.gov"
# Keys only v2 records carry; a record saved with sorted keys may put "protocolSection" past the head.
_V2_KEYS = ('"nctId"', '"derivedSection"', '"hasResults"', '"identificationModule"')


def score(head: str) -> int:
    if head[:1] not in "{[":
        return 0
    if '"protocolSection"' in head:
        return 90
    return 60 if any(key in head for key in _V2_KEYS) else 0


class _One(msgspec.Struct):
    """The keys the parser reads of a one-study file; the rest (resultsSection: most of the bytes) is skipped
    without being built. `studies` present means a page (or an odd file): the general path reads it."""

    protocolSection: dict[str, Any]
    derivedSection: Any = msgspec.UNSET
    hasResults: Any = msgspec.UNSET
    studies: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_ONE = msgspec.json.Decoder(_One)


def _one_study(doc: Document) -> dict[str, Any] | None:
    """A one-study file decoded fast (~6x json.loads), or None for the general path to read it.

    msgspec refuses exactly what could make the result differ from Document.json: bytes that are not UTF-8
    (or carry a BOM), invalid JSON, NaN and infinities, lone surrogate escapes, nesting past its limit, a
    top level that is not an object with an object protocolSection. Everything it accepts decodes to the
    same values json.loads gives, and the text would decode with no warning."""
    try:
        one = _ONE.decode(doc.data)
    except msgspec.DecodeError:  # ValidationError (wrong shape) is a DecodeError
        return None
    if one.studies is not msgspec.UNSET:
        return None
    record: dict[str, Any] = {"protocolSection": one.protocolSection}
    if one.derivedSection is not msgspec.UNSET:
        record["derivedSection"] = one.derivedSection
    if one.hasResults is not msgspec.UNSET:
        record["hasResults"] = one.hasResults
    return record


def parse(doc: Document) -> Iterator[Study]:
    for item in _records(doc, indexed=False):
        yield make_study(doc, NAME, item.index, item.fields, item.warnings)


def records(doc: Document) -> Iterator[Record]:
    """The studies as field dicts holding what the search index reads (study_fields with `indexed`)."""
    return _records(doc, indexed=True)


def _records(doc: Document, indexed: bool) -> Iterator[Record]:
    one = _one_study(doc)
    data = doc.json() if one is None else one
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        records = data["studies"]
    elif isinstance(data, list):
        records = data
    else:
        records = [data]
    for index, record in enumerate(records):
        if not isinstance(record, dict) or not isinstance(record.get("protocolSection"), dict):
            raise doc.fail(f"record {index + 1} has no protocolSection")
        warnings: list[str] = []
        yield Record(NAME, index, study_fields(record, doc, warnings, indexed), warnings)


def study_fields(record: dict[str, Any], doc: Document, warnings: list[str], indexed: bool = False) -> dict[str, Any]:
    """The model's fields from one v2 study object; every odd shape becomes a warning, never an exception.

    With `indexed`, only what the search index reads (fields.fields_text, schema.fields_doc) is read; every
    other field keeps its model default (None, empty): the same dict shape, the same values where it reads.
    """
    return _Study(Reader(warnings), doc, warnings, indexed).fields(record)


class _Study:
    """Reads one v2 record through a Reader: typed, shape-checked values only."""

    def __init__(self, read: Reader, doc: Document, warnings: list[str], indexed: bool = False) -> None:
        self.full = not indexed
        self.r = read
        self.doc = doc
        self.warnings = warnings

    def one(self, parent: Any, key: str) -> str | None:
        """A one-line value."""
        return n.clean(self.r.text(parent, key))

    def block(self, parent: Any, key: str) -> str | None:
        """A text block: v2 text is markdown with backslash escapes; the model keeps the plain wording."""
        value = self.r.text(parent, key)
        return None if value is None else n.clean_block(n.unescape_markdown(value))

    def ones(self, parent: Any, key: str) -> tuple[str, ...]:
        return tuple(t for t in (n.clean(v) for v in self.r.texts(parent, key)) if t)

    def objs(self, parent: Any, key: str, what: str) -> list[dict[str, Any]]:
        return list(self.doc.take(self.r.objs(parent, key), what, self.warnings))

    def date(self, parent: Any, key: str) -> str | None:
        return n.iso_date(self.one(self.r.obj(parent, key), "date"))

    def yes(self, parent: Any, key: str) -> str | None:
        value = self.r.flag(parent, key)
        return None if value is None else ("Yes" if value else "No")

    def contact(self, c: dict[str, Any]) -> dict[str, Any]:
        phone, ext = self.one(c, "phone"), self.one(c, "phoneExt")
        return {
            "name": self.one(c, "name"),
            "role": self.one(c, "role"),
            "phone": f"{phone} ext. {ext}" if phone and ext else phone,
            "email": self.one(c, "email"),
            "affiliation": self.one(c, "affiliation"),
        }

    def outcomes(self, parent: Any, key: str) -> list[dict[str, Any]]:
        return [
            {"measure": self.block(o, "measure") or "(no measure stated)", "time_frame": self.block(o, "timeFrame"),
             "description": self.block(o, "description") if self.full else None}
            for o in self.objs(parent, key, f"outcomes.{key}")
        ]  # fmt: skip

    def mesh(self, record: dict[str, Any], module: str) -> str | None:
        meshes = self.r.objs(self.r.obj(self.r.obj(record, "derivedSection"), module), "meshes")
        return "; ".join(t for t in (self.one(m, "term") for m in meshes) if t) or None

    def fields(self, record: dict[str, Any]) -> dict[str, Any]:
        r, full = self.r, self.full
        p = r.obj(record, "protocolSection")
        ident, status = r.obj(p, "identificationModule"), r.obj(p, "statusModule")
        sponsors, desc = r.obj(p, "sponsorCollaboratorsModule"), r.obj(p, "descriptionModule")
        conds, design = r.obj(p, "conditionsModule"), r.obj(p, "designModule")
        info = r.obj(design, "designInfo")
        masking = r.obj(info, "maskingInfo")
        arms_mod, elig = r.obj(p, "armsInterventionsModule"), r.obj(p, "eligibilityModule")
        outcomes, locations = r.obj(p, "outcomesModule"), r.obj(p, "contactsLocationsModule")
        refs, oversight = r.obj(p, "referencesModule"), r.obj(p, "oversightModule")
        ipd = r.obj(p, "ipdSharingStatementModule")
        party = r.obj(sponsors, "responsibleParty")
        lead = r.obj(sponsors, "leadSponsor")
        access = r.obj(status, "expandedAccessInfo")
        biospec = r.obj(design, "bioSpec")
        nct = self.one(ident, "nctId")
        if not nct:
            raise ParseError(self.doc.name, "study has no nctId")
        org_id = self.one(r.obj(ident, "orgStudyIdInfo"), "id")
        secondary_infos = r.objs(ident, "secondaryIdInfos")
        secondary = [org_id, *(self.one(s, "id") for s in secondary_infos), *self.ones(ident, "nctIdAliases")]
        enrollment = r.obj(design, "enrollmentInfo")
        criteria = r.text(elig, "eligibilityCriteria")
        criteria = (
            self.doc.cut(criteria, "eligibility criteria", self.warnings) if criteria and criteria.strip() else None
        )
        arm_groups = self.objs(arms_mod, "armGroups", "arms")
        extra = (
            {}
            if not full
            else {
                K.ORGANIZATION_STUDY_ID: org_id,
                K.ORGANIZATION: self.one(r.obj(ident, "organization"), "fullName"),
                K.STATUS_VERIFIED: n.iso_date(self.one(status, "statusVerifiedDate")),
                K.LAST_KNOWN_STATUS: self.one(status, "lastKnownStatus"),
                K.FIRST_SUBMITTED: n.iso_date(self.one(status, "studyFirstSubmitDate")),
                K.RESULTS_FIRST_POSTED: self.date(status, "resultsFirstPostDateStruct"),
                K.HAS_RESULTS: "Yes" if r.flag(record, "hasResults") else None,
                K.RESPONSIBLE_PARTY: self.one(party, "investigatorFullName") or self.one(party, "type"),
                K.LAST_UPDATE_SUBMITTED: n.iso_date(self.one(status, "lastUpdateSubmitDate")),
                K.RESULTS_FIRST_SUBMITTED: n.iso_date(self.one(status, "resultsFirstSubmitDate")),
                K.START_DATE_TYPE: self.one(r.obj(status, "startDateStruct"), "type"),
                K.PRIMARY_COMPLETION_DATE_TYPE: self.one(r.obj(status, "primaryCompletionDateStruct"), "type"),
                K.COMPLETION_DATE_TYPE: self.one(r.obj(status, "completionDateStruct"), "type"),
                K.RESPONSIBLE_PARTY_TITLE: self.one(party, "investigatorTitle"),
                K.RESPONSIBLE_PARTY_ORGANIZATION: self.one(party, "investigatorAffiliation"),
                K.LEAD_SPONSOR_CLASS: self.one(lead, "class"),
                K.SECONDARY_IDS: "; ".join(
                    " ".join(x for x in (self.one(s, "id"), self._paren(s, "type", "domain")) if x)
                    for s in secondary_infos
                )
                or None,
                K.UNAPPROVED_DEVICE: self.yes(oversight, "isUnapprovedDevice"),
                K.PEDIATRIC_POSTMARKET_SURVEILLANCE: self.yes(oversight, "isPpsd"),
                K.US_EXPORT: self.yes(oversight, "isUsExport"),
                K.PATIENT_REGISTRY: self.yes(design, "patientRegistry"),
                K.BIOSPECIMEN_RETENTION: self.one(biospec, "retention"),
                K.BIOSPECIMEN_DESCRIPTION: self.block(biospec, "description"),
                K.GENDER_BASED: self.yes(elig, "genderBased"),
                K.GENDER_DESCRIPTION: self.block(elig, "genderDescription"),
                K.HAS_EXPANDED_ACCESS: self.yes(access, "hasExpandedAccess"),
                K.EXPANDED_ACCESS_RECORD: self.one(access, "nctId"),
                K.IPD_INFORMATION_TYPES: ", ".join(self.ones(ipd, "infoTypes")) or None,
                K.IPD_TIME_FRAME: self.block(ipd, "timeFrame"),
                K.IPD_ACCESS_CRITERIA: self.block(ipd, "accessCriteria"),
                K.IPD_URL: self.one(ipd, "url"),
                K.AVAILABLE_IPD: "; ".join(
                    ": ".join(x for x in (self.one(a, "type"), self.one(a, "url")) if x)
                    for a in r.objs(refs, "availIpds")
                )
                or None,
                K.SAMPLING_METHOD: self.one(elig, "samplingMethod"),
                K.AGE_GROUPS: ", ".join(self.ones(elig, "stdAges")) or None,
                K.HAS_DATA_MONITORING_COMMITTEE: self.yes(oversight, "oversightHasDmc"),
                K.FDA_REGULATED_DRUG: self.yes(oversight, "isFdaRegulatedDrug"),
                K.FDA_REGULATED_DEVICE: self.yes(oversight, "isFdaRegulatedDevice"),
                K.IPD_SHARING: self.one(ipd, "ipdSharing"),
                K.IPD_SHARING_PLAN: self.block(ipd, "description"),
                K.TARGET_DURATION: self.one(design, "targetDuration"),
                K.CONDITION_MESH_TERMS: self.mesh(record, "conditionBrowseModule"),
                K.INTERVENTION_MESH_TERMS: self.mesh(record, "interventionBrowseModule"),
            }
        )
        return {
            "id": nct,
            "secondary_ids": tuple(dict.fromkeys(s for s in secondary if s and s != nct)),
            "registry": REGISTRY,
            "summary": {
                "brief_title": self.one(ident, "briefTitle"),
                "official_title": self.one(ident, "officialTitle"),
                "acronym": self.one(ident, "acronym"),
                "overall_status": n.status(self.one(status, "overallStatus")),
                "overall_status_raw": self.one(status, "overallStatus") if full else None,
                "why_stopped": self.block(status, "whyStopped") if full else None,
                "phases": tuple(dict.fromkeys(code for raw in self.ones(design, "phases") for code in n.phases(raw))),
                "study_type": n.study_type(self.one(design, "studyType")) if full else None,
                "sponsor": self.one(lead, "name"),
                "collaborators": tuple(
                    t for t in (self.one(c, "name") for c in r.objs(sponsors, "collaborators")) if t
                ),
                "conditions": self.ones(conds, "conditions"),
                "keywords": self.ones(conds, "keywords"),
                "interventions": [
                    {
                        "type": self.one(i, "type") if full else None,
                        "name": self.one(i, "name") or "(unnamed)",
                        "description": self.block(i, "description") if full else None,
                        "other_names": self.ones(i, "otherNames"),
                        "arm_labels": self.ones(i, "armGroupLabels") if full else (),
                    }
                    for i in self.objs(arms_mod, "interventions", "interventions")
                ],
                "enrollment": r.integer(enrollment, "count") if full else None,
                "enrollment_type": self.one(enrollment, "type") if full else None,
                "start_date": self.date(status, "startDateStruct") if full else None,
                "primary_completion_date": self.date(status, "primaryCompletionDateStruct") if full else None,
                "completion_date": self.date(status, "completionDateStruct") if full else None,
                "first_posted": self.date(status, "studyFirstPostDateStruct") if full else None,
                "last_update_posted": self.date(status, "lastUpdatePostDateStruct") if full else None,
                "brief_summary": self.block(desc, "briefSummary"),
                "detailed_description": self.block(desc, "detailedDescription"),
            },
            "eligibility": eligibility_fields(
                self.one(elig, "minimumAge"),
                self.one(elig, "maximumAge"),
                self.one(elig, "sex"),
                r.flag(elig, "healthyVolunteers"),
                criteria,
                self.block(elig, "studyPopulation") if full else None,
                markdown=True,
            ),
            "outcomes": {
                "primary": self.outcomes(outcomes, "primaryOutcomes"),
                "secondary": self.outcomes(outcomes, "secondaryOutcomes"),
                "other": self.outcomes(outcomes, "otherOutcomes"),
            },
            "sites": [
                {
                    "facility": self.one(loc, "facility"),
                    "city": self.one(loc, "city"),
                    "state": self.one(loc, "state"),
                    "zip": self.one(loc, "zip") if full else None,
                    "country": self.one(loc, "country"),
                    "status": self.one(loc, "status") if full else None,
                    "contacts": [self.contact(c) for c in self.objs(loc, "contacts", "site contacts")] if full else [],
                }
                for loc in self.objs(locations, "locations", "sites")
            ],
            "contacts": [self.contact(c) for c in self.objs(locations, "centralContacts", "contacts")] if full else [],
            "officials": [self.contact(c) for c in self.objs(locations, "overallOfficials", "officials")]
            if full
            else [],
            "arms": [
                {
                    "label": self.one(a, "label") or "(unlabelled)",
                    "type": self.one(a, "type") if full else None,
                    "description": self.block(a, "description") if full else None,
                    "interventions": self.ones(a, "interventionNames") if full else (),
                }
                for a in arm_groups
            ],
            "design": {}
            if not full
            else {
                "allocation": self.one(info, "allocation"),
                "intervention_model": self.one(info, "interventionModel"),
                "intervention_model_description": self.block(info, "interventionModelDescription"),
                "primary_purpose": self.one(info, "primaryPurpose"),
                "masking": self.one(masking, "masking"),
                "masking_description": self.block(masking, "maskingDescription"),
                "who_masked": self.ones(masking, "whoMasked"),
                "observational_model": self.one(info, "observationalModel"),
                "time_perspective": self.one(info, "timePerspective"),
                "number_of_arms": len(arm_groups) or None,
            },
            "references": []
            if not full
            else [
                {"citation": self.block(x, "citation"), "pmid": self.one(x, "pmid"), "type": self.one(x, "type")}
                for x in self.objs(refs, "references", "references")
            ]
            + [
                {"citation": self.one(link, "label"), "url": self.one(link, "url"), "type": "SEE_ALSO"}
                for link in self.objs(refs, "seeAlsoLinks", "links")
            ],
            "extra": {k: v for k, v in extra.items() if v},
        }

    def _paren(self, parent: dict[str, Any], *keys: str) -> str | None:
        inner = ", ".join(t for t in (self.one(parent, k) for k in keys) if t)
        return f"({inner})" if inner else None


FORMAT = Format(NAME, "ClinicalTrials.gov API v2 JSON", score, parse, (".json",), records)
