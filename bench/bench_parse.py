"""Parse speed against a raw-parse baseline measured in the same run: `python bench/bench_parse.py [--scale N]`."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from viewer.core.errors import ParseError  # noqa: E402
from viewer.core.loader import parse_bytes  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
AIM = 3.0
"""The issue's aim: the model costs at most this many times the raw parse."""
COLUMNS = (("files", 6), ("studies", 7), ("errors", 6), ("raw s", 8), ("ours s", 8), ("studies/s", 10), ("ours/raw", 8))


@dataclass
class Group:
    """One format's files, held in memory, with the raw parser they are measured against."""

    label: str
    folder: str
    pattern: str
    raw: Callable[[bytes], object]
    files: list[tuple[str, bytes]]

    def raw_round(self) -> None:
        for _, data in self.files:
            self.raw(data)

    def our_round(self) -> tuple[int, int]:
        studies = errors = 0
        for name, data in self.files:
            try:
                studies += len(parse_bytes(data, name))
            except ParseError:
                errors += 1
        return studies, errors


def _html(data: bytes) -> None:
    """The raw HTML baseline: the standard library's parser, the one the page parser is built on."""
    from html.parser import HTMLParser

    parser = HTMLParser()
    parser.feed(data.decode("utf-8", "replace"))
    parser.close()


def _lines(data: bytes) -> list[str]:
    """The raw baseline for page text and section-coded text: decode and split into lines."""
    return data.decode("utf-8", "replace").splitlines()


def load(scale: int) -> list[Group]:
    groups = [
        Group("CT.gov API v2 JSON", "A_ctgov_api_v2_json", "*.json", json.loads, []),
        Group("CT.gov API v1 JSON", "A1_ctgov_api_v1_classic_json", "*.json", json.loads, []),
        Group("CT.gov legacy XML", "B_ctgov_legacy_xml", "**/*.xml", ET.fromstring, []),
        Group("CT.gov archive HTML", "C_ctgov_archive_page_html", "*.html", _html, []),
        Group("EU CTR text", "D_euctr_text", "*.txt", _lines, []),
        Group("WHO ICTRP XML", "E_ictrp_xml", "*.xml", ET.fromstring, []),
        Group("CDISC USDM JSON", "F_usdm_json", "*.json", json.loads, []),
        Group("page text (seeds)", "../seeds", "*.txt", _lines, []),
    ]
    for group in groups:
        paths = sorted((CORPUS / group.folder).glob(group.pattern))
        files = [(str(p.relative_to(CORPUS)), p.read_bytes()) for p in paths]
        # More copies of the same bytes, under distinct names: steadier numbers, nothing written.
        group.files = [(f"{name}#{copy}" if copy else name, data) for copy in range(scale) for name, data in files]
    return groups


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def profile(group: Group, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(group.our_round)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"\n--- {group.label}: top {top} by {order} ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:6000])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1, help="repeat the corpus N times in memory")
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (after one warm-up round)")
    parser.add_argument("--profile", action="store_true", help="also profile one round of our parse per format")
    parser.add_argument("--top", type=int, default=25, help="functions shown per profile")
    args = parser.parse_args(argv)

    groups = load(max(1, args.scale))
    raw_times: dict[str, list[float]] = {g.label: [] for g in groups}
    our_times: dict[str, list[float]] = {g.label: [] for g in groups}
    counts: dict[str, tuple[int, int]] = {}
    for round_no in range(args.rounds + 1):
        for group in groups:
            raw = timed(group.raw_round)
            start = time.perf_counter()
            counts[group.label] = group.our_round()
            ours = time.perf_counter() - start
            if round_no:  # round 0 warms caches and imports
                raw_times[group.label].append(raw)
                our_times[group.label].append(ours)

    header = f"{'format':<21} " + " ".join(f"{title:>{width}}" for title, width in COLUMNS)
    print(f"corpus {CORPUS} x{args.scale}, median of {args.rounds} rounds, Python {sys.version.split()[0]}")
    print(header)
    print("-" * len(header))
    total_raw = [0.0] * args.rounds
    total_ours = [0.0] * args.rounds
    all_files = all_studies = all_errors = 0
    for group in groups:
        studies, errors = counts[group.label]
        raw, ours = statistics.median(raw_times[group.label]), statistics.median(our_times[group.label])
        total_raw = [a + b for a, b in zip(total_raw, raw_times[group.label], strict=True)]
        total_ours = [a + b for a, b in zip(total_ours, our_times[group.label], strict=True)]
        all_files, all_studies, all_errors = all_files + len(group.files), all_studies + studies, all_errors + errors
        print(_row(group.label, len(group.files), studies, errors, raw, ours))
    print("-" * len(header))
    raw, ours = statistics.median(total_raw), statistics.median(total_ours)
    print(_row("combined", all_files, all_studies, all_errors, raw, ours))
    verdict = "within" if ours / raw <= AIM else "over"
    print(f"aim: ours/raw <= {AIM:g}x; combined ratio {ours / raw:.1f}x is {verdict} the aim")

    if args.profile:
        for group in groups:
            profile(group, args.top)
    return 0


def _row(label: str, files: int, studies: int, errors: int, raw: float, ours: float) -> str:
    rate = studies / ours if ours else float("inf")
    return f"{label:<21} {files:>6} {studies:>7} {errors:>6} {raw:>8.4f} {ours:>8.4f} {rate:>10.0f} {ours / raw:>7.1f}x"


if __name__ == "__main__":
    raise SystemExit(main())
