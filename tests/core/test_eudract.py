"""The shared helpers the EU register and ICTRP parsers read with: EU vocabulary, list text, markup, and the
normalizer words they added (statuses, ages, registry ids)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_properties import PROFILE
from viewer.core import normalize as n
from viewer.core.parsing import eudract as eu
from viewer.core.parsing.listtext import list_items, restore_breaks, split_top_level, unrepeated
from viewer.core.parsing.markup import markup_text


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Ongoing", "RECRUITING"), ("Completed", "COMPLETED"), ("Prematurely Ended", "TERMINATED"),
     ("Temporarily Halted", "SUSPENDED"), ("Restarted", "RECRUITING"), ("Not Authorised", "WITHDRAWN"),
     ("Trial now transitioned", "UNKNOWN"), ("GB - no longer in EU/EEA", "UNKNOWN"), ("Prohibited by CA", "WITHDRAWN"),
     ("Suspended by CA", "SUSPENDED"), ("Authorised", "NOT_YET_RECRUITING"),
     ("Not Recruiting", "ACTIVE_NOT_RECRUITING")],
)  # fmt: skip
def test_eu_and_ictrp_statuses(raw: str, code: str) -> None:
    assert n.status(raw) == code


@pytest.mark.parametrize(
    ("raw", "years"),
    [(">= 20age old", 20), ("<= 82age old", 82), ("20years-old", 20), ("60(Year)", 60), ("18.00 Year(s)", 18),
     ("≥ 18 years", 18), ("None", None), ("Not applicable", None), ("P18Y", 18), ("18Y", 18), ("6M", 0.5),
     ("0D", 0)],
)  # fmt: skip
def test_registry_age_wordings(raw: str, years: float | None) -> None:
    assert n.age_years(raw) == years


@pytest.mark.parametrize(
    ("ident", "registry"),
    [("EUCTR2020-000123-45-DE", "EU CTR"), ("2020-000123-45-DE", "EU CTR"), ("CTIS2023-507385-11-00", "EU CTIS"),
     ("CTRI/2020/01/012345", "CTRI"), ("ChiCTR2000029953", "ChiCTR"), ("IRCT20200101046011N1", "IRCT"),
     ("JPRN-UMIN000001825", "Japan (JPRN/jRCT)"), ("jRCT2071210009", "Japan (JPRN/jRCT)"), ("ISRCTN12345678", "ISRCTN"),
     ("ACTRN12620000123456", "ANZCTR"), ("DRKS00015863", "DRKS"), ("PACTR202001123456789", "PACTR"),
     ("KCT0000379", "CRiS (Korea)"), ("TCTR20200101001", "TCTR"), ("RBR-6wf9k7", "ReBEC"), ("NL-OMON55279", "NL-OMON"),
     ("NTR1234", "Netherlands Trial Register"), ("SLCTR/2020/001", "SLCTR"), ("PER-012-20", "REPEC"),
     ("LBCTR2020013456", "LBCTR"), ("ITMCTR2024000012", "ITMCTR")],
)  # fmt: skip
def test_registries_of_ictrp_ids(ident: str, registry: str) -> None:
    assert n.registry_for_id(ident) == registry


def test_age_groups_read_conservatively() -> None:
    assert eu.age_limits(["Adults (18-64 years)", "Elderly (>=65 years)"])[:2] == (18, None)
    assert eu.age_limits(["Adults (18-64 years)"])[:2] == (18, 64)
    assert eu.age_limits(["Adolescents (12-17 years)", "Adults (18-64 years)"])[:2] == (12, 64)
    assert eu.age_limits(["In Utero", "Children (2-11years)"])[:2] == (None, 11)
    assert eu.age_limits(["Trial has subjects under 18"])[:2] == (None, 17)
    assert eu.age_limits(["Trial has subjects under 18", "Children (2-11years)"])[:2] == (2, 11)
    assert eu.age_limits(["Newborns", "Infants and toddlers"])[1] == pytest.approx(23 / 12)
    assert eu.age_limits([]) == (None, None, None, None)
    assert eu.age_limits(["Adults", "Elderly"])[2:] == ("Adults", "Elderly")


def test_flags() -> None:
    pairs = [("Human pharmacology (Phase I)", "Yes"), ("Therapeutic exploratory (Phase II)", "No"),
             ("Therapeutic confirmatory (Phase III)", "yes"), ("Therapeutic use (Phase IV)", "")]  # fmt: skip
    assert eu.phases_from_flags(pairs) == ("PHASE1", "PHASE3")
    assert eu.flags_in_text("Female: yes Male: no") == [("Female", "yes"), ("Male", "no")]
    assert eu.sex_from_flags("Yes", "No") == "female" and eu.sex_from_flags(None, None) is None
    design, terms = eu.design_from_flags({"controlled": "Yes", "randomised": "No", "single blind": "Yes"})
    assert design == {"allocation": "NON_RANDOMIZED", "masking": "SINGLE"} and terms == ["Controlled", "Single blind"]


def test_status_across_member_states() -> None:
    assert eu.overall_status([("SE", "Completed"), ("PT", "Completed")]) == ("Completed", "COMPLETED")
    assert eu.overall_status([("FR", "Completed"), ("DE", "Ongoing"), ("ES", "Completed")]) == (
        "Completed (FR, ES); Ongoing (DE)", "RECRUITING",
    )  # fmt: skip
    assert eu.overall_status([("IT", "Trial now transitioned"), ("ES", "Prematurely Ended")])[1] == "TERMINATED"
    assert eu.overall_status([]) == (None, None)


def test_member_states_and_identifiers() -> None:
    assert eu.member_state("Spain - AEMPS") == ("Spain", "AEMPS")
    assert eu.member_state("UK - MHRA") == ("United Kingdom", "MHRA")
    assert eu.member_state("Czech Republic - SUKL") == ("Czechia", "SUKL")
    assert eu.member_state("Outside EU/EEA") == (None, None)
    assert eu.state_country("gr") == "Greece" and eu.state_country("3rd") is None
    assert eu.identifier("NCT 01234567") == "NCT01234567"
    assert eu.identifier("ISRCTN-12345678") == "ISRCTN12345678"
    assert eu.identifier("Name:IND Number:123456") == "123456"
    assert [eu.identifier(x) for x in ("N/A", "-", "NIL", "none", "", "Nil known", "Not applicable")] == [None] * 7
    assert eu.identifier("TRAM2 analysis") == "TRAM2 analysis"


def test_markup_to_text() -> None:
    raw = "\r<br>        Inclusion Criteria:\r<br>\r<br>        - eGFR <45 and Hgb <LLN, &lt;2 x ULN, R&D<br /><p>x</p>"
    assert markup_text(raw) == "        Inclusion Criteria:\n\n        - eGFR <45 and Hgb <LLN, <2 x ULN, R&D\n\nx"
    assert markup_text("<ul><li>a</li><li>b</li></ul>") == "• a\n• b"
    assert markup_text("<br><br>  ") is None and markup_text(None) is None


def test_list_items() -> None:
    assert list_items("Over 26 weeks:\n• AEs;\n• Labs\nand\n• ECG") == [
        ("AEs;", "Over 26 weeks:"), ("Labs", "Over 26 weeks:"), ("ECG", "Over 26 weeks:"),
    ]  # fmt: skip
    assert list_items("1) One of\nthe things\n2) Two") == [("One of the things", None), ("Two", None)]
    assert list_items("Damage at last visit\nCoping, NRS, at each visit") == [
        ("Damage at last visit", None), ("Coping, NRS, at each visit", None),
    ]  # fmt: skip
    assert list_items("incidence of: • SAEs • AESIs") == [("SAEs", "incidence of:"), ("AESIs", "incidence of:")]
    assert list_items("Time to death") == [("Time to death", None)]
    assert list_items("") == []


def test_restore_breaks() -> None:
    assert restore_breaks("1- A assessment2- B endoscopy3- C") == "1- A assessment\n2- B endoscopy\n3- C"
    assert restore_breaks("received.,2. A subject") == "received.,2. A subject"  # a run needs 1 first
    assert restore_breaks("1. A received.,2. A subject") == "1. A received.\n2. A subject"
    assert restore_breaks("have:    -An NPS.-Signed") == "have:\n    -An NPS.\n-Signed"
    assert restore_breaks("score of 3.0 in 5 half-lives, Week 24") == "score of 3.0 in 5 half-lives, Week 24"


def test_separators_and_repeats() -> None:
    assert split_top_level("a (x; y);b;;") == ["a (x; y)", "b"]
    assert unrepeated("a\nb\n ;\na\nb") == ("a\nb", 1)
    assert unrepeated("a;\nb") == ("a;\nb", 0)


@PROFILE
@given(st.text(max_size=400))
def test_helpers_never_fail(text: str) -> None:
    markup_text(text)
    list_items(text)
    restore_breaks(text)
    unrepeated(text)
    eu.identifier(text)
    eu.age_limits(text.split(","))


def test_extra_keys_are_the_shared_vocabulary() -> None:
    from tests.conftest import CORPUS
    from viewer.core import extra_keys as K
    from viewer.core.loader import read_file

    for path in (*sorted((CORPUS / "D_euctr_text").glob("*")), *sorted((CORPUS / "E_ictrp_xml").glob("*"))):
        for study in read_file(path):
            assert set(study.extra) <= K.KNOWN, path.name


def test_design_wording() -> None:
    from viewer.core.parsing.designtext import design_codes

    assert design_codes(
        "Allocation: Randomized. Intervention model: Parallel Assignment. Primary purpose: Treatment. "
        "Masking: Double (Participant, Investigator)."
    ) == {"allocation": "RANDOMIZED", "intervention_model": "PARALLEL", "primary_purpose": "TREATMENT",
          "masking": "DOUBLE", "who_masked": ("PARTICIPANT", "INVESTIGATOR")}  # fmt: skip
    assert design_codes(
        "Primary Purpose : Diagnosis, Intervention Model : Others, Blinding/Masking : Open, Allocation : Not Applicable"
    ) == {"primary_purpose": "DIAGNOSTIC", "masking": "NONE", "who_masked": (), "allocation": "NA"}
    assert design_codes("randomized controlled trial, open(masking not used), parallel assignment") == {
        "allocation": "RANDOMIZED", "masking": "NONE", "intervention_model": "PARALLEL",
    }  # fmt: skip
    assert design_codes("Allocation: ; Masking: ; Study design purpose: health services research") == {
        "primary_purpose": "HEALTH_SERVICES_RESEARCH"
    }
    assert design_codes("Single arm Non-randomized") == {
        "allocation": "NON_RANDOMIZED",
        "intervention_model": "SINGLE_GROUP",
    }
