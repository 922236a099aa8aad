"""Property tests: mutated real records give studies or a ParseError; criteria splitting and normalizers never fail."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, SEEDS
from viewer.core import normalize as n
from viewer.core.criteria import split_criteria
from viewer.core.errors import ParseError
from viewer.core.loader import parse_bytes
from viewer.core.model import Criterion, Study

# Deterministic and bounded: the same examples on every run, the whole file in well under a minute.
PROFILE = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Mutations are cheap (a few ms each): more examples there.
MUTATION_PROFILE = settings(PROFILE, max_examples=200)

FILES = (
    CORPUS / "A_ctgov_api_v2_json" / "aact__NCT00973089.json",
    CORPUS / "A_ctgov_api_v2_json" / "aact__NCT03418623.json",
    CORPUS / "A_ctgov_api_v2_json" / "aact-history__studies-page_NCT03281889.json",
    CORPUS / "B_ctgov_legacy_xml" / "aact__NCT03182660.xml",
    CORPUS / "B_ctgov_legacy_xml" / "fabianvf__NCT00000201.xml",
    CORPUS / "B_ctgov_legacy_xml" / "archive_schema_2005-2014" / "fabianvf__NCT00000201_20050623.xml",
    SEEDS / "000_9a8944e657c20510.txt",
    SEEDS / "004_5c3f0f274010b228.txt",
)
ORIGINALS = [(path.name, path.read_bytes()) for path in FILES]


def check_outcome(data: bytes, name: str) -> None:
    """The only acceptable outcomes: a non-empty list of exportable studies, or a ParseError naming the file."""
    try:
        studies = parse_bytes(data, name)
    except ParseError as exc:
        assert exc.file == name and name in str(exc) and exc.reason.strip()
        return
    assert isinstance(studies, list) and studies
    for study in studies:
        assert isinstance(study, Study)
        study.model_dump_json()  # what opens must also export


# --- mutations of real files ---------------------------------------------------------------------------

Draw = Callable[[st.SearchStrategy[object]], object]


def _at(draw: Draw, data: bytearray, end: bool = False) -> int:
    return draw(st.integers(0, len(data) if end else max(len(data) - 1, 0)))  # type: ignore[return-value]


def _slice(draw: Draw, data: bytearray) -> tuple[int, int]:
    start = _at(draw, data, end=True)
    length = draw(st.integers(1, 256))
    return start, min(len(data), start + length)  # type: ignore[operator]


def flip(draw: Draw, data: bytearray) -> bytearray:
    for _ in range(draw(st.integers(1, 8))):  # type: ignore[call-overload]
        if data:
            data[_at(draw, data)] ^= 1 << draw(st.integers(0, 7))  # type: ignore[operator]
    return data


def truncate(draw: Draw, data: bytearray) -> bytearray:
    return data[: _at(draw, data, end=True)]


def insert(draw: Draw, data: bytearray) -> bytearray:
    at = _at(draw, data, end=True)
    data[at:at] = draw(st.binary(min_size=1, max_size=64))  # type: ignore[assignment]
    return data


def delete(draw: Draw, data: bytearray) -> bytearray:
    start, end = _slice(draw, data)
    del data[start:end]
    return data


def duplicate(draw: Draw, data: bytearray) -> bytearray:
    start, end = _slice(draw, data)
    at = _at(draw, data, end=True)
    data[at:at] = data[start:end]
    return data


def unicode(draw: Draw, data: bytearray) -> bytearray:
    start, end = _slice(draw, data)
    data[start:end] = draw(st.text(min_size=1, max_size=32)).encode()  # type: ignore[attr-defined]
    return data


MUTATIONS = {f.__name__: f for f in (flip, truncate, insert, delete, duplicate, unicode)}


@st.composite
def mutated(draw: Draw, kinds: tuple[str, ...] = tuple(MUTATIONS), most: int = 1) -> tuple[str, bytes]:
    name, original = draw(st.sampled_from(ORIGINALS))  # type: ignore[misc]
    data = bytearray(original)
    for _ in range(draw(st.integers(1, most))):  # type: ignore[call-overload]
        data = MUTATIONS[draw(st.sampled_from(kinds))](draw, data)  # type: ignore[index]
    return name, bytes(data)


def test_originals_open() -> None:
    for name, data in ORIGINALS:
        assert parse_bytes(data, name)


@MUTATION_PROFILE
@given(mutated(("flip",)))
def test_byte_flips(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


@MUTATION_PROFILE
@given(mutated(("truncate",)))
def test_truncation(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


@MUTATION_PROFILE
@given(mutated(("insert",)))
def test_inserted_bytes(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


@MUTATION_PROFILE
@given(mutated(("delete",)))
def test_deleted_slices(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


@MUTATION_PROFILE
@given(mutated(("duplicate",)))
def test_duplicated_slices(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


@MUTATION_PROFILE
@given(mutated(("unicode",)))
def test_random_unicode(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


@MUTATION_PROFILE
@given(mutated(most=5))
def test_mixed_mutations(case: tuple[str, bytes]) -> None:
    check_outcome(case[1], case[0])


# --- criteria splitting --------------------------------------------------------------------------------


def _texts(items: tuple[Criterion, ...]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.append(item.text)
        out.extend(_texts(item.children))
    return out


@PROFILE
@given(st.text())
def test_split_criteria_never_raises(text: str) -> None:
    inclusion, exclusion = split_criteria(text)
    assert all(isinstance(c, Criterion) for c in (*inclusion, *exclusion))


# What a splitter may drop: list markers, and the words of a section heading line ("Inclusion Criteria:").
_SYMBOLS = "-*•·‣◦▪●○■□➢►✓–—+"
_MARKER = re.compile(
    rf"[{_SYMBOLS}:;]+|o|\(?\d{{1,3}}[.)]|\(?[a-z][.)]|\(?(?:ii|iii|iv|vi|vii|viii|ix|xi|xii)[.)]", re.I
)
# A dash before a digit is a minus sign, not a bullet: "-2 SD" must keep its sign.
_GLUED = re.compile(rf"[{_SYMBOLS}](?!\d)|\(?\d{{1,3}}[.)](?!\d)|\(\d{{1,3}}\)")
_HEADING_WORD = re.compile(
    r"(key|main|major|principal|general|additional|specific|study|other|and|inclusions?|exclusions?|eligibility"
    r"|criteria|criterion|criterium)[:\-–]*",
    re.I,
)
_HEADING_LINE = re.compile(
    r"\s*(?:(?:key|main|major|principal|general|additional|specific|study|other)\s*)?(?:inclusion|exclusion|eligibility)",
    re.I,
)

WORD = st.text(st.characters(categories=("L", "N"), max_codepoint=0x2FF), min_size=1, max_size=8)
PIECE = st.one_of(
    WORD,
    WORD.map(str.capitalize),
    st.sampled_from(["-", "*", "•", "o", "1.", "2)", "(3)", "a.", "b)", "ii.", ":", ";", ".", "(", ")", "e.g.", "Dr."]),
    st.sampled_from(["Inclusion Criteria:", "Exclusion Criteria:", "Inclusion criteria", "Exclusion:", "Eligibility"]),
)
LINE = st.tuples(st.sampled_from(["", " ", "  ", "    ", "\t"]), st.lists(PIECE, max_size=12)).map(
    lambda t: t[0] + " ".join(t[1])
)
CRITERIA = st.lists(LINE, min_size=1, max_size=12).map("\n".join)


def lost_words(text: str) -> list[str]:
    """Words of `text` found in no criterion, markers and heading words aside."""
    inclusion, exclusion = split_criteria(text)
    kept = "\n".join(_texts(inclusion) + _texts(exclusion))
    lost = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        heading = _HEADING_LINE.match(line) is not None
        for position, word in enumerate(line.split()):
            if position == 0 and (glued := _GLUED.match(word)):
                word = word[glued.end() :]  # "-Age", "1.Age": a marker glued to its text
            for part in word.split(";"):  # prose splits into clauses at semicolons
                if not part or _MARKER.fullmatch(part) or (heading and _HEADING_WORD.fullmatch(part)):
                    continue
                if part not in kept:
                    lost.append(part)
    return lost


@PROFILE
@given(st.one_of(CRITERIA, st.text()))
def test_split_criteria_loses_no_words(text: str) -> None:
    assert lost_words(text) == [], f"words of {text!r} in no criterion"


# Counterexamples the property finds with more examples than the profile runs (reported, not yet fixed).


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Inclusion Criteria A:\n- adults\nInclusion Criteria B:\n- kids", id="cohort"),
        pytest.param("Inclusion criteria 0", id="qualifier-digit"),
        pytest.param("Inclusion Criteria:\n- BMI z-score between\n-2 and +2", id="minus-after-wrap"),
        pytest.param("-2.5 SD or lower", id="minus-first"),
        pytest.param("+0.5 dioptre", id="plus-first"),
    ],
)
def test_split_criteria_counterexamples(text: str) -> None:
    assert lost_words(text) == []


# --- normalizers ---------------------------------------------------------------------------------------

NORMALIZERS: tuple[Callable[[str], object], ...] = (
    n.clean, n.clean_block, n.status, n.phases, n.age_years, n.sex, n.yes_no, n.study_type, n.enum_code,
    n.iso_date, n.unescape_markdown, n.code, n.masking,
)  # fmt: skip
# Text shaped like the values the normalizers look for, so the interesting branches are reached.
VALUE = st.one_of(
    st.text(),
    st.from_regex(r"\A\s*\d{1,400}([.,]\d{0,5})?\s*[A-Za-z]{0,8}\s*\Z"),
    st.from_regex(r"\A\d{1,5}([-/.]\d{1,3}([-/.]\d{1,5})?)?([T ].{0,5})?\Z"),
    st.from_regex(r"\A[A-Za-z]{0,9}\.?,?\s+\d{1,3},?\s+\d{1,5}\Z"),
    st.from_regex(r"\A(early )?phase[ _-]?[0-9ivx]{1,3}(/[0-9ivx]{1,3})?\Z"),
    st.from_regex(r"\A[A-Za-z ]{0,12}\([A-Za-z ,;]{0,30}\)?\Z"),
)


@PROFILE
@given(VALUE)
def test_normalizers_never_raise(value: str) -> None:
    for normalize in NORMALIZERS:
        normalize(value)
    assert n.clean(value) is None or n.clean(value) == n.clean(n.clean(value))
