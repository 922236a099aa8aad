"""The protocol tree of a study: sections, counts, nesting, keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SEEDS
from viewer.core.loader import read_file
from viewer.core.model import (
    Contact,
    Criterion,
    Eligibility,
    Intervention,
    Outcome,
    Outcomes,
    Site,
    Source,
    Study,
    Summary,
)
from viewer.core.outline import NONE_STATED, Kind, Node, age_range, humanize, one_line, outline, sites_by_country

SECTIONS = [
    "Summary",
    "Eligibility",
    "Outcomes",
    "Sites",
    "Design",
    "Arms and interventions",
    "Contacts",
    "References",
    "Other details",
    "Source",
]
SEED_FILES = [SEEDS / "000_9a8944e657c20510.txt", SEEDS / "004_5c3f0f274010b228.txt"]
CTGOV_JSON = sorted((CORPUS / "A_ctgov_api_v2_json").glob("*.json"))


def _study(**fields: object) -> Study:
    source = Source(file="mem.json", format="test", sha256="0" * 64, warnings=("odd date",))
    return Study.model_validate({"id": "NCT00000001", "registry": "Test", "source": source, **fields})


def _labels(node: Node) -> list[str]:
    return [child.label for child in node.children]


def test_sections_in_order() -> None:
    root = outline(_study())
    assert root.kind is Kind.STUDY
    assert _labels(root) == SECTIONS


def test_eligibility_groups_facts_and_nested_criteria() -> None:
    nested = Criterion(text="One of:", children=(Criterion(text="a"), Criterion(text="b")))
    study = _study(
        eligibility=Eligibility(
            inclusion=(Criterion(text="Adults"), nested),
            exclusion=(Criterion(text="Pregnant"),),
            minimum_age_years=18,
            maximum_age_raw="80 Years",
            sex="female",
            healthy_volunteers=False,
            study_population="Patients at two clinics",
        )
    )
    eligibility = outline(study).children[1]
    assert [c.title for c in eligibility.children] == [
        "Inclusion (2)",
        "Exclusion (1)",
        "Age: 18 years to 80 Years",
        "Sex: Female",
        "Healthy volunteers: No",
        "Study population",
    ]
    inclusion = eligibility.children[0]
    assert inclusion.children[1].ref is nested
    assert [c.label for c in inclusion.children[1].children] == ["a", "b"]
    assert inclusion.children[1].children[1].key == ("eligibility", "inclusion", 1, "children", 1)


def test_outcomes_with_time_frames_and_counts() -> None:
    study = _study(
        outcomes=Outcomes(
            primary=(Outcome(measure="Survival", time_frame="5 years"),),
            other=(Outcome(measure="QoL"), Outcome(measure="Pain")),
        )
    )
    outcomes = outline(study).children[2]
    assert outcomes.title == "Outcomes (3)"
    assert [c.title for c in outcomes.children] == ["Primary (1)", "Other (2)"]  # no "Secondary (0)"
    assert outcomes.children[0].children[0].note == "5 years"


def test_empty_sub_groups_are_left_out() -> None:
    study = _study(
        eligibility=Eligibility(exclusion=(Criterion(text="Pregnant"),)),
        summary=Summary(interventions=(Intervention(name="Aspirin"),)),
    )
    root = outline(study)
    eligibility, arms = root.find(("eligibility",)), root.find(("arms",))
    assert eligibility is not None and arms is not None
    assert [c.title for c in eligibility.children][:2] == ["Exclusion (1)", "Age: Not stated"]
    assert root.find(("eligibility", "inclusion")) is None
    assert [c.title for c in arms.children] == ["Interventions (1)"]
    assert not arms.empty and arms.note is None


def test_empty_top_level_sections_stay_and_say_none_stated() -> None:
    root = outline(_study(source=Source(file="mem.json", format="test", sha256="0" * 64)))
    assert _labels(root) == SECTIONS  # the layout never changes between studies
    by_label = {node.label: node for node in root.children}
    empty = ["Outcomes", "Sites", "Arms and interventions", "Contacts", "References", "Other details"]
    for label in empty:
        node = by_label[label]
        assert node.empty and node.note == NONE_STATED and node.count is None, label
        assert node.title == label and node.children == ()
    for label in set(SECTIONS) - set(empty):
        assert not by_label[label].empty and by_label[label].note is None, label
    assert [c.label for c in by_label["Eligibility"].children] == [
        "Age: Not stated",
        "Sex: Not stated",
        "Healthy volunteers: Not stated",
    ]
    assert by_label["Source"].children == ()


def test_sites_grouped_by_country_with_contacts() -> None:
    sites = (
        Site(facility="B", country="Sweden"),
        Site(facility="A", country="Austria"),
        Site(facility="C"),
        Site(facility="D", country="Sweden", contacts=(Contact(name="Dr X", role="PRINCIPAL_INVESTIGATOR"),)),
    )
    node = outline(_study(sites=sites)).children[3]
    assert node.title == "Sites (4)"
    assert [c.title for c in node.children] == ["Austria (1)", "Sweden (2)", "Country not stated (1)"]
    sweden = node.children[1]
    assert [s.label for s in sweden.children] == ["B", "D"]
    contact = sweden.children[1].children[0]
    assert (contact.kind, contact.label, contact.note) == (Kind.CONTACT, "Dr X", "Principal investigator")
    assert [c for c, _ in sites_by_country(sites)] == ["Austria", "Sweden", "Country not stated"]


def test_keys_are_unique_and_findable() -> None:
    study = read_file(ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json")[0]
    root = outline(study)
    keys = [node.key for node in root.walk()]
    assert len(keys) == len(set(keys))
    for node in root.walk():
        assert root.find(node.key) is node


def test_source_warnings_listed() -> None:
    source = outline(_study()).children[-1]
    assert [c.title for c in source.children] == ["Parse warnings (1)"]
    assert source.children[0].children[0].label == "odd date"


def test_summary_has_detailed_description_child_only_when_present() -> None:
    assert outline(_study()).children[0].children == ()
    node = outline(_study(summary=Summary(detailed_description="Long text"))).children[0]
    assert [c.kind for c in node.children] == [Kind.DESCRIPTION]


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("NOT_YET_RECRUITING", "Not yet recruiting"),
        ("PHASE2", "Phase 2"),
        ("EARLY_PHASE1", "Early phase 1"),
        ("NA", "Not applicable"),
        ("ACTIVE_NOT_RECRUITING", "Active, not recruiting"),
        ("Authorised, recruitment pending", "Authorised, recruitment pending"),
        (None, ""),
    ],
)
def test_humanize(code: str | None, words: str) -> None:
    assert humanize(code) == words


def test_labels_are_one_line_and_bounded() -> None:
    assert one_line("a\n  b\tc") == "a b c"
    long = one_line("word " * 100)
    assert len(long) <= 160 and long.endswith("…")


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({}, "Not stated"),
        ({"minimum_age_years": 18}, "18 years and older"),
        ({"maximum_age_years": 65.5}, "up to 65.5 years"),
        ({"minimum_age_raw": "6 Months"}, "6 Months and older"),
        ({"minimum_age_raw": "18 Years", "maximum_age_raw": "80 Years"}, "18 Years to 80 Years"),
        # Legacy XML writes "N/A" where there is no limit; it is not an age
        ({"minimum_age_raw": "18 Years", "minimum_age_years": 18, "maximum_age_raw": "N/A"}, "18 Years and older"),
        ({"minimum_age_raw": "N/A", "maximum_age_raw": "N/A"}, "Not stated"),
        ({"minimum_age_raw": "N/A", "maximum_age_raw": "65 Years", "maximum_age_years": 65}, "up to 65 Years"),
        ({"minimum_age_raw": "None", "maximum_age_raw": " n/a "}, "Not stated"),
        ({"minimum_age_raw": "", "maximum_age_raw": "", "minimum_age_years": 2}, "2 years and older"),
        ({"minimum_age_raw": "N/A", "maximum_age_raw": "No limit"}, "Not stated"),
    ],
)
def test_age_range(fields: dict[str, object], text: str) -> None:
    assert age_range(Eligibility.model_validate(fields)) == text


@pytest.mark.parametrize(
    ("name", "age"),
    [
        ("aact__NCT00023673.xml", "Age: Not stated"),  # <minimum_age>N/A and <maximum_age>N/A
        ("aact__NCT00277524.xml", "Age: 18 Years and older"),  # <minimum_age>18 Years, <maximum_age>N/A
    ],
)
def test_legacy_xml_without_age_limits(name: str, age: str) -> None:
    (study,) = read_file(CORPUS / "B_ctgov_legacy_xml" / name)
    node = outline(study).find(("eligibility", "age"))
    assert node is not None and node.label == age


@pytest.mark.parametrize("path", [*SEED_FILES, *CTGOV_JSON], ids=lambda p: Path(p).name)
def test_real_records_give_complete_trees(path: Path) -> None:
    for study in read_file(path):
        root = outline(study)
        assert _labels(root) == SECTIONS
        inclusion = root.find(("eligibility", "inclusion"))
        assert (inclusion.count if inclusion else 0) == len(study.eligibility.inclusion)
        assert sum(c.count or 0 for c in root.children[3].children) == len(study.sites)
        assert root.children[3].empty == (not study.sites)
        below_top = [node for section in root.children for node in section.walk() if node is not section]
        assert all(node.count != 0 and not node.empty for node in below_top), study.id
