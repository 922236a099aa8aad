"""`trialviewer index` and `trialviewer search`: the contract acceptance scripts read (JSON shape, exit codes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.core.search_data import dump_zip
from viewer.cli import main

HIT_KEYS = {"id", "title", "score", "snippet", "file"}


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    assert main(["index", str(SEEDS), "--index", str(folder), "--workers", "0"]) == 0
    return folder


def test_index_reports_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "index"
    assert main(["index", str(SEEDS), "--index", str(folder), "--workers", "0"]) == 0
    out = capsys.readouterr()
    assert "indexed 2 studies from 2 files" in out.out and out.err == ""  # no progress line off a terminal
    assert main(["index", str(SEEDS), "--index", str(folder)]) == 0
    assert "2 unchanged" in capsys.readouterr().out


def test_index_exits_1_naming_each_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """...and indexes the rest."""
    bad = tmp_path / "broken.json"
    bad.write_text('{"protocolSection": {', encoding="utf-8")
    worse = tmp_path / "empty.xml"
    worse.write_bytes(b"")
    folder = tmp_path / "index"
    assert main(["index", str(bad), str(worse), str(SEEDS), "--index", str(folder), "--workers", "0"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2 and str(bad) in errors[0] and str(worse) in errors[1]
    assert main(["search", "anakinra", "--index", str(folder), "--to", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


def test_search_json_shape_and_rank_order(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "myositis", "--index", str(index_dir), "--to", "json", "--limit", "5"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert {"query", "took_ms", "total", "hits"} <= answer.keys()
    assert answer["query"] == "myositis" and answer["total"] == 2 and answer["took_ms"] >= 0
    assert [h["id"] for h in answer["hits"]] == ["NCT01165008", "2024-516057-42-00"]
    scores = [h["score"] for h in answer["hits"]]
    assert scores == sorted(scores, reverse=True)
    for hit in answer["hits"]:
        assert hit.keys() >= HIT_KEYS and "<b>" in hit["snippet"] and Path(hit["file"]).is_file()


def test_facets_only_with_the_flag(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "myositis", "--index", str(index_dir), "--to", "json"]) == 0
    assert "facets" not in json.loads(capsys.readouterr().out)
    assert main(["search", "myositis", "--index", str(index_dir), "--to", "json", "--facets"]) == 0
    facets = json.loads(capsys.readouterr().out)["facets"]
    assert {"phase", "status", "sex", "registry", "country"} == facets.keys()
    assert sum(n for _, n in facets["registry"]) == 2
    assert main(["search", "myositis", "--index", str(index_dir), "--facets"]) == 0
    assert "\nregistry: " in capsys.readouterr().out


def test_search_limit_and_text_form(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "myositis", "--index", str(index_dir), "--limit", "1"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("1 of 2 studies for 'myositis'") and "NCT01165008  Anakinra in Myositis" in text
    assert "[Myositis]" in text or "[myositis]" in text


def test_queries_file_answers_json_lines(index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text('anakinra\n\n"open quote\nnothingmatcheszzz\nphase:2\n', encoding="utf-8")
    assert main(["search", "--queries", str(queries), "--index", str(index_dir), "--to", "json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [a["query"] for a in lines] == ["anakinra", '"open quote', "nothingmatcheszzz", "phase:2"]
    assert [a["total"] for a in lines] == [1, 0, 0, 2]
    assert lines[1]["plain_words"] is True


def test_queries_from_stdin_in_a_real_process(index_dir: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "viewer", "search", "--queries", "-", "--index", str(index_dir), "--to", "json"],
        input="anakinra\nNCT01165008\n2024-516057-42-00\n(unbalanced\n", capture_output=True, text=True, cwd=ROOT,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert [a["hits"][0]["id"] if a["hits"] else None for a in answers] == [
        "NCT01165008", "NCT01165008", "2024-516057-42-00", None]  # fmt: skip


def test_a_zip_dump_through_the_cli(tmp_path: Path) -> None:
    dump = tmp_path / "dump.zip"
    ids = dump_zip(dump, 30)
    folder = tmp_path / "index"
    run = subprocess.run([sys.executable, "-m", "viewer", "index", str(dump), "--index", str(folder)],
                         capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    assert run.returncode == 0 and "indexed 30 studies" in run.stdout, run.stderr
    run = subprocess.run([sys.executable, "-m", "viewer", "search", ids[3], "--index", str(folder), "--to", "json"],
                         capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    hit = json.loads(run.stdout)["hits"][0]
    assert hit["id"] == ids[3] and hit["file"] == str(dump) and hit["member"] == f"ctg-studies/{ids[3]}.json"


def test_usage_errors_exit_2(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--index", str(index_dir)]) == 2
    assert main(["search", "x", "--queries", "-", "--index", str(index_dir)]) == 2
    assert main(["search", "--queries", str(index_dir / "missing.txt"), "--index", str(index_dir)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["index"])
    assert exc.value.code == 2


def test_version_does_not_import_tantivy() -> None:
    code = "import sys, viewer.cli as c; c.build_parser(); print('tantivy' in sys.modules, 'pydantic' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stdout.split() == ["False", "False"]
