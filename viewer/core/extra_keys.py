"""The one vocabulary of `Study.extra` keys: every parser labels the same fact the same way.

The labels are shown to people (the "Other details" section) and exported, so they are words, not codes.
tests/core/test_extra_keys.py checks that every key a parser writes on the corpus is one of these.
"""

from __future__ import annotations

ACCEPTS_PATIENTS = "Accepts patients"
AGE_GROUPS = "Age groups"
AVAILABLE_IPD = "Available IPD"
BIOSPECIMEN_DESCRIPTION = "Biospecimen description"
BIOSPECIMEN_RETENTION = "Biospecimen retention"
COMPLETION_DATE_TYPE = "Completion date type"
CONDITION_MESH_TERMS = "Condition MeSH terms"
COUNTRIES = "Countries"
DELAYED_POSTING = "Delayed posting"
DOWNLOADED = "Downloaded"
ENDPOINT_CLASSIFICATION = "Endpoint classification"
EXPANDED_ACCESS_RECORD = "Expanded access record"
EXPANDED_ACCESS_TYPES = "Expanded access types"
FDA_REGULATED = "FDA-regulated"
FDA_REGULATED_DEVICE = "FDA-regulated device"
FDA_REGULATED_DRUG = "FDA-regulated drug"
FDAAA_SECTION_801_TRIAL = "FDAAA section 801 trial"
FIRST_SUBMITTED = "First submitted"
GENDER_BASED = "Gender based"
GENDER_DESCRIPTION = "Gender description"
HAS_DATA_MONITORING_COMMITTEE = "Has data monitoring committee"
HAS_EXPANDED_ACCESS = "Has expanded access"
HAS_RESULTS = "Has results"
INFORMATION_PROVIDED_BY = "Information provided by"
INTERVENTION_MESH_TERMS = "Intervention MeSH terms"
IPD_ACCESS_CRITERIA = "IPD access criteria"
IPD_INFORMATION_TYPES = "IPD information types"
IPD_SHARING = "IPD sharing"
IPD_SHARING_PLAN = "IPD sharing plan"
IPD_TIME_FRAME = "IPD time frame"
IPD_URL = "IPD URL"
LAST_DATA_ENTRY = "Last data entry"
LAST_FOLLOW_UP = "Last follow-up"
LAST_KNOWN_STATUS = "Last known status"
LAST_UPDATE_SUBMITTED = "Last update submitted"
LEAD_SPONSOR_CLASS = "Lead sponsor class"
ORGANIZATION = "Organization"
ORGANIZATION_STUDY_ID = "Organization study ID"
OTHER_DESIGN_TERMS = "Other design terms"
PATIENT_REGISTRY = "Patient registry"
PEDIATRIC_POSTMARKET_SURVEILLANCE = "Pediatric postmarket surveillance"
PRIMARY_COMPLETION_DATE_TYPE = "Primary completion date type"
US_EXPORT = "Product exported from the U.S."
RECORD_URL = "Record URL"
MEDPATH_STATUS = "Recruitment status (MedPath)"
REGULATORY_AUTHORITIES = "Regulatory authorities"
REMOVED_COUNTRIES = "Removed countries"
RESPONSIBLE_PARTY = "Responsible party"
RESPONSIBLE_PARTY_ORGANIZATION = "Responsible party organization"
RESPONSIBLE_PARTY_TITLE = "Responsible party title"
RESULTS_FIRST_POSTED = "Results first posted"
RESULTS_FIRST_SUBMITTED = "Results first submitted"
SAMPLING_METHOD = "Sampling method"
SECONDARY_IDS = "Secondary IDs"
START_DATE_TYPE = "Start date type"
STATUS_VERIFIED = "Status verified"
STUDY_DESIGN = "Study design"
STUDY_DOCUMENTS = "Study documents"
STUDY_TYPE_AS_REGISTERED = "Study type (as registered)"
TARGET_DURATION = "Target duration"
UNAPPROVED_DEVICE = "Unapproved device"
CLINICAL_TRIAL_TYPE = "Clinical trial type"
ETHICS_REVIEW = "Ethics review"
INVESTIGATOR_NETWORKS = "Investigator networks"
LAST_REFRESHED = "Last refreshed (ICTRP)"
MEDDRA_TERMS = "MedDRA terms"
MEMBER_STATE_DETAILS = "Member state details"
NATIONAL_LANGUAGE_TEXTS = "National-language texts"
PAEDIATRIC_INVESTIGATION_PLAN = "Paediatric investigation plan"
PLANNED_SITE_REGIONS = "Planned site regions"
RARE_DISEASE = "Rare disease"
RESULTS_URL = "Results URL"
RETROSPECTIVELY_REGISTERED = "Retrospectively registered"
SITES_PLANNED = "Sites planned"
SOURCE_OF_SUPPORT = "Source of support"
SOURCE_REGISTER = "Source register"
TARGET_SIZE = "Target size (as registered)"
TRIAL_SCOPE = "Trial scope"
TRIAL_RESULTS = "Trial results"
PROTOCOL_DATES = "Protocol dates"
PROTOCOL_STATUS = "Protocol status"
PROTOCOL_VERSION = "Protocol version"
STUDY_CHARACTERISTICS = "Study characteristics"
THERAPEUTIC_AREAS = "Therapeutic areas"
TRIAL_INTENT_TYPES = "Trial intent types"
USDM_VERSION = "USDM version"

