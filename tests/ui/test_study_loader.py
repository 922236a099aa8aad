"""The loader: studies and failures in batches off the GUI thread, progress, cancel."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.ui.conftest import SEED_FILES
from viewer.ui.study_loader import LoadBatch, LoadSummary, StudyLoader, load_work
from viewer.ui.tasks import CancelToken


def test_load_work_reports_batches_and_failures(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    batches: list[LoadBatch] = []
    summary = load_work((*map(str, SEED_FILES), str(bad), str(tmp_path / "missing.xml")), CancelToken(), batches.append)
    assert batches[0].total == 4
    assert sorted(s.id for b in batches for s in b.studies) == ["2024-516057-42-00", "NCT01165008"]
    failures = [f for b in batches for f in b.failures]
    assert [Path(f).name for f, _ in failures] == ["bad.json", "missing.xml"]
    assert summary == LoadSummary(summary.paths, 4, 2, 2, False, tuple(map(str, SEED_FILES)))


def test_cancelled_before_start_loads_nothing() -> None:
    token = CancelToken()
    token.cancel()
    summary = load_work(tuple(map(str, SEED_FILES)), token, lambda _batch: None)
    assert summary.cancelled and summary.studies == 0


def test_loader_signals(qtbot: QtBot, tmp_path: Path) -> None:
    loader = StudyLoader()
    batches: list[LoadBatch] = []
    loader.batch_loaded.connect(batches.append)
    with qtbot.waitSignal(loader.idle, timeout=20_000), qtbot.waitSignal(loader.finished) as finished:
        loader.load([str(p) for p in SEED_FILES])
        loader.load([str(tmp_path / "nothing-here.txt")])
    assert not loader.busy
    assert len([s for b in batches for s in b.studies]) == 2
    assert next(f for b in batches for f in b.failures)[0].endswith("nothing-here.txt")
    assert isinstance(finished.args[0], LoadSummary)


def test_cancel_drops_queued_requests(qtbot: QtBot) -> None:
    loader = StudyLoader()
    summaries: list[LoadSummary] = []
    loader.finished.connect(summaries.append)
    with qtbot.waitSignal(loader.idle, timeout=20_000):
        loader.load([str(SEED_FILES[0])])
        loader.load([str(SEED_FILES[1])])
        loader.cancel()
    assert len(summaries) == 1
