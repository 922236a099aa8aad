"""Normalization of registry wording to the model's vocabularies."""

from __future__ import annotations

import pytest

from viewer.core import normalize as n


@pytest.mark.parametrize(
    ("raw", "years"),
    [("18 Years", 18), ("18 Months", 1.5), ("6 Weeks", 0.115), ("30 Days", 0.082), ("N/A", None), ("", None),
     (None, None), ("65", 65), ("2 Hours", 0.0002), ("No limit", None), ("12 years", 12)],
)  # fmt: skip
def test_age_years(raw: str | None, years: float | None) -> None:
    got = n.age_years(raw)
    assert got == years if years is None else got == pytest.approx(years, abs=1e-3)


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Completed", "COMPLETED"), ("Active, not recruiting", "ACTIVE_NOT_RECRUITING"), ("RECRUITING", "RECRUITING"),
     ("Not yet recruiting", "NOT_YET_RECRUITING"), ("Unknown status", "UNKNOWN"), ("Withheld", "WITHHELD"),
     ("Authorised, recruitment pending", "NOT_YET_RECRUITING"), ("Enrolling by invitation", "ENROLLING_BY_INVITATION"),
     ("Temporarily halted", "SUSPENDED"), ("Prematurely ended", "TERMINATED"), ("gibberish", None), (None, None)],
)  # fmt: skip
def test_status(raw: str | None, code: str | None) -> None:
    assert n.status(raw) == code


@pytest.mark.parametrize(
    ("raw", "codes"),
    [("Phase 2", ("PHASE2",)), ("Phase 1/Phase 2", ("PHASE1", "PHASE2")), ("Phase 2 Phase 3", ("PHASE2", "PHASE3")),
     ("Phase II", ("PHASE2",)), ("Phase III", ("PHASE3",)), ("N/A", ("NA",)), ("Early Phase 1", ("EARLY_PHASE1",)),
     ("EARLY_PHASE1", ("EARLY_PHASE1",)), ("PHASE4", ("PHASE4",)), ("Phase 0", ("EARLY_PHASE1",)), ("", ()),
     ("Phase 1/2", ("PHASE1", "PHASE2"))],
)  # fmt: skip
def test_phases(raw: str, codes: tuple[str, ...]) -> None:
    assert n.phases(raw) == codes


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("September 2003", "2003-09"), ("July 19, 2010", "2010-07-19"), ("2018-03-08", "2018-03-08"),
     ("2003-10", "2003-10"), ("19 July 2010", "2010-07-19"), ("19/07/2010", "2010-07-19"),
     ("2010/07/19", "2010-07-19"), ("Sept. 2004", "2004-09"),
     ("sometime soon", "sometime soon"), (None, None), ("February 30, 2010", "February 30, 2010")],
)  # fmt: skip
def test_iso_date(raw: str | None, iso: str | None) -> None:
    assert n.iso_date(raw) == iso


def test_sex_and_yes_no() -> None:
    assert [n.sex(x) for x in ("All", "Both", "FEMALE", "Male", "Not specified", None)] == [
        "all", "all", "female", "male", None, None]  # fmt: skip
    assert [n.yes_no(x) for x in ("Yes", "No", True, False, "maybe", None)] == [True, False, True, False, None, None]


def test_codes_and_masking() -> None:
    assert n.code("Single Group Assignment") == "SINGLE_GROUP"
    assert n.code("Parallel Assignment") == "PARALLEL"
    assert n.code("Non-Randomized") == "NON_RANDOMIZED"
    assert n.masking("Double (Participant, Investigator)") == ("DOUBLE", ("PARTICIPANT", "INVESTIGATOR"))
    assert n.masking("None (Open Label)") == ("NONE", ())
    assert n.study_type("Interventional  (Clinical Trial)") == "INTERVENTIONAL"
    assert n.study_type("Interventional clinical trial of medicinal product") == "INTERVENTIONAL"
    assert n.study_type("Observational [Patient Registry]") == "OBSERVATIONAL"


@pytest.mark.parametrize(
    ("ident", "registry"),
    [("NCT01165008", "ClinicalTrials.gov"), ("2024-516057-42-00", "EU CTIS"), ("2015-001314-10", "EU CTR"),
     ("ISRCTN12345678", "ISRCTN"), ("ChiCTR2000029308", "ChiCTR"), ("whatever", None)],
)  # fmt: skip
def test_registry_for_id(ident: str, registry: str | None) -> None:
    assert n.registry_for_id(ident) == registry


def test_unescape_markdown() -> None:
    assert n.unescape_markdown(r"score \>= 4 and \<5 \* 2") == "score >= 4 and <5 * 2"
