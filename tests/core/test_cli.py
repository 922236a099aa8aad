"""The command line: export, formats, schema, version, exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, SEEDS
from viewer.cli import main
from viewer.core.loader import read_file
from viewer.core.model import Study


def test_export_json_lines_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(SEEDS)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    studies = [Study.model_validate_json(line) for line in lines]
    assert {s.id for s in studies} == {"NCT01165008", "2024-516057-42-00"}
    keys = json.loads(lines[0]).keys()
    for key in ("id", "secondary_ids", "registry", "source", "summary", "eligibility", "outcomes", "sites",
                "contacts", "officials", "arms", "design", "references"):  # fmt: skip
        assert key in keys


def test_export_round_trips_through_a_file(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert main(["export", str(SEEDS), str(CORPUS / "A_ctgov_api_v2_json"), "-o", str(out)]) == 0
    back = read_file(out)
    assert len(back) == 23
    originals = [s for p in sorted(SEEDS.glob("*.txt")) for s in read_file(p)]
    assert back[:2] == originals


def test_bad_file_is_named_on_stderr_and_others_still_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"protocolSection": {', encoding="utf-8")
    status = main(["export", str(bad), str(SEEDS / "000_9a8944e657c20510.txt")])
    captured = capsys.readouterr()
    assert status == 1
    [line] = captured.err.splitlines()
    assert str(bad) in line and "not valid JSON" in line
    assert len(captured.out.splitlines()) == 1


def test_markdown_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--to", "markdown", str(SEEDS / "000_9a8944e657c20510.txt")]) == 0
    out = capsys.readouterr().out
    assert "Anakinra in Myositis" in out and "documented HIV infection" in out


def test_formats_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["formats"]) == 0
    listed = capsys.readouterr().out
    for name in ("ctgov-api-v2-json", "ctgov-page-text", "medpath-page-text", "trialviewer-jsonl"):
        assert name in listed
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"id", "summary", "eligibility", "outcomes", "sites"} <= schema["properties"].keys()


def test_bad_usage_exits_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export"])
    assert exc.value.code == 2


def test_console_entry_point_in_a_real_process() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "viewer", "--version"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert run.returncode == 0 and run.stdout.startswith("trialviewer ")
    run = subprocess.run(
        [sys.executable, "-m", "viewer", "export", str(CORPUS / "README.md")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert run.returncode == 1
    assert "README.md" in run.stderr and "Traceback" not in run.stderr


def test_export_into_the_folder_being_read_does_not_read_itself(tmp_path: Path) -> None:
    for seed in SEEDS.glob("*.txt"):
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "all.jsonl"
    for _ in range(2):  # the second run finds the first run's output in the folder
        assert main(["export", str(tmp_path), "-o", str(out)]) == 0
        assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_reader_closing_the_pipe_early_is_not_a_traceback() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "viewer", "export", str(CORPUS / "B_ctgov_legacy_xml")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) as export:  # fmt: skip
        assert export.stdout is not None and export.stderr is not None
        export.stdout.read(100)
        export.stdout.close()  # like `| head -c 100`
        errors = export.stderr.read().decode()
        export.wait(timeout=120)
    assert "Traceback" not in errors and "BrokenPipeError" not in errors


def test_entry_point_knows_every_cli_command() -> None:
    import argparse

    from viewer.cli import build_parser
    from viewer.main import CLI_WORDS

    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) <= set(CLI_WORDS)


def test_export_to_pdf_needs_a_file_and_writes_one_page_run_per_study(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "viewer", "export", str(SEEDS), "--to", "pdf"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2 and "needs -o" in run.stderr
    out = tmp_path / "seeds.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "viewer", "export", str(SEEDS), "--to", "pdf", "-o", str(out)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"/Count " in data
