"""Every real record in the corpus folders this issue covers opens, and round-trips through the export."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CORPUS, DATA, SEEDS
from viewer.core.document import Document
from viewer.core.errors import ParseError
from viewer.core.formats import detect, scores
from viewer.core.loader import load_paths, parse_bytes, read_file
from viewer.core.parsers.jsonl import dumps

SUPPORTED = sorted(
    [
        *CORPUS.glob("A_ctgov_api_v2_json/*.json"),
        *CORPUS.glob("B_ctgov_legacy_xml/**/*.xml"),
        *SEEDS.glob("*.txt"),
        *CORPUS.glob("D_euctr_text/*.txt"),
        *CORPUS.glob("E_ictrp_xml/*.xml"),
        *CORPUS.glob("A1_ctgov_api_v1_classic_json/*.json"),
        *CORPUS.glob("C_ctgov_archive_page_html/*.html"),
        *CORPUS.glob("F_usdm_json/*.json"),
    ]
)
EVERYTHING = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md")


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", SUPPORTED, ids=_id)
def test_opens(path: Path) -> None:
    studies = read_file(path)
    assert studies
    for index, study in enumerate(studies):
        assert study.id
        assert study.source.record == index
        assert len(study.source.sha256) == 64
        assert study.summary.brief_title or study.summary.official_title
    named = re.search(r"NCT\d{8}", path.name)
    if named and "studies-page" not in path.name and "results" not in path.name:
        # A file may be named by an alias NCT id (aact__NCT00980226.xml holds NCT00081588).
        assert named.group(0) in (studies[0].id, *studies[0].secondary_ids)


@pytest.mark.parametrize("path", SUPPORTED, ids=_id)
def test_round_trip_through_json_lines(path: Path) -> None:
    studies = read_file(path)
    assert parse_bytes(dumps(studies).encode("utf-8"), "export.jsonl") == studies


@pytest.mark.parametrize("path", EVERYTHING, ids=_id)
def test_any_corpus_file_gives_studies_or_a_clear_error(path: Path) -> None:
    try:
        studies = read_file(path)
    except ParseError as exc:
        assert str(path) in str(exc) and exc.reason
    else:
        assert studies


def test_folder_load_counts() -> None:
    results = list(load_paths([CORPUS / "A_ctgov_api_v2_json"]))
    assert len(results) == 20 and all(r.ok for r in results)
    assert sum(len(r.studies) for r in results) == 21


def test_v2_fields_from_a_real_record() -> None:
    [study] = read_file(CORPUS / "A_ctgov_api_v2_json" / "aact__NCT02552212.json")
    s = study.summary
    assert s.overall_status == "COMPLETED" and s.phases == ("PHASE3",)
    assert study.eligibility.minimum_age_years == 18
    active = study.eligibility.inclusion[4]
    assert active.text == "Active disease at Screening as defined by"
    assert [c.text for c in active.children] == [
        "Bath Ankylosing Spondylitis Disease Activity Index (BASDAI) score >= 4",
        "Spinal pain >= 4 on a 0 to 10 Numerical Rating Scale (NRS)",
    ]
    assert len(study.eligibility.exclusion) == 11
    assert study.sites and all(site.country for site in study.sites)


def test_studies_page_gives_several_studies() -> None:
    studies = read_file(CORPUS / "A_ctgov_api_v2_json" / "jamesvdinh__studies-page_2025-06-17T11-16-37-179Z.json")
    assert len(studies) == 2
    assert studies[0].id != studies[1].id
    assert [s.source.record for s in studies] == [0, 1]


def test_v2_record_saved_with_sorted_keys_and_indentation(tmp_path: Path) -> None:
    import json

    original = CORPUS / "A_ctgov_api_v2_json" / "aact__NCT02552212.json"
    resaved = tmp_path / "sorted.json"
    resaved.write_text(json.dumps(json.loads(original.read_bytes()), sort_keys=True, indent=4), encoding="utf-8")
    [study] = read_file(resaved)
    [expected] = read_file(original)
    assert study.model_dump(exclude={"source"}) == expected.model_dump(exclude={"source"})


def test_v2_extra_facts_are_kept() -> None:
    [study] = read_file(CORPUS / "A_ctgov_api_v2_json" / "aact__NCT03630471.json")
    assert study.extra["IPD information types"] == "STUDY_PROTOCOL, SAP, ICF"
    assert study.extra["IPD URL"] == "http://datacompass.lshtm.ac.uk/"
    assert study.extra["Start date type"] == "ACTUAL"
    [other] = read_file(CORPUS / "A_ctgov_api_v2_json" / "aact__NCT02552212.json")
    assert other.extra["Secondary IDs"] == "2015-001894-41 (EUDRACT_NUMBER)"
    assert other.extra["Expanded access record"] == "NCT03559686"


FIXTURES = sorted(p for p in (*EVERYTHING, *SEEDS.glob("*"), *DATA.rglob("*")) if p.is_file() and p.suffix != ".md")


@pytest.mark.parametrize("path", FIXTURES, ids=_id)
def test_detection_never_ties(path: Path) -> None:
    """The best-scoring format wins; two formats claiming a real file equally would make the order matter."""
    try:
        head = Document(path.name, path.read_bytes()).head
    except ParseError:
        return  # empty or binary: refused before any format is asked
    rated = scores(head)
    if len(rated) >= 2:
        assert rated[0][0] > rated[1][0], f"{rated[0][1].name} and {rated[1][1].name} tie at {rated[0][0]}"


def test_detection_reads_only_the_head() -> None:
    """A format is chosen from the first few KiB: the same head with a megabyte of anything after it."""
    page = (SEEDS / "000_9a8944e657c20510.txt").read_bytes()
    doc = Document("long.txt", page[:4096] + b"x" * 2**20)
    assert detect(doc).name == "ctgov-page-text"
    assert "text" not in doc.__dict__  # the whole text was never decoded
