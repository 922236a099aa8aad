"""The search core end to end at registry scale: `python bench/bench_search.py [--studies N] [--repo DIR]`.

1. A CT.gov API v2 dump of N one-study JSON files in one zip (`registry_dump.py`, cached).
2. `python -m viewer index DUMP --index DIR` of the code under test, timed as a subprocess.
3. The fixed query set through `python -m viewer search --queries FILE --to json` (one process, 1 warm-up
   pass + `--rounds` timed passes, took_ms per query, peak RSS from /proc/self/status), and in the same run
   the bare engine: a second process that opens the same tantivy index, compiles the same queries with the
   package's own compile function and times only the engine's work (viewer.core.search.bare.run: tantivy's
   search with the count, the stored documents, tantivy's snippets). The two take `--turns` turns each
   (full, bare, full, bare), and every timed pass of every turn is a sample.
4. A results table, and a JSON file of every number.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = Path(os.environ.get("BENCH_WORK", "/work/tmp-bench"))
AIM_RATIO, AIM_P50_MS, AIM_P95_MS, AIM_RSS_MB, AIM_RATE = 1.5, 5.0, 50.0, 300.0, 1000.0

WRAPPER = """
import atexit, runpy, sys, threading, time
_out = sys.argv.pop(1)
_peak = {'RssAnon': 0, 'RssFile': 0}
def _status():
    with open('/proc/self/status') as status:
        return {k: int(v.split()[0]) for k, _, v in (line.partition(':') for line in status)
                if k in ('VmHWM', 'RssAnon', 'RssFile')}
def _sample():
    while True:
        now = _status()
        for key in _peak:
            _peak[key] = max(_peak[key], now[key])
        time.sleep(0.02)
def _report():
    mem = _status()
    mem.update({'peak_' + k: max(v, mem[k]) for k, v in _peak.items()})
    with open(_out, 'w') as out:
        out.write(repr(mem))
