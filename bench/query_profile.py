"""Full path vs the bare engine, per query, in one process: `python bench/query_profile.py INDEX QUERIES [--rounds N]`.

INDEX is a search-core index folder (it may be repaired on open: pass a copy); QUERIES one query per line
(repeats are fine: each distinct text is timed `rounds` times in both paths, interleaved, the order
alternating by round). The full path is
`SearchIndex.search(text, limit, fields=False)` as `trialviewer search` and the GUI run it (parse, search,
snippets; each hit's matched fields only with --fields, facets only with --facets); the bare engine is
`viewer.core.search.bare.run` on a query prepared outside the timing (see that module for what it does).
Prints per-query medians, then p50/p95 over every timed call, the ratios, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viewer.core.search import SearchIndex
from viewer.core.search.bare import prepare, run


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("index", type=Path)
    ap.add_argument("queries", type=Path)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--facets", action="store_true", help="the full path counts facets too (as the GUI asks)")
    ap.add_argument("--fields", action="store_true", help="the full path finds each hit's matched fields too")
    args = ap.parse_args()
    texts = list(dict.fromkeys(line.strip() for line in args.queries.read_text().splitlines() if line.strip()))
    index = SearchIndex.open(args.index)
    load0 = os.getloadavg()
    full: dict[str, list[float]] = {t: [] for t in texts}
    bare: dict[str, list[float]] = {t: [] for t in texts}
    prepared = {t: prepare(index, t) for t in texts}
    for t in texts:  # warm-up: page cache, analyzer tables, per-generation caches
        index.search(t, limit=args.limit, facets=args.facets, fields=args.fields)
        run(prepared[t], args.limit)
    mismatched = []
    for round_ in range(args.rounds):
        for t in texts:
            for path in ("full", "bare") if round_ % 2 == 0 else ("bare", "full"):  # neither always warms the other
                start = time.perf_counter()
                if path == "full":
                    result = index.search(t, limit=args.limit, facets=args.facets, fields=args.fields)
                else:
                    hits = run(prepared[t], args.limit)
                (full if path == "full" else bare)[t].append((time.perf_counter() - start) * 1000)
            if [h.id for h in hits] != [h.id for h in result.hits] and t not in mismatched:
                mismatched.append(t)
    load1 = os.getloadavg()
    print(f"{'query':58} {'full ms':>8} {'bare ms':>8} {'ratio':>6} {'total':>6}")
    for t in texts:
        f, b = statistics.median(full[t]), statistics.median(bare[t])
        total = index.search(t, limit=1).total
        print(f"{t[:58]:58} {f:8.3f} {b:8.3f} {f / b:6.2f} {total:6}")
    all_full = [v for t in texts for v in full[t]]
    all_bare = [v for t in texts for v in bare[t]]
    f50, f95, b50, b95 = pct(all_full, 0.5), pct(all_full, 0.95), pct(all_bare, 0.5), pct(all_bare, 0.95)
    print(
        f"\n{len(texts)} queries x {args.rounds} rounds, limit {args.limit}, facets {args.facets}, fields {args.fields}"
    )
    print(f"full  p50 {f50:.3f} ms  p95 {f95:.3f} ms")
    print(f"bare  p50 {b50:.3f} ms  p95 {b95:.3f} ms")
    print(f"ratio p50 {f50 / b50:.2f}x  p95 {f95 / b95:.2f}x   (aim <= 1.5x; p50 < 5 ms, p95 < 50 ms)")
    print(f"load average before {load0[0]:.2f} {load0[1]:.2f}, after {load1[0]:.2f} {load1[1]:.2f}")
    if mismatched:
        print(f"ids or order differ between the paths for: {mismatched}")
    index.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
