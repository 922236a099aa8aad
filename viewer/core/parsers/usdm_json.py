"""CDISC USDM (Unified Study Definitions Model) JSON: USDM 3/4 `{"study": {"versions": [...]}}` and the early layout."""

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
from viewer.core.parsing.usdm_refs import References, decode

NAME = "usdm-json"
FALLBACK_REGISTRY = "CDISC USDM"
_VERSION_ID = re.compile(r'"id"\s*:\s*"StudyVersion_\d+"')
_EARLY = ('"studyProtocolVersions"', '"studyIdentifiers"', '"studyDesigns"')
_EARLY_KEYS = ("studyDesigns", "studyIdentifiers", "studyProtocolVersions")
# Registry ids first (NCT before the others), then the sponsor's; the first found is the study's id.
_ARM_TYPES = (
    ("placebo", "PLACEBO_COMPARATOR"),
    ("sham", "SHAM_COMPARATOR"),
    ("active", "ACTIVE_COMPARATOR"),
    ("no intervention", "NO_INTERVENTION"),
    ("experimental", "EXPERIMENTAL"),
    ("investigational", "EXPERIMENTAL"),
    ("treatment", "EXPERIMENTAL"),
)
_INTERVENTION_TYPES = (
    ("pharmacologic", "DRUG"),
    ("drug", "DRUG"),
    ("biolog", "BIOLOGICAL"),
    ("vaccine", "BIOLOGICAL"),
    ("device", "DEVICE"),
    ("procedure", "PROCEDURE"),
    ("radiation", "RADIATION"),
    ("dietary", "DIETARY_SUPPLEMENT"),
    ("behavio", "BEHAVIORAL"),
    ("genetic", "GENETIC"),
)
_PURPOSES = {
    "CURE": "TREATMENT",
    "MITIGATION": "TREATMENT",
    "BASIC_RESEARCH": "BASIC_SCIENCE",
    "DIAGNOSIS": "DIAGNOSTIC",
    "HEALTH_SERVICES_RESEARCH": "HEALTH_SERVICES_RESEARCH",
}
_COUNTRY_NAMES = {
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "United States of America": "United States",
}


def score(head: str) -> int:
    if head[:1] != "{":
        return 0
    if '"usdmVersion"' in head or _VERSION_ID.search(head):
        return 90
    if '"studyProtocolVersions"' in head or sum(key in head for key in _EARLY) >= 2:
        return 88
    return 0


def parse(doc: Document) -> Iterator[Study]:
    data = doc.json()
    if not isinstance(data, dict):
        raise doc.fail("not a USDM study definition (the JSON is not an object)")
    warnings: list[str] = []
    r = Reader(warnings)
    wrapped = data.get("study")
    if isinstance(wrapped, dict) and "versions" not in wrapped and any(k in wrapped for k in _EARLY_KEYS):
        fields = _Early(r, doc, warnings, wrapped).fields()  # USDM 1-2 served the early layout under "study"
    elif isinstance(wrapped, dict):
        study = wrapped
        versions = r.objs(study, "versions")
        if not versions:
            raise doc.fail("the USDM study has no versions")
        if len(versions) > 1:
            warnings.append(f"{len(versions)} study versions; the last is shown")
        fields = _V4(r, doc, warnings, data, study, versions[-1]).fields()
    elif any(key in data for key in _EARLY_KEYS):
        fields = _Early(r, doc, warnings, data).fields()
    else:
        raise doc.fail("not a USDM study definition (no study, studyDesigns or studyIdentifiers)")
    yield make_study(doc, NAME, 0, fields, warnings)


def _code(raw: str | None, suffix: str = " Study") -> str | None:
    """A USDM decode as a v2 code: "Parallel Study" -> "PARALLEL", "Open Label Study" -> "OPEN_LABEL"."""
    if not raw:
        return None
    return n.code(raw[: -len(suffix)] if raw.endswith(suffix) else raw)


