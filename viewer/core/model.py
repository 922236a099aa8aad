"""The normalized study model shared by every parser, the exporters and the GUI."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

Sex = Literal["all", "female", "male"]
MAX_ID_LENGTH = 120
MAX_AGE_YEARS = 150.0
"""Ages are finite numbers of years from 0 to this: "1e400 Years" or NaN in an export never loads as infinity."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._-]+")


_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def file_stem(study_id: str) -> str:
    """A study id made safe as a file name: "../../tmp/EVIL" -> "tmp_EVIL", "CTRI/2020/01/1" -> "CTRI_2020_01_1".

    Only letters, digits, ".", "_" and "-"; never empty, never leading dots, never a Windows device ("NUL").
    """
    stem = _UNSAFE_IN_NAME.sub("_", study_id).strip("._-")[:MAX_ID_LENGTH] or "study"
    return f"study_{stem}" if stem.split(".")[0].upper() in _DEVICES else stem


def usable_id(value: str) -> str:
    """An id is a short single line: registry ids are at most a few dozen characters (ValueError if not)."""
    value = " ".join(value.split())
    if not value:
        raise ValueError("the study id is empty")
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"the study id is {len(value):,} characters long (at most {MAX_ID_LENGTH})")
    if _CONTROL.search(value):
        raise ValueError("the study id contains control characters")
    return value


class Frozen(BaseModel):
    """Immutable base: parsed documents never change after parsing."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Frozen):
    """Where a study came from: provenance kept for every study."""

    file: str
    format: str
    sha256: str
    warnings: tuple[str, ...] = ()
    record: int = Field(0, description="Position of the study within its file (0-based).")


class Intervention(Frozen):
    type: str | None = None
    name: str
    description: str | None = None
    other_names: tuple[str, ...] = ()
    arm_labels: tuple[str, ...] = ()


class Summary(Frozen):
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    overall_status: str | None = Field(
        None, description="ClinicalTrials.gov API v2 vocabulary, e.g. COMPLETED, RECRUITING."
    )
    overall_status_raw: str | None = None
    why_stopped: str | None = None
    phases: tuple[str, ...] = Field((), description="EARLY_PHASE1, PHASE1 ... PHASE4, NA.")
    study_type: str | None = Field(None, description="INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS.")
    sponsor: str | None = None
    collaborators: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    enrollment: int | None = None
    enrollment_type: str | None = Field(None, description="ACTUAL or ESTIMATED where stated.")
    start_date: str | None = Field(None, description="ISO 8601, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD.")
    primary_completion_date: str | None = None
    completion_date: str | None = None
    first_posted: str | None = None
    last_update_posted: str | None = None
    brief_summary: str | None = None
    detailed_description: str | None = None


class Criterion(Frozen):
    text: str
    children: tuple[Criterion, ...] = ()


class Eligibility(Frozen):
    minimum_age_years: float | None = Field(None, ge=0, le=MAX_AGE_YEARS, allow_inf_nan=False)
    maximum_age_years: float | None = Field(None, ge=0, le=MAX_AGE_YEARS, allow_inf_nan=False)
    minimum_age_raw: str | None = None
    maximum_age_raw: str | None = None
    sex: Sex | None = None
    healthy_volunteers: bool | None = None
    criteria_text: str | None = Field(None, description="The criteria as the source states them.")
    inclusion: tuple[Criterion, ...] = ()
    exclusion: tuple[Criterion, ...] = ()
    study_population: str | None = None


class Outcome(Frozen):
    measure: str
    time_frame: str | None = None
    description: str | None = None


class Outcomes(Frozen):
    primary: tuple[Outcome, ...] = ()
    secondary: tuple[Outcome, ...] = ()
    other: tuple[Outcome, ...] = ()


class Contact(Frozen):
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None
    affiliation: str | None = None


class Site(Frozen):
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None
    contacts: tuple[Contact, ...] = ()


class Arm(Frozen):
    label: str
    type: str | None = None
    description: str | None = None
    interventions: tuple[str, ...] = ()


class Design(Frozen):
    allocation: str | None = None
    intervention_model: str | None = None
    intervention_model_description: str | None = None
    primary_purpose: str | None = None
    masking: str | None = None
    masking_description: str | None = None
    who_masked: tuple[str, ...] = ()
    observational_model: str | None = None
    time_perspective: str | None = None
    number_of_arms: int | None = None


class Reference(Frozen):
    citation: str | None = None
    pmid: str | None = None
    type: str | None = None
    url: str | None = None


class Study(Frozen):
    """One study, normalized across registries; the unit of the JSON Lines export."""

    id: str = Field(description="Primary registry id: NCT number, EU CT number, EudraCT number, ...")
    secondary_ids: tuple[str, ...] = ()
    registry: str
    source: Source
    summary: Summary = Summary()
    eligibility: Eligibility = Eligibility()
    outcomes: Outcomes = Outcomes()
    sites: tuple[Site, ...] = ()
    contacts: tuple[Contact, ...] = Field((), description="Central contacts.")
    officials: tuple[Contact, ...] = Field((), description="Overall officials and investigators.")
    arms: tuple[Arm, ...] = ()
    design: Design = Design()
    references: tuple[Reference, ...] = ()
    extra: dict[str, str] = Field(
        default_factory=dict, description="Other labelled facts of the record, in source order."
    )

    @field_validator("id")
    @classmethod
    def _usable_id(cls, value: str) -> str:
        return usable_id(value)

    @property
    def title(self) -> str:
        """The best short title for lists and window captions."""
        s = self.summary
        return s.brief_title or s.official_title or s.acronym or self.id


STUDY_ADAPTER: TypeAdapter[Study] = TypeAdapter(Study)


def study_json_schema() -> dict[str, object]:
    """The published JSON Schema of one exported study (one line of the JSON Lines export)."""
    return Study.model_json_schema(mode="serialization")
