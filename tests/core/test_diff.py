"""The compare engine on real records edited on purpose: each edit reported exactly, nothing else."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SEEDS
from viewer.core.diff import Change, Comparison, diff, nearest_node
from viewer.core.diff.report import to_json
from viewer.core.diff.words import norm
from viewer.core.loader import read_file
from viewer.core.model import Criterion, Study
from viewer.core.outline import outline

SAMPLE = ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json"  # 6 + 11 criteria, 31 outcomes, 105 sites
LARGE = CORPUS / "B_ctgov_legacy_xml" / "aact__NCT02465060.xml"  # 1,218 sites
ARCHIVE = CORPUS / "B_ctgov_legacy_xml" / "archive_schema_2005-2014"
PAIRS = [(p, CORPUS / "B_ctgov_legacy_xml" / f"fabianvf__{p.name.split('__')[1].split('_')[0]}.xml")
         for p in sorted(ARCHIVE.glob("*.xml"))]  # fmt: skip


@pytest.fixture(scope="module")
def sample() -> Study:
    return read_file(SAMPLE)[0]


def only(comparison: Comparison) -> Change:
    """The one difference of the comparison (fails when there are more or none)."""
    changes = comparison.changes()
    assert len(changes) == 1, [(c.kind, c.path) for c in changes]
    return changes[0]


def with_inclusion(study: Study, items: tuple[Criterion, ...]) -> Study:
    return study.model_copy(update={"eligibility": study.eligibility.model_copy(update={"inclusion": items})})


def test_a_study_and_itself_are_the_same(sample: Study) -> None:
    comparison = diff(sample, sample)
    assert comparison.same and comparison.relation == "versions"
    assert all(n == 0 for counts in comparison.counts().values() for n in counts.values())


def test_one_word_changed_is_one_changed_criterion_with_word_edits(sample: Study) -> None:
    items = list(sample.eligibility.inclusion)
    old = items[1].text
    assert "adult-onset" in old
    items[1] = items[1].model_copy(update={"text": old.replace("adult-onset", "juvenile-onset")})
    change = only(diff(sample, with_inclusion(sample, tuple(items))))
    assert (change.kind, change.path) == ("changed", "eligibility.inclusion[2]")
    assert change.a == old and change.b == items[1].text
    assert [p for p in change.words if p[0] != "="] == [("-", "adult"), ("+", "juvenile")]
    assert change.key_a == change.key_b == ("eligibility", "inclusion", 1)


def test_a_reworded_criterion_is_changed_not_removed_and_added(sample: Study) -> None:
    items = list(sample.eligibility.inclusion)
    items[0] = Criterion(text="At least 21 years old at the start of the Screening period, and able to consent")
    change = only(diff(sample, with_inclusion(sample, tuple(items))))
    assert (change.kind, change.path) == ("changed", "eligibility.inclusion[1]")


def test_an_inserted_criterion_shifts_nothing(sample: Study) -> None:
    items = list(sample.eligibility.inclusion)
    new = Criterion(text="Willing to keep a daily pain diary for the whole treatment period")
    items.insert(2, new)
    change = only(diff(sample, with_inclusion(sample, tuple(items))))
    assert (change.kind, change.path, change.a, change.b) == ("added", "eligibility.inclusion[3]", None, new.text)
    assert change.key_b == ("eligibility", "inclusion", 2) and change.key_a == ("eligibility", "inclusion")


def test_a_removed_criterion(sample: Study) -> None:
    items = list(sample.eligibility.inclusion)
    gone = items.pop(3)
    change = only(diff(sample, with_inclusion(sample, tuple(items))))
    assert (change.kind, change.path, change.a, change.b) == ("removed", "eligibility.inclusion[4]", gone.text, None)
    assert change.key_a == ("eligibility", "inclusion", 3)


def test_a_nested_criterion_edit_is_reported_at_its_level() -> None:
    study = read_file(CORPUS / "B_ctgov_legacy_xml" / "fabianvf__NCT02075515.xml")[0]
    items = list(study.eligibility.inclusion)
    parent = items[4]
    kids = list(parent.children)
    kids[1] = kids[1].model_copy(update={"text": kids[1].text.replace("negative", "documented negative")})
    items[4] = parent.model_copy(update={"children": tuple(kids)})
    change = only(diff(study, with_inclusion(study, tuple(items))))
    assert (change.kind, change.path) == ("changed", "eligibility.inclusion[5][2]")
    assert change.key_b == ("eligibility", "inclusion", 4, "children", 1)
    assert [p for p in change.words if p[0] != "="] == [("+", "documented ")]


def test_reordered_sites_are_moved_not_changed(sample: Study) -> None:
    sites = list(sample.sites)
    sites.insert(0, sites.pop())  # the last site first
    change = only(diff(sample, sample.model_copy(update={"sites": tuple(sites)})))
    assert change.kind == "moved" and change.path.startswith("sites[")
    assert change.key_a == ("sites", len(sites) - 1) and change.key_b == ("sites", 0)
    shuffled = list(sample.sites)
    random.Random(7).shuffle(shuffled)
    comparison = diff(sample, sample.model_copy(update={"sites": tuple(shuffled)}))
    assert {c.kind for c in comparison.changes()} == {"moved"}
    everything = diff(sample, sample, unchanged=True).section("sites")
    assert {c.path for c in comparison.changes()} <= {c.path for c in everything}


def test_an_outcome_time_frame_changed(sample: Study) -> None:
    primary = list(sample.outcomes.primary)
    primary[1] = primary[1].model_copy(update={"time_frame": "Week 16"})
    edited = sample.model_copy(update={"outcomes": sample.outcomes.model_copy(update={"primary": tuple(primary)})})
    change = only(diff(sample, edited))
    assert (change.kind, change.path, change.a, change.b) == ("changed", "outcomes.primary[2].time_frame", "Week 12",
                                                              "Week 16")  # fmt: skip
    assert change.words == (("=", "Week "), ("-", "12"), ("+", "16"))
    assert change.key_a == change.key_b == ("outcomes", "primary", 1)


def test_an_outcome_moved_from_primary_to_secondary(sample: Study) -> None:
    o = sample.outcomes
    edited = o.model_copy(update={"primary": o.primary[1:], "secondary": (o.primary[0], *o.secondary)})
    change = only(diff(sample, sample.model_copy(update={"outcomes": edited})))
    assert (change.kind, change.path) == ("moved", "outcomes.secondary[1]")
    assert "outcomes.primary[1]" in change.note


def test_rewrapped_text_recased_names_and_curly_quotes_are_no_change(sample: Study) -> None:
    s = sample.summary
    summary = s.model_copy(update={"brief_summary": (s.brief_summary or "").replace(" ", "\n", 5),
                                   "official_title": (s.official_title or "").upper().replace("'", "’")})  # fmt: skip
    sites = tuple(site.model_copy(update={"city": (site.city or "").upper() or None}) for site in sample.sites)
    assert diff(sample, sample.model_copy(update={"summary": summary, "sites": sites})).same


def test_scalars_compare_by_meaning_and_show_both_wordings(sample: Study) -> None:
    e, s = sample.eligibility, sample.summary
    months = e.model_copy(update={"minimum_age_raw": "216 Months"})  # 18 years, worded otherwise
    status = s.model_copy(update={"overall_status_raw": "completed"})  # as the registry words it
    assert diff(sample, sample.model_copy(update={"eligibility": months, "summary": status})).same
    older = e.model_copy(update={"minimum_age_raw": "21 Years", "minimum_age_years": 21.0})
    change = only(diff(sample, sample.model_copy(update={"eligibility": older})))
    assert (change.path, change.a, change.b) == ("eligibility.minimum_age", e.minimum_age_raw, "21 Years")
    phase = s.model_copy(update={"phases": ("PHASE3", "PHASE2")})
    change = only(diff(sample, sample.model_copy(update={"summary": phase})))
    assert (change.path, change.kind) == ("summary.phases", "changed") and change.b == "Phase 3, Phase 2"


def test_criteria_text_is_not_reported_again_when_items_are_compared(sample: Study) -> None:
    items = list(sample.eligibility.inclusion)
    items[0] = items[0].model_copy(update={"text": items[0].text + " (confirmed)"})
    text = (sample.eligibility.criteria_text or "").replace(sample.eligibility.inclusion[0].text, items[0].text)
    eligibility = sample.eligibility.model_copy(update={"inclusion": tuple(items), "criteria_text": text})
    change = only(diff(sample, sample.model_copy(update={"eligibility": eligibility})))
    assert change.path == "eligibility.inclusion[1]"


def test_an_arm_renamed_is_one_change(sample: Study) -> None:
    arm = sample.arms[0]
    renamed = arm.model_copy(update={"label": arm.label + " (extended)"})
    interventions = tuple(
        x.model_copy(update={"arm_labels": tuple(renamed.label if lab == arm.label else lab for lab in x.arm_labels)})
        for x in sample.summary.interventions
    )
    summary = sample.summary.model_copy(update={"interventions": interventions})
    edited = sample.model_copy(update={"arms": (renamed, *sample.arms[1:]), "summary": summary})
    change = only(diff(sample, edited))
    assert change.path.endswith(".label") and change.path.startswith("arms[")


def test_two_trials_are_a_comparison() -> None:
    a, b = (read_file(path)[0] for path in sorted(SEEDS.glob("*.txt")))
    comparison = diff(a, b)
    assert comparison.relation == "comparison" and not comparison.same
    assert comparison.section("eligibility") and comparison.section("summary")[0].path == "id"


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[p.name.split("__")[1][:11] for p, _ in PAIRS])
def test_archive_versions(old: Path, new: Path) -> None:
    a, b = read_file(old)[0], read_file(new)[0]
    comparison = diff(a, b)
    assert comparison.relation == "versions"
    assert comparison.version_b.date and comparison.version_a.date
    tree_a, tree_b = outline(a), outline(b)
    for change in comparison.changes():
        if change.kind == "changed":
            assert norm(change.a) != norm(change.b), change  # nothing spurious: every change changes the meaning
        assert nearest_node(tree_a, change.key_a) is not tree_a, change
        assert nearest_node(tree_b, change.key_b) is not tree_b, change
        assert not change.path.startswith("eligibility.criteria_text")
    paths = [(c.kind, c.path) for c in comparison.changes() if c.kind != "moved"]
    assert len(paths) == len(set(paths)), "a change is reported twice"
    assert diff(b, b).same and diff(a, a).same


def test_output_is_deterministic_across_processes(sample: Study) -> None:
    """Two runs, each with its own hash seed, give byte-identical JSON."""
    code = (
        "import sys; from viewer.core.loader import read_file; from viewer.core.diff import diff;"
        "from viewer.core.diff.report import to_json;"
        f"a = read_file({str(PAIRS[5][0])!r})[0]; b = read_file({str(PAIRS[5][1])!r})[0];"
        "sys.stdout.write(to_json(diff(a, b)))"
    )
    outs = [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": seed, "PATH": ""}).stdout for seed in ("1", "2")]  # fmt: skip
    assert outs[0] == outs[1] == to_json(diff(read_file(PAIRS[5][0])[0], read_file(PAIRS[5][1])[0]))
    assert json.loads(outs[0])["relation"] == "versions"


def test_a_thousand_sites_shuffled_and_edited() -> None:
    study = read_file(LARGE)[0]
    sites = list(study.sites)
    rng = random.Random(3)
    rng.shuffle(sites)
    removed = [sites.pop(rng.randrange(len(sites))) for _ in range(5)]
    for k in range(0, 100, 10):
        sites[k] = sites[k].model_copy(update={"status": "WITHDRAWN" if sites[k].status != "WITHDRAWN" else None})
    added = [s.model_copy(update={"facility": f"{s.facility} Annex {k}", "city": "Springfield"})
             for k, s in enumerate(removed[:3])]  # fmt: skip
    sites += added
    comparison = diff(study, study.model_copy(update={"sites": tuple(sites)}))
    counts = comparison.counts()["sites"]
    assert (counts["added"], counts["removed"], counts["changed"]) == (3, 5, 10), counts
    assert all(c.path.endswith(".status") for c in comparison.section("sites") if c.kind == "changed")
    assert sum(n for name, row in comparison.counts().items() if name != "sites" for n in row.values()) == 0
