"""The fuzz campaign: every format's real sample mutated (bytes flipped, cut short, hostile snippets put in);
the only outcomes allowed are studies that export, or a ParseError naming the file.

CI runs a few hundred examples (deterministic: the same ones every run). The release campaign runs more:
`TRIALVIEWER_FUZZ_EXAMPLES=20000 python -m pytest tests/core/test_fuzz.py` (docs/attacks.md has the last
result); `TRIALVIEWER_FUZZ_SEED=n` draws other examples than CI's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.core.test_bad_input import SAMPLE_IDS, SAMPLES
from viewer.core.errors import ParseError
from viewer.core.loader import parse_bytes
from viewer.core.model import Study

EXAMPLES = int(os.environ.get("TRIALVIEWER_FUZZ_EXAMPLES", "300"))
SEED = os.environ.get("TRIALVIEWER_FUZZ_SEED")
CAMPAIGN = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Pieces of every syntax the parsers meet, and of the attacks in docs/attacks.md.
HOSTILE = [
    b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3", b"\xed\xa0\x80", b"\r", b"\n" * 5000, b"\r\n\r\n", b"\t" * 100,
    b'"', b"\\", b'\\"', b"\\ud800", b"\\u0000", b"1e400", b"-0", b"NaN", b"[" * 200, b"{" * 200, b"]}", b",", b":",
    b'{"a": "', b'"studies": [', b'"protocolSection": {}', b'"FullStudiesResponse"', b'"instanceType": "Study"',
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#xD800;", b"&lol;", b"]]>", b"<![CDATA[", b"<!--", b"-->", b"<?xml ?>",
    b'<!DOCTYPE a [<!ENTITY e "x">]>', b"</clinical_study>", b"<clinical_study>", b"<location>", b"</Trial>",
    b"<script>alert(1)</script>", b"<td>", b"<tr><th>", b"<br>" * 50, b"Identifier: NCT00000001",
    b"ClinicalTrials.gov ID ", b"NCT" + b"9" * 60, b"EudraCT Number: 2015-001314-10", b"Summary\n", b"A.1 ",
    b"E.3 Principal inclusion criteria:", b"Inclusion Criteria:\n", b"Exclusion Criteria:", b"* ", b"- " * 100,
    b"1. ", b"\xe2\x80\xa2 ", b"MedPath", b"Registration Number", b"usdm:tag", b'<usdm:ref attribute="x"/>',
    b"%PDF-1.7", b"PK\x03\x04", b"\x1b[2J", b"\xe2\x80\xae", b"\xf0\x9f\x99\x82", b"9" * 400 + b" Years",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    fmt = draw(st.sampled_from(SAMPLE_IDS))
    name, original = SAMPLES[fmt]
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "repeat", "delete"]))
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            spot = min(at, len(data) - 1)
            data[spot] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from(HOSTILE))
        elif kind == "repeat":
            data[at:at] = draw(st.sampled_from(HOSTILE)) * draw(st.integers(2, 2000))
        else:
            del data[at : at + draw(st.integers(1, 512))]
    return name, bytes(data)


def test_every_format_is_fuzzed() -> None:
    assert len(SAMPLE_IDS) >= 11


def _seeded(test: Callable[..., Any]) -> Callable[..., Any]:
    return seed(int(SEED))(test) if SEED is not None else test


@_seeded
@CAMPAIGN
@given(mutated())
def test_mutated_samples_open_or_give_a_parse_error(case: tuple[str, bytes]) -> None:
    name, data = case
    try:
        studies = parse_bytes(data, name)
    except ParseError as exc:
        assert exc.file == name and exc.reason.strip()
        return
    assert studies
    for study in studies:
        assert isinstance(study, Study)
        study.model_dump_json()
