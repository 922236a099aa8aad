"""A killed indexer leaves an index that opens and answers with whole files; damage is found, reset, reported."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.core.search_data import dump_zip
from viewer.core.search import SearchIndex
from viewer.core.search.catalog import FILE_NAME

QUERIES = ("covid", '"informed consent"', "pregnan*", "(asthma OR copd) NOT smoking", "title:covid phase:2", "NCT9*")


def whole_files_only(index: SearchIndex, expected: dict[str, int]) -> int:
    """Every study in the index belongs to a file (zip member) all of whose studies are there; returns the count."""
    every = index.search("registry:ctgov", limit=100_000)
    assert every.total == len(every.hits) == index.study_count()
    per_member = Counter(h.member for h in every.hits)
    for member, count in per_member.items():
        assert member is not None and count == expected[member], member
    assert len({h.id for h in every.hits}) == len(every.hits)  # no study twice
    for text in QUERIES:
        result = index.search(text)
        assert result.total <= len(every.hits)
    return len(every.hits)


def test_killed_while_indexing_keeps_what_was_committed(tmp_path: Path) -> None:
    dump = tmp_path / "dump.zip"
    ids = dump_zip(dump, 900, pages=40)
    expected = {f"ctg-studies/{i}.json": 1 for i in ids[:900]} | {f"pages/page_{p:04d}.json": 3 for p in range(40)}
    folder = tmp_path / "index"
    command = [sys.executable, "-m", "viewer", "index", str(dump), "--index", str(folder), "--batch", "40",
               "--workers", "1"]  # fmt: skip
    rng = random.Random(7)
    counts = []
    for _ in range(4):
        child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 5.0))
        workers = _children(child.pid)
        child.send_signal(signal.SIGKILL)
        child.wait()
        _gone(workers)  # its parsing workers do not outlive it
        with SearchIndex.open(folder) as index:
            assert index.reset_reason is None
            counts.append(whole_files_only(index, expected))
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr
    with SearchIndex.open(folder) as index:
        assert whole_files_only(index, expected) == len(ids)
    assert counts == sorted(counts)  # each run resumed where the last had committed
    print("studies committed when killed:", counts)


def _children(pid: int) -> list[int]:
    """The child processes of `pid` (Linux's /proc; elsewhere none are checked)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _gone(pids: list[int]) -> None:
    deadline = time.monotonic() + 20
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in alive if _running(p)]
    assert not alive, f"worker processes {alive} outlived their killed parent"


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has ended (its parent, init, has yet to reap it)


def _garbage(path: Path, where: str) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 3 if where == "middle" else max(0, size - 64))
        handle.write(os.urandom(min(max(size // 3, 16), 4096)))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    with SearchIndex.open(folder) as index:
        index.add_paths([SEEDS], workers=0)
        assert index.search("anakinra").total == 1
    return folder


@pytest.mark.parametrize("suffix", [".idx", ".term", ".pos", ".store", ".fast", ".fieldnorm"])
@pytest.mark.parametrize("where", ["middle", "tail"])
def test_garbage_over_a_segment_file_resets_the_index(built: Path, suffix: str, where: str) -> None:
    for path in (built / "tantivy").glob(f"*{suffix}"):
        _garbage(path, where)
    _reopened_empty(built, lost=True)


def test_garbage_over_meta_json_resets_the_index(built: Path) -> None:
    (built / "tantivy" / "meta.json").write_bytes(os.urandom(300))
    _reopened_empty(built, lost=True)


def test_a_missing_segment_file_resets_the_index(built: Path) -> None:
    next((built / "tantivy").glob("*.store")).unlink()
    _reopened_empty(built, lost=True)


@pytest.mark.parametrize("where", ["head", "middle"])
def test_garbage_over_the_catalog_resets_the_index(built: Path, where: str) -> None:
    catalog = built / FILE_NAME
    with open(catalog, "r+b") as handle:
        handle.seek(0 if where == "head" else catalog.stat().st_size // 2)
        handle.write(os.urandom(8192))
    _reopened_empty(built, lost=False)


def _reopened_empty(folder: Path, lost: bool) -> None:
    with SearchIndex.open(folder) as index:
        assert index.reset_reason is not None and str(folder) in index.reset_reason and "damaged" in index.reset_reason
        assert "\n" not in index.reset_reason
        assert index.lost_files == (
            (SEEDS / "000_9a8944e657c20510.txt", SEEDS / "004_5c3f0f274010b228.txt") if lost else ()
        )
        assert index.study_count() == 0 and index.search("anakinra").total == 0
        report = index.add_paths(index.lost_files or [SEEDS], workers=0)  # the caller indexes them again
        assert report.studies_added == 2 and index.search("anakinra").total == 1
    with SearchIndex.open(folder) as index:
        assert index.reset_reason is None and index.lost_files == ()