threading.Thread(target=_sample, daemon=True).start()
atexit.register(_report)
sys.argv[0] = 'viewer'
runpy.run_module('viewer', run_name='__main__', alter_sys=True)
"""
"""Runs `python -m viewer ...` and, at exit, writes its VmHWM/RssAnon/RssFile (kB) to the file named first, with
the highest RssAnon (heap) and RssFile (mapped index pages, page cache) seen by sampling every 20 ms."""


def queries(n: int) -> list[tuple[str, str]]:
    """The fixed query set (label, text); the synthetic words are those registry_data draws."""
    import registry_data as data

    return [
        ("rare synthetic word", data.token(5000)),
        ("very rare synthetic word", data.token(300_000)),
        ("drug-like name", data.drug(202)),
        ("NCT id", data.nct_id(min(12_345, n - 1))),
        ("common word", "cancer"),
        ("very common word", "patients"),
        ("very common phrase", '"informed consent"'),
        ("phrase", '"heart failure"'),
        ("two words (AND)", "lymphoma radiotherapy"),
        ("common OR common", "chemotherapy OR radiotherapy"),
        ("prefix", "pregnan*"),
        ("prefix, short", "cardi*"),
        ("field: title", "title:randomized"),
        ("field: condition phrase", 'condition:"coronary artery"'),
        ("field: intervention", "intervention:placebo"),
        ("field: sponsor", "sponsor:gilead"),
        ("field: site", "site:boston"),
        ("field: country", "country:germany"),
        ("(OR) NOT", "(hiv OR hepatitis) NOT vaccine"),
        ("AND (OR) NOT prefix", "lymphoma AND (radiotherapy OR chemotherapy) NOT pregnan*"),
        ("word + phase + status", "cancer phase:3 status:recruiting"),
        ("common phrase + phase", '"informed consent" phase:2'),
        ("word + sex + age", "diabetes sex:female age:25"),
        ("word + age, children", "children age:8"),
        ("word + status", "hiv status:completed"),
        ("word + registry", "infection registry:ctgov"),
        ("rare word + field + filter", f"title:{data.token(700)} status:completed"),
    ]


# --- the code under test ------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def code_under_test(repo: Path, commit: str | None) -> tuple[Path, str, bool]:
    """(folder to run from, commit, whether it has uncommitted changes). With `commit`: a throwaway worktree."""
    if not commit:
        if not (repo / ".git").exists():
            return repo, "not-a-git-checkout", True
        return repo, git(repo, "rev-parse", "HEAD"), bool(git(repo, "status", "--porcelain", "viewer"))
    sha = git(repo, "rev-parse", commit)
    folder = WORK / f"code-{sha[:12]}"
    if not (folder / "viewer").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        git(repo, "worktree", "prune")
        git(repo, "worktree", "add", "--detach", str(folder), sha)
    return folder, sha, False


def child_env(code: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(code), "PYTHONDONTWRITEBYTECODE": "1"}


# --- build ----------------------------------------------------------------------------------------------------


def run_timed(cmd: list[str], cwd: Path, log: Path) -> dict[str, float]:
    """Run `cmd`, its output to `log`; wall seconds, CPU seconds and the peak RSS of it and its children."""
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=child_env(cwd), stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}); see {log}:\n{log.read_text()[-3000:]}")
    return {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024,
            "load_before": load, "load_after": os.getloadavg()[0]}  # fmt: skip


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# --- search: the CLI and the bare engine ---------------------------------------------------------------------


def run_cli_search(code: Path, index: Path, qfile: Path, limit: int, log: Path, extra: tuple[str, ...] = ()
                   ) -> dict[str, Any]:  # fmt: skip
    mem_file = log.with_suffix(".mem")
    cmd = [sys.executable, "-c", WRAPPER, str(mem_file), "search", "--queries", str(qfile), "--index", str(index),
           "--limit", str(limit), "--to", "json", *extra]  # fmt: skip
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=code, env=child_env(code), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log.write_text(out.stderr)
    if out.returncode:
        raise SystemExit(f"search failed ({out.returncode}):\n{out.stderr[-3000:]}")
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    mem = {k: v / 1024 for k, v in eval(mem_file.read_text()).items()}  # our own repr() of a dict of ints
    return {"seconds": seconds, "lines": lines, "mem_mb": mem}


BARE = """
import json, sys, time
from importlib import import_module
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import bench_search as b
print(json.dumps(b.bare(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
"""


def run_bare(code: Path, index: Path, qfile: Path, limit: int) -> dict[str, Any]:
    cmd = [sys.executable, "-c", BARE, str(HERE), str(index), str(qfile), str(limit)]
    out = subprocess.run(cmd, cwd=code, env=child_env(code), capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"bare engine failed ({out.returncode}):\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


def bare(index: Path, qfile: Path, limit: int) -> dict[str, Any]:
    """In the bare process (run from the code under test): the engine work of each answer, timed alone.

    `took_ms` is viewer.core.search.bare.run: tantivy's top `limit` with the count, the stored documents and
    tantivy's own SnippetGenerator for each hit (the fair baseline for "including snippets"); `search_ms` is
    searcher.search(query, limit, count=True) alone, reported beside it. Parsing and compiling are outside both.
    """
    from viewer.core.search import SearchIndex
    from viewer.core.search import bare as engine

    start = time.perf_counter()
    package = SearchIndex.open(index)
    opened = time.perf_counter() - start
    lines = []
    for text in qfile.read_text().splitlines():
        start = time.perf_counter()
        prepared = engine.prepare(package, text)
        compiled = time.perf_counter()
        engine.run(prepared, limit)
        done = time.perf_counter()
        found = prepared.searcher.search(prepared.query, limit, count=True)
        searched = time.perf_counter()
        lines.append({"query": text, "took_ms": (done - compiled) * 1000, "compile_ms": (compiled - start) * 1000,
                      "search_ms": (searched - done) * 1000, "total": found.count,
                      "hits": len(found.hits)})  # fmt: skip
    return {"open_s": opened, "lines": lines}


# --- the report -------------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def turns_of(runs: list[dict[str, Any]], count: int, rounds: int) -> list[list[dict[str, Any]]]:
    """per_query over several processes' lines: each query's timed passes from every one of them."""
    each = [per_query(run["lines"], count, rounds) for run in runs]
    return [[line for run in each for line in run[i]] for i in range(count)]


def per_query(lines: list[dict[str, Any]], count: int, rounds: int) -> list[list[dict[str, Any]]]:
    """The timed passes (the warm-up pass dropped), grouped per query."""
    if len(lines) != count * (rounds + 1):
        raise SystemExit(f"expected {count * (rounds + 1)} result lines, got {len(lines)}")
    return [[lines[p * count + i] for p in range(1, rounds + 1)] for i in range(count)]


def summarize(qs: list[tuple[str, str]], full: list[list[dict[str, Any]]], bare_: list[list[dict[str, Any]]]
              ) -> list[dict[str, Any]]:  # fmt: skip
    rows = []
    for (label, text), f, b in zip(qs, full, bare_, strict=True):
        f_ms, b_ms = [x["took_ms"] for x in f], [x["took_ms"] for x in b]
        hits = f[0]["hits"]
        rows.append({"label": label, "query": text, "full_ms": f_ms, "bare_ms": b_ms, "total": f[0]["total"],
                     "bare_total": b[0]["total"], "hits": len(hits),
                     "snippets_lit": sum("<b>" in (h.get("snippet") or "") for h in hits),
                     "compile_ms": statistics.median(x["compile_ms"] for x in b),
                     "sample": (hits[0].get("snippet") or "")[:160] if hits else ""})  # fmt: skip
    return rows


def table(rows: list[dict[str, Any]]) -> dict[str, float]:
    print(
        "\nper query, median of the timed passes (ms); bare = viewer.core.search.bare.run (search + count + docs +"
        " tantivy snippets):"
    )
    print(f"{'':28}{'query':40}{'full':>9}{'bare':>9}{'full/bare':>10}{'total':>10}  same total  lit")
    for r in rows:
        f, b = statistics.median(r["full_ms"]), statistics.median(r["bare_ms"])
        same = "yes" if r["total"] == r["bare_total"] else f"NO ({r['bare_total']:,})"
        print(f"{r['label']:28}{r['query'][:40]:40}{f:>9.2f}{b:>9.2f}{f / b if b else 0:>9.1f}x{r['total']:>10,}"
              f"  {same:>10}  {r['snippets_lit']}/{r['hits']}")  # fmt: skip
    every_f = [t for r in rows for t in r["full_ms"]]
    every_b = [t for r in rows for t in r["bare_ms"]]
    ratios = [statistics.median(r["full_ms"]) / max(statistics.median(r["bare_ms"]), 1e-6) for r in rows]
    stats = {"full_p50": statistics.median(every_f), "full_p95": pct(every_f, 0.95), "full_max": max(every_f),
             "bare_p50": statistics.median(every_b), "bare_p95": pct(every_b, 0.95), "bare_max": max(every_b),
             "ratio_median_of_queries": statistics.median(ratios)}  # fmt: skip
    stats["ratio_p50"] = stats["full_p50"] / stats["bare_p50"]
    stats["ratio_p95"] = stats["full_p95"] / stats["bare_p95"]
    return stats


def report(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    import registry_dump

    n = args.studies
    code, sha, dirty = code_under_test(Path(args.repo).resolve(), args.commit)
    started = datetime.datetime.now()
    print(f"# {started:%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}; code {code} at {sha[:12]}"
          f"{' (with uncommitted changes)' if dirty else ''}", flush=True)  # fmt: skip
    dump, info = registry_dump.ensure_dump(n, args.seed, args.results_fraction, log=lambda s: print(s, flush=True))
    index = Path(args.index) if args.index else WORK / f"index-n{n}-{sha[:12]}"
    logs = WORK / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if not args.reuse_index or not index.exists():
        shutil.rmtree(index, ignore_errors=True)
        print(f"build: python -m viewer index {dump} --index {index} ...", flush=True)
        build = run_timed([sys.executable, "-m", "viewer", "index", str(dump), "--index", str(index)], code,
                          logs / f"build-n{n}.log")  # fmt: skip
        build["commit"] = sha
    else:
        build = json.loads((index.parent / f"{index.name}.build.json").read_text())
    (index.parent / f"{index.name}.build.json").write_text(json.dumps(build))
    size = dir_bytes(index)
    print(f"build: {build['seconds']:.1f} s, {n / build['seconds']:,.0f} studies/s, index {size / 1e9:.2f} GB",
          flush=True)  # fmt: skip
    qs = queries(n)
    qfile = WORK / f"queries-n{n}.txt"
    qfile.write_text("\n".join(text for _, text in qs * (args.rounds + 1)) + "\n")
    # The build leaves gigabytes of dirty pages; timing queries while the kernel writes them back made the
    # first (full) pass up to 2x slower than the bare pass after it. Let the writes land first.
    if hasattr(os, "sync"):
        os.sync()
    load_search = os.getloadavg()[0]
    # Full and bare take turns (`--turns` processes each), so that a machine getting faster or slower over the
    # run (other tenants, the page cache) weighs on both alike; every timed pass of every turn is a sample.
    fulls, bares = [], []
    for turn in range(args.turns):
        fulls.append(run_cli_search(code, index, qfile, args.limit, logs / f"search-n{n}-{turn}.log"))
        bares.append(run_bare(code, index, qfile, args.limit))
    full = {"seconds": statistics.median(f["seconds"] for f in fulls), "lines": fulls[0]["lines"],
            "mem_mb": max((f["mem_mb"] for f in fulls), key=lambda m: m["VmHWM"])}  # fmt: skip
    bare_ = bares[0]
    # The same queries with each hit's matched fields (`--fields`: one more search per answer), which the
    # GUI's as-you-type answers leave out: reported beside the main figures, not instead of them.
    with_fields = run_cli_search(code, index, qfile, args.limit, logs / f"search-fields-n{n}.log", ("--fields",))
    passes = args.rounds
    rows = summarize(qs, turns_of(fulls, len(qs), passes), turns_of(bares, len(qs), passes))
    stats = table(rows)
    raw, text = info["raw_json_bytes"], info["searched_text_bytes"]
    rate = n / build["seconds"]
    rss = full["mem_mb"]["VmHWM"]
    print(f"\n{'studies':44}{n:>12,}")
    print(f"{'dump zip GB / raw JSON GB / searched text GB':44}{info['zip_bytes'] / 1e9:>12.2f}"
          f"{raw / 1e9:>9.2f}{text / 1e9:>9.2f}  (text from 1 in {registry_dump.TEXT_SAMPLE} studies)")  # fmt: skip
    print(
        f"{'build s (python -m viewer index, wall)':44}{build['seconds']:>12.1f}   CPU {build['cpu_s']:.0f} s, "
        f"peak RSS {build['peak_rss_mb']:.0f} MB, load {build['load_before']:.1f} -> {build['load_after']:.1f}"
    )
    print(f"{'studies/s':44}{rate:>12,.0f}   (built by {build.get('commit', sha)[:12]})")
    print(f"{'index GB':44}{size / 1e9:>12.2f}")
    print(f"{'index / raw JSON':44}{size / raw:>12.2f}")
    print(f"{'index / searched text':44}{size / text:>12.2f}")
    print(
        f"{'search process wall s ({} queries, median of {} turns)'.format(len(full['lines']), args.turns):44}"
        f"{full['seconds']:>12.1f}"
        f"   load {load_search:.1f}"
    )
    for key, label in (("p50", "p50"), ("p95", "p95"), ("max", "max")):
        f, b = stats[f"full_{key}"], stats[f"bare_{key}"]
        print(f"{'query ' + label + ' ms: full / bare / ratio':44}{f:>12.2f}{b:>9.2f}{f / b if b else 0:>8.1f}x")
    print(f"{'full/bare, median over queries':44}{stats['ratio_median_of_queries']:>11.1f}x")
    fielded = sorted(x["took_ms"] for q in per_query(with_fields["lines"], len(qs), passes) for x in q)
    fields_p50, fields_p95 = statistics.median(fielded), pct(fielded, 0.95)
    print(f"{'with --fields (matched fields too): p50 / p95':44}{fields_p50:>12.2f}{fields_p95:>9.2f}")
    mem = full["mem_mb"]
    print(
        f"{'search process peak RSS MB (VmHWM)':44}{rss:>12.0f}   sampled peaks: anonymous "
        f"{mem.get('peak_RssAnon', 0):.0f}, file-backed {mem.get('peak_RssFile', 0):.0f}; at exit "
        f"{mem['RssAnon']:.0f} / {mem['RssFile']:.0f}"
    )
    print(f"{'bare engine open s':44}{bare_['open_s']:>12.3f}")
    mismatched = [r["label"] for r in rows if r["total"] != r["bare_total"]]
    print(f"totals differing between full and bare: {', '.join(mismatched) or 'none'}")
    print(f"sample snippet ({rows[6]['query']}): {rows[6]['sample']}")
    aims = {
        f"build >= {AIM_RATE:,.0f} studies/s": rate >= AIM_RATE,
        "index <= raw JSON": size <= raw,
        f"full <= {AIM_RATIO}x bare (p50)": stats["ratio_p50"] <= AIM_RATIO,
        f"full <= {AIM_RATIO}x bare (p95)": stats["ratio_p95"] <= AIM_RATIO,
        f"p50 < {AIM_P50_MS} ms": stats["full_p50"] < AIM_P50_MS,
        f"p95 < {AIM_P95_MS} ms": stats["full_p95"] < AIM_P95_MS,
        f"peak RSS < {AIM_RSS_MB:.0f} MB": rss < AIM_RSS_MB,
    }
    print("aims: " + "; ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in aims.items()))
    out = Path(args.out or WORK / f"results-n{n}.json")
    out.write_text(json.dumps({
        "date": started.isoformat(timespec="seconds"), "host": platform.node(), "cores": os.cpu_count(),
        "python": platform.python_version(), "code": str(code), "commit": sha, "dirty": dirty,
        "dump": {**info, "path": str(dump)}, "build": {**build, "studies_per_s": rate},
        "index": {"path": str(index), "bytes": size, "per_raw_json": size / raw, "per_searched_text": size / text},
        "search": {"seconds": full["seconds"], "mem_mb": full["mem_mb"], "load": load_search, **stats},
        "with_fields": {"p50": fields_p50, "p95": fields_p95, "mem_mb": with_fields["mem_mb"]},
        "bare_open_s": bare_["open_s"], "queries": rows, "aims": aims, "rounds": args.rounds, "turns": args.turns,
        "limit": args.limit,
    }, indent=1))  # fmt: skip
    print(f"results: {out}")
    if not args.keep_index:
        shutil.rmtree(index, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--studies", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results-fraction", type=float, default=0.25,
                        help="share of studies that keep their resultsSection (parsed, not searched)")  # fmt: skip
    parser.add_argument("--repo", default=str(ROOT), help="the checkout whose `python -m viewer` is measured")
    parser.add_argument("--commit", help="measure this commit of --repo (a throwaway worktree in the work folder)")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes over the query set after one warm-up")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--turns", type=int, default=2, help="search processes of each kind, full and bare in turn")
    parser.add_argument("--reuse-index", action="store_true", help="search the index of an earlier --keep-index run")
    parser.add_argument("--keep-index", action="store_true")
    parser.add_argument("--index", help="the index folder (default: one per size and commit in the work folder)")
    parser.add_argument("--out", help="results JSON (default: the work folder)")
    report(parser.parse_args())


if __name__ == "__main__":
    main()