def _mapped(raw: str | None, table: tuple[tuple[str, str], ...], default: str | None = "OTHER") -> str | None:
    if not raw:
        return None
    low = raw.lower()
    return next((code for word, code in table if word in low), default)


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def _identity(ids: list[tuple[str, str | None, bool]]) -> tuple[str | None, list[str], str]:
    """(primary id, the other ids, registry) from (id, scope name, scoped by a sponsor) in source order."""
    texts = [i for i, _, _ in ids]
    registered = [i for i in texts if n.registry_for_id(i)]
    nct = [i for i in registered if n.registry_for_id(i) == "ClinicalTrials.gov"]
    sponsor = [i for i, _, is_sponsor in ids if is_sponsor]
    found = nct or registered or sponsor or texts
    primary = found[0] if found else None
    others = list(dict.fromkeys(i for i in texts if i != primary))
    return primary, others, n.registry_for_id(primary) or FALLBACK_REGISTRY


class _Base:
    def __init__(self, r: Reader, doc: Document, warnings: list[str]) -> None:
        self.r = r
        self.doc = doc
        self.warnings = warnings

    def one(self, parent: Any, key: str) -> str | None:
        return n.clean(self.r.text(parent, key))

    def objs(self, parent: Any, key: str, what: str) -> list[dict[str, Any]]:
        return list(self.doc.take(self.r.objs(parent, key), what, self.warnings))

    def decoded(self, parent: Any, key: str) -> str | None:
        return decode(self.r.obj(parent, key))

    def decodes(self, parent: Any, key: str) -> list[str]:
        return [t for t in (decode(c) for c in self.r.objs(parent, key)) if t]

    @staticmethod
    def sex(decodes: list[str]) -> str | None:
        words = {d.lower() for d in decodes}
        if "both" in words or {"male", "female"} <= words:
            return "Both"
        return decodes[0] if decodes else None

    @staticmethod
    def outcome(level: str | None) -> str:
        low = (level or "").lower()
        return "primary" if "primary" in low else "secondary" if "secondary" in low else "other"

    def id_fields(self, ids: list[tuple[str, str | None, bool]]) -> tuple[dict[str, Any], dict[str, str | None]]:
        primary, others, registry = _identity(ids)
        if primary is None:
            raise self.doc.fail("the USDM study states no identifier")
        stated = "; ".join(f"{i} ({scope})" if scope else i for i, scope, _ in ids if i != primary)
        sponsor_id = next((i for i, _, is_sponsor in ids if is_sponsor), None)
        return {"id": primary, "secondary_ids": tuple(others), "registry": registry}, {
            K.ORGANIZATION_STUDY_ID: sponsor_id,
            K.SECONDARY_IDS: stated or None,
        }


