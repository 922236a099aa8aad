"""The indexer's fast path (msgspec decode, field dicts read without the model) gives what the full path gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPUS, SEEDS
from tests.core.test_properties import MUTATION_PROFILE, MUTATIONS, Draw
from viewer.core.errors import ParseError
from viewer.core.loader import document, iter_bytes
from viewer.core.parsers import ctgov_json
from viewer.core.policy import BULK
from viewer.core.search.schema import study_doc
from viewer.core.search.worker import Parsed, fits, parse_one

FILES = sorted(p for root in (CORPUS, SEEDS) for p in root.rglob("*") if p.is_file())
V2 = sorted((CORPUS / "A_ctgov_api_v2_json").glob("*.json"))


def full_path(name: str, data: bytes) -> Parsed:
    """What the worker gave before the fast path: every study validated, then its document."""
    ids, docs, problem = [], [], None
    try:
        for study in iter_bytes(data, name, BULK):
            ids.append(study.id)
            docs.append(study_doc(study, "key", "path", "member"))
    except ParseError as exc:
        problem = (exc.file, exc.reason)
    return Parsed("key", tuple(ids), tuple(docs), problem)


def slow_decode(name: str, data: bytes, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The studies (or the error) with the msgspec decode turned off."""
    with monkeypatch.context() as m:
        m.setattr(ctgov_json, "_one_study", lambda doc: None)
        return outcome(name, data)


def outcome(name: str, data: bytes) -> list[object]:
    try:
        return list(iter_bytes(data, name, BULK))
    except ParseError as exc:
        return [exc.file, exc.reason]


def fast_taken(name: str, data: bytes) -> int:
    """How many of the file's studies the fast path reads without the model."""
    try:
        doc = document(data, name, BULK)
        return sum(fits(r.fields) for r in ctgov_json.records(doc)) if doc.head.startswith("{") else 0
    except ParseError:
        return 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_fast_and_full_paths_give_equal_documents(path: Path) -> None:
    data = path.read_bytes()
    assert parse_one("key", path.name, "path", "member", data) == full_path(path.name, data)


@pytest.mark.parametrize("path", V2, ids=lambda p: p.name)
def test_msgspec_decode_gives_the_same_studies(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    assert outcome(path.name, data) == slow_decode(path.name, data, monkeypatch)


def test_the_fast_path_is_taken_for_one_study_files() -> None:
    taken = [p for p in V2 if fast_taken(p.name, p.read_bytes())]
    assert len(taken) >= 15
    data = V2[0].read_bytes()
    assert ctgov_json._one_study(document(data, "x", BULK)) is not None or b'"studies"' in data


@pytest.mark.parametrize(
    "nct",
    ["NCT0000\u00851", "", "   ", "NCT" + "1" * 200, "NCT 0001", "NCT\u20280001"],
    ids=["control", "empty", "blank", "long", "space", "separator"],
)
def test_an_id_the_model_refuses_or_rewrites_takes_the_full_path(nct: str) -> None:
    record = json.loads((CORPUS / "A_ctgov_api_v2_json" / "aact__NCT00973089.json").read_bytes())
    record["protocolSection"]["identificationModule"]["nctId"] = nct
    data = json.dumps(record).encode()
    assert parse_one("key", "f.json", "path", "member", data) == full_path("f.json", data)


ORIGINALS = [(p.name, p.read_bytes()) for p in V2]


@st.composite
def mutated(draw: Draw, kinds: tuple[str, ...] = tuple(MUTATIONS), most: int = 3) -> tuple[str, bytes]:
    """A corpus API v2 file with up to `most` mutations (test_properties' mutations, over every v2 file)."""
    name, original = draw(st.sampled_from(ORIGINALS))  # type: ignore[misc]
    data = bytearray(original)
    for _ in range(draw(st.integers(1, most))):  # type: ignore[call-overload]
        data = MUTATIONS[draw(st.sampled_from(kinds))](draw, data)  # type: ignore[index]
    return name, bytes(data)


V2_MUTATION_PROFILE = MUTATION_PROFILE


@V2_MUTATION_PROFILE
@given(mutated())
def test_mutated_records_fast_equals_full(case: tuple[str, bytes]) -> None:
    name, data = case
    assert parse_one("key", name, "path", "member", data) == full_path(name, data)


@V2_MUTATION_PROFILE
@given(mutated(("unicode", "flip", "delete")))
def test_mutated_records_decode_alike(case: tuple[str, bytes]) -> None:
    name, data = case
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ctgov_json, "_one_study", lambda doc: None)
        slow = outcome(name, data)
    assert outcome(name, data) == slow
