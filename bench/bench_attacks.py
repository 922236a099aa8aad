"""The attacks of docs/attacks.md timed at two or three sizes: `python bench/bench_attacks.py [--quick]`.

Each line: the attack, its size, the input in MB, our time, time per MB, the baseline's time on the same bytes
in the same run (json.loads of the same text, ElementTree for XML, zipfile for archives, a plain write), the
ratio ours/baseline, and the peak memory the run added (resident-set high-water mark, Linux). Linear work
keeps its ms/MB and its ratio as the size grows; superlinear work shows as both growing. Medians of
`--runs` runs (one for the largest sizes).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.test_attacks import (  # noqa: E402
    TEXT_SAMPLES,
    V2_FILE,
    XML_FILE,
    _end,
    _hostile_export_study,
    _punctuation,
    _study,
    _zip,
    flooded,
    v2_with_locations,
)
from viewer.core.loader import load_paths, parse_bytes  # noqa: E402
from viewer.core.parsers.jsonl import dumps  # noqa: E402

MB = 1_000_000
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")  # the baseline of file_stem: the one substitution, nothing else
STATUS, CLEAR = Path("/proc/self/status"), Path("/proc/self/clear_refs")


def _hwm() -> int:
    match = re.search(r"VmHWM:\s+(\d+)", STATUS.read_text())
    return int(match.group(1)) * 1024 if match else 0


def measure(work: Callable[[], object], runs: int) -> tuple[float, int]:
    """Median seconds of `runs` runs, and the peak memory one run added (0 where it cannot be read)."""
    times, peak = [], 0
    if runs > 1:
        work()  # warm-up: imports, caches (the largest sizes, run once, follow smaller ones that warmed up)
    for _ in range(runs):
        gc.collect()
        if CLEAR.exists():
            CLEAR.write_text("5")
        before = _hwm() if STATUS.exists() else 0
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
        peak = max(peak, (_hwm() - before) if STATUS.exists() else 0)
    return statistics.median(times), peak


def row(attack: str, size: str, megabytes: float, ours: Callable[[], object], base: Callable[[], object],
        runs: int) -> None:  # fmt: skip
    seconds, peak = measure(ours, runs)
    baseline, _ = measure(base, runs)
    per_mb = seconds * 1000 / max(megabytes, 1e-9)
    ratio = seconds / max(baseline, 1e-9)
    print(
        f"{attack:<34} {size:>14} {megabytes:8.2f} MB {seconds * 1000:9.1f} ms {per_mb:9.1f} ms/MB "
        f"{baseline * 1000:9.1f} ms {ratio:8.1f}x {peak / 2**20:7.0f} MiB",
        flush=True,
    )


def json_baseline(data: bytes) -> Callable[[], object]:
    text = json.dumps(data.decode("utf-8", "replace"))
    return lambda: json.loads(text)


def floods(sizes: list[int], runs: int) -> None:
    for fmt, path in sorted(TEXT_SAMPLES.items()):
        data = path.read_bytes()
        for lines in sizes:
            attacked = flooded(data, "inside", lines)
            row(f"1 blank lines, {fmt}", f"{lines:,} lines", len(attacked) / MB,
                lambda a=attacked, n=path.name: parse_bytes(a, n), json_baseline(attacked), runs)  # fmt: skip


def exports(sizes: list[int], runs: int) -> None:
    from viewer.core.render import study_html, study_markdown

    for size in sizes:
        text = _punctuation(size, "*_\\[&<")
        study = _study(brief_summary=text)
        base = json_baseline(text.encode())
        row("2 HTML export, * _ \\ [ & <", f"{size // 1000:,} KB", size / MB, lambda s=study: study_html(s), base, runs)
        row("2 Markdown export, * _ \\ [ & <", f"{size // 1000:,} KB", size / MB, lambda s=study: study_markdown(s),
            base, runs)  # fmt: skip


def json_lines(sizes: list[int], runs: int) -> None:
    for count in sizes:
        studies = [_hostile_export_study(i, title="t" * 10_000, secondary=50) for i in range(count)]
        text = dumps(studies)
        data = text.encode()
        plain = [s.model_dump(mode="json") for s in studies]
        row("3 JSON Lines export", f"{count:,} studies", len(data) / MB, lambda s=studies: dumps(s),
            lambda p=plain: [json.dumps(x) for x in p], runs)  # fmt: skip
        lines = [line for line in text.split("\n") if line]
        row("3 JSON Lines read back", f"{count:,} studies", len(data) / MB,
            lambda d=data: parse_bytes(d, "x.jsonl"), lambda x=lines: [json.loads(y) for y in x], runs)  # fmt: skip


def locations(sizes: list[int], runs: int) -> None:
    for count in sizes:
        data = v2_with_locations(count)
        row("4 empty locations, v2 JSON", f"{count:,}", len(data) / MB, lambda d=data: parse_bytes(d, "x.json"),
            lambda d=data: json.loads(d), runs)  # fmt: skip
    text = XML_FILE.read_text(encoding="utf-8")
    at = text.rindex("</clinical_study>")
    for count in sizes:
        data = (text[:at] + "<location><facility><name>S</name></facility></location>\n" * count + text[at:]).encode()
        row("4 <location>s, legacy XML", f"{count:,}", len(data) / MB, lambda d=data: parse_bytes(d, "x.xml"),
            lambda d=data: ET.fromstring(d), 1)  # fmt: skip


def string_lists(sizes: list[int], runs: int) -> None:
    record = json.loads(V2_FILE.read_bytes())
    for size in sizes:
        record["protocolSection"]["conditionsModule"] = {"conditions": "Diabetes " * (size // 9)}
        data = json.dumps(record).encode()
        row("5 string for conditions", f"{size // 1000:,} KB", len(data) / MB, lambda d=data: parse_bytes(d, "x.json"),
            lambda d=data: json.loads(d), runs)  # fmt: skip


def ages(sizes: list[int], runs: int) -> None:
    record = json.loads(V2_FILE.read_bytes())
    for digits in sizes:
        record["protocolSection"]["eligibilityModule"].update(minimumAge="9" * digits + " Years")
        data = json.dumps(record).encode()
        row("6 age of many digits", f"{digits:,} digits", len(data) / MB, lambda d=data: parse_bytes(d, "x.json"),
            lambda d=data: json.loads(d), runs)  # fmt: skip


def zips(sizes: list[int], overlaps: list[int], folder: Path) -> None:
    for count in sizes:
        archive = folder / f"many-{count}.zip"
        archive.write_bytes(_zip([(f"m{i}.json", b"{}") for i in range(count)]))
        megabytes = archive.stat().st_size / MB
        row("7 zip of tiny members (refused)", f"{count:,} members", megabytes, lambda a=archive: list(load_paths([a])),
            lambda a=archive: zipfile.ZipFile(a).infolist(), 1)  # fmt: skip
    one = _zip([("a.json", b" " * 2**20)])
    at = one.index(b"PK\x01\x02")
    entry = one[at : one.index(b"PK\x05\x06")]
    for count in overlaps:  # at most the member limit: more are refused by their count alone, as above
        central = b"".join(entry.replace(b"a.json", f"{i:06d}".encode()) for i in range(count))
        archive = folder / f"overlap-{count}.zip"
        archive.write_bytes(one[:at] + central + _end(count, len(central), at, zip64=count > 0xFFFF))
        row("7 overlapping members (refused)", f"{count:,} entries", archive.stat().st_size / MB,
            lambda a=archive: list(load_paths([a])), lambda a=archive: zipfile.ZipFile(a).infolist(), 1)  # fmt: skip


def library(sizes: list[int], folder: Path) -> None:
    import sqlite3

    from viewer.core.library_store import LibraryStore

    for count in sizes:
        paths = [f"/records/{i:07d}.json" for i in range(count)]

        def ours(n: int = count, p: list[str] = paths) -> None:
            store = LibraryStore(folder / f"lib-{n}-{time.monotonic_ns()}.sqlite3")
            store.add(p)
            assert len(store.paths()) == n
            store.close()

        def base(n: int = count, p: list[str] = paths) -> None:
            db = sqlite3.connect(folder / f"raw-{n}-{time.monotonic_ns()}.sqlite3")
            db.execute("CREATE TABLE t (path TEXT PRIMARY KEY)")
            with db:
                db.executemany("INSERT INTO t VALUES (?)", [(x,) for x in p])
            db.close()

        row("8 library: add, read back", f"{count:,} files", sum(map(len, paths)) / MB, ours, base, 3)


def settings_writes(sizes: list[int], folder: Path) -> None:
    from viewer.core.settings_file import write_atomic

    for size in sizes:
        data = b"x" * size
        target = folder / f"settings-{size}.json"
        link = folder / f"link-{size}.json"

        def ours(d: bytes = data, t: Path = link) -> None:
            if not t.is_symlink():
                t.unlink(missing_ok=True)
                t.symlink_to(folder / "elsewhere.json")
            write_atomic(t, d)

        row("9 settings written atomically", f"{size // 1000:,} KB", size / MB, ours,
            lambda d=data, t=target: t.write_bytes(d), 5)  # fmt: skip


def file_names(sizes: list[int], runs: int) -> None:
    from viewer.core.model import file_stem

    for count in sizes:
        ids = [f"../../../../tmp/EVIL-{i}/" + "é" * 90 for i in range(count)]
        row("10 file names from hostile ids", f"{count:,} ids", sum(map(len, ids)) / MB,
            lambda i=ids: [file_stem(x) for x in i], lambda i=ids: [UNSAFE.sub("_", x) for x in i], runs)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="the two smaller sizes only")
    args = parser.parse_args()
    pick = (lambda sizes: sizes[:2]) if args.quick else (lambda sizes: sizes)
    print(f"{'attack':<34} {'size':>14} {'input':>11} {'ours':>12} {'per MB':>14} {'baseline':>12} "
          f"{'ratio':>9} {'peak':>11}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-attacks-") as scratch:
        folder = Path(scratch)
        (folder / "elsewhere.json").write_text("the link's target: never written")
        floods(pick([100_000, 300_000, 1_000_000]), args.runs)
        exports(pick([50_000, 200_000, 800_000]), args.runs)
        json_lines(pick([10, 40, 160]), args.runs)
        locations(pick([250_000, 500_000, 1_000_000]), args.runs)
        string_lists(pick([250_000, 1_000_000, 4_000_000]), args.runs)
        ages(pick([1_000, 100_000, 1_000_000]), args.runs)
        zips(pick([100_001, 300_000, 1_000_000]), pick([10_000, 50_000, 100_000]), folder)
        library(pick([1_000, 10_000, 100_000]), folder)
        settings_writes(pick([1_000, 100_000, 1_000_000]), folder)
        file_names(pick([10_000, 100_000]), args.runs)
        assert (folder / "elsewhere.json").read_text() == "the link's target: never written"


if __name__ == "__main__":
    main()
