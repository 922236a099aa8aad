"""`trialviewer diff`: the JSON contract, the text and HTML forms, FILE#ID and the exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SEEDS
from viewer.cli import main
from viewer.commands.diff import split_spec, wants_colour

SAMPLE = ROOT / "protocols" / "03_NCT02552212_ctgov-api-v2.json"
PAGE = ROOT / "protocols" / "04_ctgov-api-v2_studies-page.json"  # two studies
OLD = CORPUS / "B_ctgov_legacy_xml" / "archive_schema_2005-2014" / "fabianvf__NCT02075515_20140228.xml"
NEW = CORPUS / "B_ctgov_legacy_xml" / "fabianvf__NCT02075515.xml"
KEYS = {"kind", "path", "a", "b", "words"}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    status = main(["diff", "--to", "json", *args])
    return status, json.loads(capsys.readouterr().out)


def edited(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """The sample record with `old` replaced by `new` in its raw text: an edit made to the file itself."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path = tmp_path / "edited.json"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def test_json_contract_of_two_versions(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run_json(capsys, str(OLD), str(NEW))
    assert status == 1
    assert list(out) == ["a", "b", "relation", "sections", "counts"]
    assert out["relation"] == "versions"
    a = out["a"]
    assert isinstance(a, dict) and set(a) == {"id", "file", "sha256"} and a["id"] == "NCT02075515"
    sections, counts = out["sections"], out["counts"]
    assert isinstance(sections, dict) and isinstance(counts, dict)
    assert list(sections) == list(counts) == ["summary", "eligibility", "outcomes", "sites", "other"]
    for name, changes in sections.items():
        assert set(counts[name]) == {"added", "removed", "changed", "moved"}
        assert sum(counts[name].values()) == len(changes)
        for change in changes:
            assert set(change) == KEYS and change["kind"] in counts[name]
            assert all(op in ("=", "-", "+") and isinstance(text, str) for op, text in change["words"])
    enrollment = next(c for c in sections["summary"] if c["path"] == "summary.enrollment")
    assert enrollment == {"kind": "changed", "path": "summary.enrollment", "a": "450", "b": "651",
                          "words": [["-", "450"], ["+", "651"]]}  # fmt: skip


def test_same_study_exits_0_and_all_lists_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run_json(capsys, str(SAMPLE), str(SAMPLE))
    assert status == 0 and all(not v for v in out["sections"].values())  # type: ignore[union-attr]
    status, out = run_json(capsys, "--all", str(SAMPLE), str(SAMPLE))
    sections = out["sections"]
    assert status == 0 and isinstance(sections, dict)
    assert {c["kind"] for c in sections["eligibility"]} == {"unchanged"}
    assert len(sections["sites"]) >= 105


def test_edits_to_the_raw_file_are_reported_exactly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = edited(tmp_path, "adult-onset", "juvenile-onset")
    status, out = run_json(capsys, str(SAMPLE), str(path))
    assert status == 1
    sections = out["sections"]
    assert isinstance(sections, dict)
    [change] = [c for changes in sections.values() for c in changes]
    assert change["kind"] == "changed" and change["path"] == "eligibility.inclusion[2]"
    assert [w for w in change["words"] if w[0] != "="] == [["-", "adult"], ["+", "juvenile"]]
    path = edited(tmp_path, '"timeFrame": "Week 52"', '"timeFrame": "Week 64"')
    status, out = run_json(capsys, str(SAMPLE), str(path))
    [change] = [c for changes in out["sections"].values() for c in changes]  # type: ignore[union-attr]
    assert (change["path"], change["a"], change["b"]) == ("outcomes.primary[1].time_frame", "Week 52", "Week 64")


def test_file_hash_id_picks_a_study_and_errors_name_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run_json(capsys, f"{PAGE}#NCT00184067", f"{PAGE}#nct03934567")
    assert status == 1 and out["relation"] == "comparison"
    assert out["a"]["id"] == "NCT00184067" and out["b"]["id"] == "NCT03934567"  # type: ignore[index]
    for args, words in (
        ([str(PAGE), str(SAMPLE)], ("holds 2 studies", "#ID", "NCT00184067")),
        ([f"{PAGE}#NCT99999999", str(SAMPLE)], ("no study with id NCT99999999",)),
        ([str(SAMPLE), "/no/such/file.json"], ("/no/such/file.json", "no such file")),
        ([str(SAMPLE), str(ROOT / "tests" / "data" / "bad" / "empty.json")], ("empty.json",)),
    ):
        assert main(["diff", *args]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and all(w in err for w in words), err


def test_split_spec_keeps_a_file_whose_name_holds_a_hash(tmp_path: Path) -> None:
    odd = tmp_path / "a#b.json"
    odd.write_text("{}", encoding="utf-8")
    assert split_spec(str(odd)) == (str(odd), None)
    assert split_spec("x.json#NCT1") == ("x.json", "NCT1")


def test_text_has_markers_and_no_colour_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(OLD), str(NEW)]) == 1
    out = capsys.readouterr().out
    assert "Two versions of NCT02075515" in out and "last update posted 2014-02-27" in out
    assert "~ changed: summary.enrollment" in out and "[-450-]{+651+}" in out
    assert "\x1b[" not in out


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wants_colour(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wants_colour(Tty())
    assert not wants_colour(object())


def test_html_report_names_both_sources(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    run = subprocess.run([sys.executable, "-m", "viewer", "diff", "--to", "html", "-o", str(out), str(OLD), str(NEW)],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # fmt: skip
    assert run.returncode == 1, run.stderr
    page = out.read_text(encoding="utf-8")
    for needle in (str(OLD), str(NEW), "NCT02075515", "2014-02-27", "2014-04-10", "2023-11-14T22:13:20+00:00",
                   "<del>450</del> <ins>651</ins>", 'class="gutter"', "Changed: "):  # fmt: skip
        assert needle in page, needle
    from viewer.core.loader import read_file

    assert read_file(OLD)[0].source.sha256 in page and read_file(NEW)[0].source.sha256 in page
    assert "<script" not in page and 'http-equiv="Content-Security-Policy"' in page


def test_seeds_compare_as_two_trials(capsys: pytest.CaptureFixture[str]) -> None:
    a, b = sorted(SEEDS.glob("*.txt"))
    status, out = run_json(capsys, str(a), str(b))
    assert status == 1 and out["relation"] == "comparison"