class _V4(_Base):
    """USDM 3.0 / 4.0: `study.versions[]` with studyDesigns, titles, identifiers and organizations."""

    def __init__(
        self,
        r: Reader,
        doc: Document,
        warnings: list[str],
        data: dict[str, Any],
        study: dict[str, Any],
        version: dict[str, Any],
    ) -> None:
        super().__init__(r, doc, warnings)
        self.data, self.study, self.v = data, study, version
        designs = r.objs(version, "studyDesigns")
        dictionaries = [*r.objs(version, "dictionaries"), *(x for d in designs for x in r.objs(d, "dictionaries"))]
        self.refs = References(version, dictionaries)
        orgs = [*r.objs(version, "organizations"), *(o for d in designs for o in r.objs(d, "organizations"))]
        for ident in r.objs(version, "studyIdentifiers"):  # USDM 3: the scope organization inline
            scope = r.obj(ident, "studyIdentifierScope")
            if scope:
                orgs.append(scope)
        self.orgs = {o.get("id"): o for o in orgs}

    def text(self, parent: Any, key: str) -> str | None:
        value = self.r.text(parent, key)
        return self.refs.plain(value, parent.get("dictionaryId") if isinstance(parent, dict) else None)

    def org_name(self, org: Any) -> str | None:
        return self.one(org, "label") or self.one(org, "name")

    def org_type(self, org: Any) -> str:
        return (decode(self.r.obj(org, "type")) or decode(self.r.obj(org, "organizationType")) or "").lower()

    def either(self, keys: tuple[str, ...], *parents: Any) -> Any:
        """The first of `keys` present in the first parent that has one (USDM 3 and 4 name things apart)."""
        for parent in parents:
            if isinstance(parent, dict):
                for key in keys:
                    if parent.get(key) is not None:
                        return parent[key]
        return None

    def fields(self) -> dict[str, Any]:
        r, v = self.r, self.v
        designs = self.objs(v, "studyDesigns", "study designs")
        if len(designs) > 1:
            self.warnings.append(f"{len(designs)} study designs; the first is shown")
        design = designs[0] if designs else {}
        population = r.obj(design, "population")
        titles = {(decode(r.obj(t, "type")) or "").lower(): self.one(t, "text") for t in r.objs(v, "titles")}
        ids = []
        for ident in r.objs(v, "studyIdentifiers"):
            text = self.one(ident, "text") or self.one(ident, "studyIdentifier")
            org = self.orgs.get(ident.get("scopeId"), {}) or r.obj(ident, "studyIdentifierScope")
            if text:
                ids.append((text, self.org_name(org), "sponsor" in self.org_type(org)))
        identity, id_extra = self.id_fields(ids)
        interventions, by_id = self.interventions()
        arms = self.arms(design, by_id)
        age = r.obj(population, "plannedAge")
        cohorts = r.objs(population, "cohorts")
        ages = [a for a in (r.obj(c, "plannedAge") for c in cohorts) if a]
        if not age and ages:  # the population states no range of its own: its cohorts' span
            low = min(ages, key=lambda a: _float(_bound(a, "minValue")[0], float("inf")))
            high = max(ages, key=lambda a: _float(_bound(a, "maxValue")[0], float("-inf")))
            age = {"minValue": low.get("minValue"), "maxValue": high.get("maxValue"), "unit": low.get("unit")}
        sexes = self.decodes(population, "plannedSex") or [x for c in cohorts for x in self.decodes(c, "plannedSex")]
        enrollment = population.get("plannedEnrollmentNumber")
        extra = {
            **id_extra,
            K.ORGANIZATION: self.org_name(self.sponsor()),
            K.USDM_VERSION: self.one(self.data, "usdmVersion"),
            K.PROTOCOL_VERSION: self.one(v, "versionIdentifier"),
            K.PROTOCOL_STATUS: ", ".join(dict.fromkeys(self.decodes_of("versions", "status"))) or None,
            K.PROTOCOL_DATES: self.dates(),
            K.THERAPEUTIC_AREAS: "; ".join(dict.fromkeys(self.decodes(design, "therapeuticAreas"))) or None,
            K.TRIAL_INTENT_TYPES: ", ".join(self.intents(design)) or None,
            K.STUDY_CHARACTERISTICS: ", ".join(self.decodes(design, "characteristics")) or None,
            K.ENDPOINT_CLASSIFICATION: ", ".join(self.decodes(design, "subTypes") or self.decodes(design, "trialTypes"))
            or None,
            K.SAMPLING_METHOD: self.decoded(design, "samplingMethod"),
            K.REGULATORY_AUTHORITIES: "; ".join(
                t for t in (self.org_name(o) for o in self.orgs.values() if "regulatory" in self.org_type(o)) if t
            )
            or None,
        }
        return {
            **identity,
            "summary": {
                "brief_title": titles.get("brief study title") or titles.get("public study title"),
                "official_title": titles.get("official study title") or titles.get("scientific study title"),
                "acronym": titles.get("study acronym"),
                "phases": n.phases(decode(self.either(("studyPhase",), design, v))),
                "study_type": n.study_type(
                    decode(self.either(("studyType",), design, v)) or str(design.get("instanceType") or "")
                ),
                "sponsor": self.org_name(self.sponsor()),
                "conditions": tuple(
                    dict.fromkeys(
                        t
                        for i in self.objs(design, "indications", "indications")
                        for t in [self.text(i, "description") or self.one(i, "label") or self.one(i, "name")]
                        if t
                    )
                ),
                "interventions": interventions,
                "enrollment": _int(
                    _bound(
                        enrollment, "maxValue" if isinstance(enrollment, dict) and "maxValue" in enrollment else "value"
                    )[0]
                ),
                "enrollment_type": "ESTIMATED" if enrollment else None,
                "brief_summary": self.text(v, "rationale"),
                "detailed_description": self.narrative(),
            },
            "eligibility": eligibility_fields(
                self.age(*_bound(age, "minValue")),
                self.age(*_bound(age, "maxValue")),
                self.sex(sexes),
                r.flag(population, "includesHealthySubjects"),
                self.criteria(design),
                self.text(population, "description") or self.one(population, "label"),
            ),
            "outcomes": self.outcomes(design),
            "sites": self.sites(),
            "arms": arms,
            "design": self.design(design, len(arms)),
            "extra": {k: val for k, val in extra.items() if val},
        }

    def documents(self) -> list[dict[str, Any]]:
        """The protocol documents: a list (USDM 4) or one object (USDM 3)."""
        found = self.study.get("documentedBy")
        return [found] if isinstance(found, dict) else self.r.objs(self.study, "documentedBy")

    def intents(self, design: dict[str, Any]) -> list[str]:
        return self.decodes(design, "intentTypes") or self.decodes(design, "trialIntentTypes")

    def decodes_of(self, key: str, code: str) -> list[str]:
        docs = self.documents()
        return [t for d in docs for x in self.r.objs(d, key) for t in [decode(self.r.obj(x, code))] if t]

    def dates(self) -> str | None:
        dates = [*self.r.objs(self.v, "dateValues")]
        for d in self.documents():
            for x in self.r.objs(d, "versions"):
                dates += self.r.objs(x, "dateValues")
        shown = [
            f"{self.one(d, 'label') or self.one(d, 'name')}: {self.one(d, 'dateValue')}"
            for d in dates
            if self.one(d, "dateValue")
        ]
        return "; ".join(dict.fromkeys(shown)) or None

    def sponsor(self) -> dict[str, Any] | None:
        for role in self.r.objs(self.v, "roles"):
            if "sponsor" in (decode(self.r.obj(role, "code")) or "").lower():
                for org_id in self.r.texts(role, "organizationIds"):
                    if org_id in self.orgs:
                        return self.orgs[org_id]
        scoping = {
            i.get("scopeId") or self.r.obj(i, "studyIdentifierScope").get("id")
            for i in self.r.objs(self.v, "studyIdentifiers")
        }
        sponsors = [o for o in self.orgs.values() if "sponsor" in self.org_type(o)]
        return next((o for o in sponsors if o.get("id") in scoping), sponsors[0] if sponsors else None)

    def age(self, number: Any, unit_code: Any) -> str | None:
        value = _number(number)
        if value is None:
            return None
        unit = decode(unit_code) or "Years"
        return f"{value} {unit if value == '1' or unit.endswith('s') else unit + 's'}"

    def criteria(self, design: dict[str, Any]) -> str | None:
        items = {i.get("id"): i for i in self.r.objs(self.v, "eligibilityCriterionItems")}
        sections: dict[str, list[str]] = {"inclusion": [], "exclusion": []}
        criteria = self.objs(design, "eligibilityCriteria", "eligibility criteria")
        if not criteria:  # USDM 3: the version's criteria, those the population names (all if it names none)
            population = self.r.obj(design, "population")
            named = set(self.r.texts(population, "criterionIds"))
            listed = self.objs(self.v, "criteria", "eligibility criteria")
            criteria = [c for c in listed if not named or c.get("id") in named]
            criteria = criteria or self.objs(population, "criteria", "eligibility criteria")  # earlier 3.x drafts
        for c in criteria:
            item = items.get(c.get("criterionItemId"), c)
            text = self.text(item, "text") or self.one(c, "label") or self.one(c, "name")
            if not text:
                continue
            category = (decode(self.r.obj(c, "category")) or "").lower()
            kind = "exclusion" if "exclu" in category else "inclusion"
            sections[kind].append(text)
        return _criteria_text(sections)

    def outcomes(self, design: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {"primary": [], "secondary": [], "other": []}
        for objective in self.objs(design, "objectives", "objectives"):
            goal = self.text(objective, "text") or self.one(objective, "description")
            for e in self.objs(objective, "endpoints", "endpoints"):
                purpose = self.one(e, "purpose")
                described = "\n\n".join(
                    p for p in (f"Objective: {goal}" if goal else None, purpose and f"Purpose: {purpose}") if p
                )
                out[self.outcome(decode(self.r.obj(e, "level")))].append(
                    {
                        "measure": self.text(e, "text")
                        or self.one(e, "description")
                        or self.one(e, "name")
                        or "(no measure stated)",
                        "description": described or None,
                    }
                )
        return out

    def interventions(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        r = self.r
        products = {p.get("id"): p for p in r.objs(self.v, "administrableProducts")}
        used: set[Any] = set()
        out, names = [], {}
        designs = self.r.objs(self.v, "studyDesigns")
        listed = self.r.objs(self.v, "studyInterventions") or [
            i for d in designs[:1] for i in self.r.objs(d, "studyInterventions")
        ]
        for i in self.doc.take(listed, "interventions", self.warnings):
            name = self.one(i, "label") or self.one(i, "name") or "(unnamed)"
            names[str(i.get("id"))] = name
            administrations = r.objs(i, "administrations")
            doses = [self.one(a, "description") or self.one(a, "name") for a in administrations]
            given = [
                a.get("administrableProductId") for a in administrations if a.get("administrableProductId") in products
            ]
            used.update(given)
            other = [*(self.org_name(products[p]) for p in given), *self.decodes(i, "codes")]
            role = decode(r.obj(i, "role"))
            description = "\n".join(
                x
                for x in (
                    self.text(i, "description"),
                    role and f"Role: {role}",
                    *(d and f"Administration: {d}" for d in doses),
                )
                if x
            )
            out.append(
                {
                    "type": _mapped(decode(r.obj(i, "type")), _INTERVENTION_TYPES),
                    "name": name,
                    "description": description or None,
                    "other_names": tuple(dict.fromkeys(t for t in other if t and t != name)),
                }
            )
        for p in products.values():
            if p.get("id") not in used:
                out.append(
                    {
                        "type": "DRUG",
                        "name": self.org_name(p) or "(unnamed)",
                        "description": self.text(p, "description"),
                    }
                )
        for d in r.objs(self.v, "medicalDevices"):
            out.append(
                {"type": "DEVICE", "name": self.org_name(d) or "(unnamed)", "description": self.text(d, "description")}
            )
        return out, names

    def arms(self, design: dict[str, Any], interventions: dict[str, str]) -> list[dict[str, Any]]:
        r = self.r
        elements = {e.get("id"): r.texts(e, "studyInterventionIds") for e in r.objs(design, "elements")}
        per_arm: dict[Any, list[str]] = {}
        for cell in r.objs(design, "studyCells"):
            for element in r.texts(cell, "elementIds"):
                for i in elements.get(element, ()):
                    if i in interventions:
                        per_arm.setdefault(cell.get("armId"), []).append(interventions[i])
        return [
            {
                "label": self.one(a, "label") or self.one(a, "name") or "(unlabelled)",
                "type": _mapped(decode(r.obj(a, "type")), _ARM_TYPES),
                "description": self.text(a, "description"),
                "interventions": tuple(dict.fromkeys(per_arm.get(a.get("id"), ()))),
            }
            for a in self.objs(design, "arms", "arms")
        ]

    def design(self, design: dict[str, Any], arms: int) -> dict[str, Any]:
        observational = "observational" in str(design.get("instanceType", "")).lower()
        model = _code(decode(self.either(("model", "interventionModel"), design)))
        fields: dict[str, Any] = {
            "observational_model" if observational else "intervention_model": model,
            "time_perspective": _code(self.decoded(design, "timePerspective")),
            "masking": n.masking((self.decoded(design, "blindingSchema") or "").removesuffix(" Study") or None)[0],
            "number_of_arms": arms or None,
        }
        for raw in (*self.intents(design), *self.decodes(design, "characteristics")):
            term = n.design_term(raw.removesuffix(" Study"))
            purpose = _PURPOSES.get(_code(raw) or "")
            if purpose and "primary_purpose" not in fields:
                fields["primary_purpose"] = purpose
            elif term and term[0] in ("primary_purpose", "allocation") and term[0] not in fields:
                fields[term[0]] = term[1]
        return fields

    def sites(self) -> list[dict[str, Any]]:
        out = []
        for org in self.orgs.values():
            address = self.r.obj(org, "legalAddress")
            for site in self.objs(org, "managedSites", "sites"):
                country = decode(self.r.obj(site, "country")) or decode(self.r.obj(address, "country"))
                name, owner = self.one(site, "label") or self.one(site, "name"), self.org_name(org)
                out.append(
                    {
                        "facility": f"{name} ({owner})" if name and owner and owner != name else name or owner,
                        "city": self.one(address, "city"),
                        "state": self.one(address, "state"),
                        "zip": self.one(address, "postalCode"),
                        "country": _COUNTRY_NAMES.get(country or "", country),
                    }
                )
        return out

    def narrative(self) -> str | None:
        """The protocol document's sections in order: "1.1. Synopsis" and its text, images dropped."""
        items = {i.get("id"): i for i in self.r.objs(self.v, "narrativeContentItems")}
        parts: list[str] = []
        for document in self.documents():
            for version in self.r.objs(document, "versions")[-1:]:
                for section in self.objs(version, "contents", "narrative sections"):
                    heading = " ".join(
                        t for t in (self.one(section, "sectionNumber"), self.one(section, "sectionTitle")) if t
                    )
                    body = self.text(items.get(section.get("contentItemId"), section), "text")
                    parts.extend(p for p in (heading, body) if p)
        text = "\n\n".join(parts)
        return self.doc.cut(text, "protocol narrative", self.warnings) if text else None


class _Early(_Base):
    """The early USDM layout (before 3.0): one object with studyIdentifiers, studyProtocolVersions, studyDesigns."""

    def __init__(self, r: Reader, doc: Document, warnings: list[str], data: dict[str, Any]) -> None:
        super().__init__(r, doc, warnings)
        self.d = data
        self.refs = References(data, ())

    def text(self, parent: Any, key: str) -> str | None:
        return self.refs.plain(self.r.text(parent, key))

    def fields(self) -> dict[str, Any]:
        r, d = self.r, self.d
        ids = []
        sponsor = None
        for ident in r.objs(d, "studyIdentifiers"):
            scope = r.obj(ident, "studyIdentifierScope")
            kind = self.decoded(scope, "organisationType") or self.decoded(scope, "type") or ""
            name = self.one(scope, "organisationName") or self.one(scope, "label") or self.one(scope, "name")
            is_sponsor = "sponsor" in kind.lower()
            if is_sponsor and sponsor is None:
                sponsor = name
            if text := self.one(ident, "studyIdentifier"):
                ids.append((text, name, is_sponsor))
        identity, id_extra = self.id_fields(ids)
        protocol = (r.objs(d, "studyProtocolVersions") or [{}])[-1]
        design = (self.objs(d, "studyDesigns", "study designs") or [{}])[0]
        population = (r.objs(design, "studyPopulations") or [{}])[0]
        arms = [
            {
                "label": self.one(a, "studyArmName") or "(unlabelled)",
                "type": _mapped(self.decoded(a, "studyArmType"), _ARM_TYPES),
                "description": self.text(a, "studyArmDescription"),
            }
            for a in self.objs(design, "studyArms", "arms")
        ]
        outcomes: dict[str, list[dict[str, Any]]] = {"primary": [], "secondary": [], "other": []}
        for objective in self.objs(design, "studyObjectives", "objectives"):
            goal = self.text(objective, "objectiveDescription")
            for e in self.objs(objective, "objectiveEndpoints", "endpoints"):
                outcomes[self.outcome(self.decoded(e, "endpointLevel"))].append(
                    {
                        "measure": self.text(e, "endpointDescription") or "(no measure stated)",
                        "description": f"Objective: {goal}" if goal else None,
                    }
                )
        interventions = [
            {
                "type": _mapped(next(iter(self.decodes(i, "codes")), None), _INTERVENTION_TYPES),
                "name": self.text(i, "interventionDescription") or next(iter(self.decodes(i, "codes")), "(unnamed)"),
            }
            for i in self.objs(design, "studyInvestigationalInterventions", "interventions")
        ]
        purpose = next(
            (
                _PURPOSES.get(_code(t) or "") or (n.design_term(t.removesuffix(" Study")) or ("", None))[1]
                for t in self.decodes(design, "trialIntentTypes")
            ),
            None,
        )
        blinding = self.decoded(design, "studyDesignBlindingScheme")
        extra = {
            **id_extra,
            K.ORGANIZATION: sponsor,
            K.PROTOCOL_VERSION: self.one(protocol, "protocolVersion") or self.one(d, "studyVersion"),
            K.PROTOCOL_STATUS: self.decoded(protocol, "protocolStatus"),
            K.PROTOCOL_DATES: f"Effective: {self.one(protocol, 'protocolEffectiveDate')}"
            if self.one(protocol, "protocolEffectiveDate")
            else None,
            K.THERAPEUTIC_AREAS: "; ".join(dict.fromkeys(self.decodes(design, "therapeuticAreas"))) or None,
            K.TRIAL_INTENT_TYPES: ", ".join(self.decodes(design, "trialIntentTypes")) or None,
        }
        count = population.get("plannedNumberOfParticipants")
        return {
            **identity,
            "summary": {
                "brief_title": self.one(protocol, "briefTitle") or self.one(protocol, "publicTitle"),
                "official_title": self.one(protocol, "officialTitle") or self.one(d, "studyTitle"),
                "acronym": self.one(d, "studyAcronym"),
                "phases": n.phases(self.decoded(d, "studyPhase")),
                "study_type": n.study_type(self.decoded(d, "studyType") or self.decoded(d, "type")),
                "sponsor": sponsor,
                "conditions": tuple(
                    dict.fromkeys(
                        t
                        for i in self.objs(design, "studyIndications", "indications")
                        for t in [self.text(i, "indicationDescription")]
                        if t
                    )
                ),
                "interventions": interventions,
                "enrollment": _int(count),
                "enrollment_type": "ESTIMATED" if _int(count) is not None else None,
                "brief_summary": self.text(d, "studyRationale"),
                "detailed_description": self.text(design, "studyDesignRationale"),
            },
            "eligibility": eligibility_fields(
                self.one(population, "plannedMinimumAgeOfParticipants"),
                self.one(population, "plannedMaximumAgeOfParticipants"),
                self.sex(self.decodes(population, "plannedSexOfParticipants")),
                None,
                None,
                self.text(population, "populationDescription"),
            ),
            "outcomes": outcomes,
            "arms": arms,
            "design": {
                "intervention_model": _code(self.decoded(design, "interventionModel")),
                "masking": n.masking(blinding.removesuffix(" Study"))[0] if blinding else None,
                "primary_purpose": purpose,
                "number_of_arms": len(arms) or None,
            },
            "extra": {k: val for k, val in extra.items() if val},
        }


def _bound(range_: Any, key: str) -> tuple[Any, Any]:
    """(number, unit code) of a Range's bound: a Quantity (USDM 4) or a bare number with the Range's unit (3)."""
    if not isinstance(range_, dict):
        return None, None
    bound = range_.get(key)
    if isinstance(bound, dict):
        return bound.get("value"), bound.get("unit")
    return bound, range_.get("unit")


def _float(value: Any, default: float) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 10**9:
        return None
    return int(value) if float(value).is_integer() else None


def _criteria_text(sections: dict[str, list[str]]) -> str | None:
    """The criteria as one numbered text per section; a criterion's own lists are indented under it."""
    out: list[str] = []
    for kind, heading in (("inclusion", "Inclusion Criteria:"), ("exclusion", "Exclusion Criteria:")):
        if not sections[kind]:
            continue
        out.append(heading)
        for number, text in enumerate(sections[kind], start=1):
            first, _, rest = text.partition("\n")
            lines = [f"{number}. {first.removeprefix('- ')}"]  # a criterion that opens with its list
            lines += [f"    {line}" if line.strip() else "" for line in rest.split("\n")] if rest else []
            out.append("\n".join(lines))
    return "\n\n".join(out) or None


FORMAT = Format(NAME, "CDISC USDM JSON (digital protocol)", score, parse, (".json",))
