"""Criteria splitting, driven by fixture files: adding a case means adding a .txt and an .expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from viewer.core.criteria import split_criteria, split_prose
from viewer.core.model import Criterion
from viewer.core.normalize import unescape_markdown

CASES = sorted((DATA / "criteria").glob("*.txt"))


def outline(items: tuple[Criterion, ...], depth: int = 0) -> list[str]:
    lines: list[str] = []
    for item in items:
        lines.append(f"{'  ' * depth}- {item.text}")
        lines.extend(outline(item.children, depth + 1))
    return lines


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_fixture(case: Path) -> None:
    inclusion, exclusion = split_criteria(unescape_markdown(case.read_text(encoding="utf-8")))
    got = ["INCLUSION", *outline(inclusion), "EXCLUSION", *outline(exclusion)]
    expected = case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert got == expected


def test_there_are_fixtures() -> None:
    assert len(CASES) >= 8


def test_empty_and_blank_give_nothing() -> None:
    assert split_criteria(None) == ((), ())
    assert split_criteria("  \n\n ") == ((), ())


def test_prose_keeps_abbreviations_and_decimals_together() -> None:
    text = "Dose 0.75 mg/kg vs. placebo per Dr. Smith. Second sentence here."
    assert split_prose(text) == ["Dose 0.75 mg/kg vs. placebo per Dr. Smith.", "Second sentence here."]


def test_lowercase_continuation_of_eligibility_is_not_a_heading() -> None:
    text = (
        "Inclusion Criteria:\n\n  -  Patients with a rare variant must be able to meet the\n"
        "     eligibility criteria for the subprotocols: within 4 weeks\n"
    )
    inclusion, exclusion = split_criteria(text)
    assert [c.text for c in inclusion] == [
        "Patients with a rare variant must be able to meet the eligibility criteria for the subprotocols: "
        "within 4 weeks"
    ]
    assert exclusion == ()


def test_nesting_deeper_than_any_record_is_capped_without_losing_text() -> None:
    text = "Inclusion Criteria:\n" + "".join("  " * i + f"* level {i}\n" for i in range(300))
    inclusion, _ = split_criteria(text)
    depth, node, seen = 0, inclusion[0], []
    while True:
        seen.append(node.text)
        if not node.children:
            break
        depth += 1
        seen.extend(c.text for c in node.children[:-1])
        node = node.children[-1]
    assert depth < 20
    assert sorted(seen, key=lambda t: int(t.split()[1])) == [f"level {i}" for i in range(300)]