KNOWN: frozenset[str] = frozenset(
    {
        ACCEPTS_PATIENTS,
        AGE_GROUPS,
        AVAILABLE_IPD,
        BIOSPECIMEN_DESCRIPTION,
        BIOSPECIMEN_RETENTION,
        COMPLETION_DATE_TYPE,
        CONDITION_MESH_TERMS,
        COUNTRIES,
        DELAYED_POSTING,
        DOWNLOADED,
        ENDPOINT_CLASSIFICATION,
        EXPANDED_ACCESS_RECORD,
        EXPANDED_ACCESS_TYPES,
        FDA_REGULATED,
        FDA_REGULATED_DEVICE,
        FDA_REGULATED_DRUG,
        FDAAA_SECTION_801_TRIAL,
        FIRST_SUBMITTED,
        GENDER_BASED,
        GENDER_DESCRIPTION,
        HAS_DATA_MONITORING_COMMITTEE,
        HAS_EXPANDED_ACCESS,
        HAS_RESULTS,
        INFORMATION_PROVIDED_BY,
        INTERVENTION_MESH_TERMS,
        IPD_ACCESS_CRITERIA,
        IPD_INFORMATION_TYPES,
        IPD_SHARING,
        IPD_SHARING_PLAN,
        IPD_TIME_FRAME,
        IPD_URL,
        LAST_DATA_ENTRY,
        LAST_FOLLOW_UP,
        LAST_KNOWN_STATUS,
        LAST_UPDATE_SUBMITTED,
        LEAD_SPONSOR_CLASS,
        ORGANIZATION,
        ORGANIZATION_STUDY_ID,
        OTHER_DESIGN_TERMS,
        PATIENT_REGISTRY,
        PEDIATRIC_POSTMARKET_SURVEILLANCE,
        PRIMARY_COMPLETION_DATE_TYPE,
        US_EXPORT,
        RECORD_URL,
        MEDPATH_STATUS,
        REGULATORY_AUTHORITIES,
        REMOVED_COUNTRIES,
        RESPONSIBLE_PARTY,
        RESPONSIBLE_PARTY_ORGANIZATION,
        RESPONSIBLE_PARTY_TITLE,
        RESULTS_FIRST_POSTED,
        RESULTS_FIRST_SUBMITTED,
        SAMPLING_METHOD,
        SECONDARY_IDS,
        START_DATE_TYPE,
        STATUS_VERIFIED,
        STUDY_DESIGN,
        STUDY_DOCUMENTS,
        STUDY_TYPE_AS_REGISTERED,
        TARGET_DURATION,
        UNAPPROVED_DEVICE,
        CLINICAL_TRIAL_TYPE,
        ETHICS_REVIEW,
        INVESTIGATOR_NETWORKS,
        LAST_REFRESHED,
        MEDDRA_TERMS,
        MEMBER_STATE_DETAILS,
        NATIONAL_LANGUAGE_TEXTS,
        PAEDIATRIC_INVESTIGATION_PLAN,
        PLANNED_SITE_REGIONS,
        RARE_DISEASE,
        RESULTS_URL,
        RETROSPECTIVELY_REGISTERED,
        SITES_PLANNED,
        SOURCE_OF_SUPPORT,
        SOURCE_REGISTER,
        TARGET_SIZE,
        TRIAL_SCOPE,
        TRIAL_RESULTS,
        PROTOCOL_DATES,
        PROTOCOL_STATUS,
        PROTOCOL_VERSION,
        STUDY_CHARACTERISTICS,
        THERAPEUTIC_AREAS,
        TRIAL_INTENT_TYPES,
        USDM_VERSION,
    }
)
"""Every key above."""
