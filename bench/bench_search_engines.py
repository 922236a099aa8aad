"""SQLite FTS5 against tantivy on one generated registry: `python bench/bench_search_engines.py [--studies N]`."""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registry_data as data
import search_query as sq

from viewer.core.loader import load_paths

SEARCHED = data.TEXT_FIELDS
BOOSTS = {"id": 4.0, "title": 3.0, "conditions": 2.0, "interventions": 2.0, "summary": 1.0, "inclusion": 1.0,
          "exclusion": 1.0, "outcomes": 1.0, "sites": 1.0, "countries": 1.0, "sponsor": 1.5}  # fmt: skip
SNIPPETS = (
    "title",
    "conditions",
    "interventions",
    "summary",
    "inclusion",
    "exclusion",
    "outcomes",
    "sponsor",
    "sites",
    "countries",
)
"""tantivy snippets: the first of these fields whose snippet highlights something (FTS5 picks its best column)."""
ALL_BOOSTS = {"all": 1.0, "id": 3.0, "title": 2.0, "conditions": 1.0, "interventions": 1.0}
"""With a catch-all field: a title word scores all + title = 3, as BOOSTS gives it without one."""
PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")
NO_MIN, NO_MAX = 0.0, 200.0
"""Ages stated nowhere are stored as these, so an age-range filter is two plain comparisons."""
LIMIT = 20
AIM_P50_MS, AIM_P95_MS, AIM_RSS_MB = 5.0, 50.0, 300.0

Filters = dict[str, Any]
QUERIES: tuple[tuple[str, str, Filters], ...] = (
    ("rare synthetic word", data.token(5000), {}),
    ("very rare word", data.token(300_000), {}),
    ("drug-like name", data.drug(202), {}),
    ("id lookup", data.nct_id(12_345), {}),
    ("common word", "cancer", {}),
    ("very common word", "patients", {}),
    ("very common phrase", '"informed consent"', {}),
    ("phrase", '"heart failure"', {}),
    ("two words (AND)", "breast cancer", {}),
    ("common OR common", "chemotherapy OR radiotherapy", {}),
    ("prefix", "pregnan*", {}),
    ("prefix, short", "cardi*", {}),
    ("prefix, very short", "di*", {}),
    ("field: title", "title:diabetes", {}),
    ("field: conditions phrase", 'conditions:"heart failure"', {}),
    ("field: interventions", "interventions:metformin", {}),
    ("field: sponsor", "sponsor:pfizer", {}),
    ("(OR) NOT", "(asthma OR copd) NOT smoking", {}),
    ("AND (OR) -prefix", "diabetes AND (insulin OR metformin) -pregnan*", {}),
    ("filter phase+status", "cancer", {"phase": ["PHASE3"], "status": ["RECRUITING"]}),
    ("common phrase + phase", '"informed consent"', {"phase": ["PHASE2", "PHASE3"]}),
    ("sex + age range", "diabetes", {"sex": "female", "age": (18.0, 30.0)}),
    ("age range, children", "children", {"age": (0.0, 12.0)}),
    ("word + status", "hiv", {"status": ["COMPLETED"]}),
)


def row_values(study: dict[str, Any]) -> tuple[float, float]:
    low, high = study["min_age"], study["max_age"]
    return (NO_MIN if low is None else low), (NO_MAX if high is None else high)


# --- SQLite FTS5 ------------------------------------------------------------------------------------------


def fts5_build(path: Path, studies: list[dict[str, Any]]) -> dict[str, float]:
    db = sqlite3.connect(path / "index.sqlite")
    db.executescript(
        f"""PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
        CREATE VIRTUAL TABLE fts USING fts5({", ".join(SEARCHED)}, tokenize="unicode61 remove_diacritics 2");
        INSERT INTO fts(fts, rank) VALUES('rank', 'bm25({", ".join(str(w) for w in BOOSTS.values())})');
        CREATE TABLE meta(rowid INTEGER PRIMARY KEY, phase INTEGER, status TEXT, sex TEXT,
                          min_age REAL, max_age REAL);"""
    )
    start = time.perf_counter()
    with db:
        db.executemany(f"INSERT INTO fts(rowid, {', '.join(SEARCHED)}) VALUES (?{', ?' * len(SEARCHED)})",
                       ((i, *(s[f] for f in SEARCHED)) for i, s in enumerate(studies)))  # fmt: skip
        db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
                       ((i, sum(1 << PHASES.index(p) for p in s["phase"]), s["status"], s["sex"], *row_values(s))
                        for i, s in enumerate(studies)))  # fmt: skip
    inserted = time.perf_counter()
    with db:
        db.execute("INSERT INTO fts(fts) VALUES('optimize')")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    end = time.perf_counter()
    return {"insert_s": inserted - start, "optimize_s": end - inserted, "build_s": end - start}


def fts5_where(filters: Filters) -> tuple[str, list[Any]]:
    sql, args = [], []
    if "phase" in filters:
        sql.append("m.phase & ? != 0")
        args.append(sum(1 << PHASES.index(p) for p in filters["phase"]))
    if "status" in filters:
        sql.append(f"m.status IN ({', '.join('?' * len(filters['status']))})")
        args += filters["status"]
    if "sex" in filters:
        sql.append("m.sex IN ('all', ?)")
        args.append(filters["sex"])
    if "age" in filters:
        sql.append("m.min_age <= ? AND m.max_age >= ?")
        args += [filters["age"][1], filters["age"][0]]
    return "".join(f" AND {s}" for s in sql), args


def fts5_searcher(path: Path) -> Callable[[str, Filters], tuple[int, list[tuple[str, str]]]]:
    db = sqlite3.connect(f"file:{path / 'index.sqlite'}?mode=ro", uri=True)

    def search(text: str, filters: Filters, full: bool = True) -> tuple[int, list[tuple[str, str]]]:
        match = sq.to_fts5(sq.parse(text, SEARCHED))
        where, args = fts5_where(filters)
        join = " JOIN meta m ON m.rowid = fts.rowid" if filters else ""
        shown = "snippet(fts, -1, '<b>', '</b>', '…', 12)" if full else "''"
        # ORDER BY rank is consumed by FTS5 itself, so snippet() runs for the 20 rows returned only.
        rows = db.execute(f"SELECT fts.id, {shown} FROM fts{join} WHERE fts MATCH ?{where} ORDER BY rank LIMIT {LIMIT}",
                          [match, *args]).fetchall()  # fmt: skip
        if not full:
            return -1, rows
        (count,) = db.execute(f"SELECT count(*) FROM fts{join} WHERE fts MATCH ?{where}", [match, *args]).fetchone()
        return count, rows

    return search


# --- tantivy ----------------------------------------------------------------------------------------------


def tantivy_schema(t: Any, all_field: bool) -> Any:
    builder = t.SchemaBuilder()
    for field in SEARCHED:
        builder.add_text_field(field, stored=True, tokenizer_name="fold")
    if all_field:
        builder.add_text_field("all", tokenizer_name="fold")
    for field in ("phase", "status", "sex"):
        builder.add_text_field(field, tokenizer_name="raw")
    for field in ("min_age", "max_age"):
        builder.add_float_field(field, indexed=True, fast=True)
    return builder.build()


def tantivy_open(t: Any, path: Path, create: bool = False, all_field: bool = False) -> Any:
    index = t.Index(tantivy_schema(t, all_field), path=str(path)) if create else t.Index.open(str(path))
    # Tokenizers are not stored in the index: every process that opens it registers them again.
    index.register_tokenizer("fold", fold_analyzer(t))
    return index


def fold_analyzer(t: Any) -> Any:
    """Words split on non-alphanumerics, long ones dropped, lowercased, diacritics folded (like unicode61)."""
    builder = t.TextAnalyzerBuilder(t.Tokenizer.simple()).filter(t.Filter.remove_long(40))
    return builder.filter(t.Filter.lowercase()).filter(t.Filter.ascii_fold()).build()


def tantivy_build(path: Path, studies: list[dict[str, Any]], all_field: bool = False) -> dict[str, float]:
    import tantivy as t

    index = tantivy_open(t, path, create=True, all_field=all_field)
    start = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for s in studies:
        doc = t.Document()
        for field in SEARCHED:
            doc.add_text(field, s[field])
        if all_field:
            doc.add_text("all", "\n".join(s[field] for field in SEARCHED))
        for phase in s["phase"]:
            doc.add_text("phase", phase)
        doc.add_text("status", s["status"])
        doc.add_text("sex", s["sex"])
        low, high = row_values(s)
        doc.add_float("min_age", low)
        doc.add_float("max_age", high)
        writer.add_document(doc)
    writer.commit()
    committed = time.perf_counter()
    writer.wait_merging_threads()
    end = time.perf_counter()
    return {"insert_s": committed - start, "optimize_s": end - committed, "build_s": end - start}


def tantivy_searcher(
    path: Path, all_field: bool = False
) -> Callable[[str, Filters], tuple[int, list[tuple[str, str]]]]:
    import tantivy as t

    index = tantivy_open(t, path)
    schema = index.schema
    searcher = index.searcher()
    analyzer = fold_analyzer(t)
    Q = t.Query

    def any_of(field: str, values: list[str]) -> Any:
        # Term queries under a disjunction: several times faster than term_set_query on common values.
        terms = [Q.term_query(schema, field, v) for v in values]
        return terms[0] if len(terms) == 1 else Q.boolean_query([(t.Occur.Should, q) for q in terms])

    def filter_query(filters: Filters) -> list[Any]:
        out = []
        if "phase" in filters:
            out.append(any_of("phase", filters["phase"]))
        if "status" in filters:
            out.append(any_of("status", filters["status"]))
        if "sex" in filters:
            out.append(any_of("sex", ["all", filters["sex"]]))
        if "age" in filters:
            low, high = filters["age"]
            out.append(Q.range_query(schema, "min_age", t.FieldType.Float, upper_bound=high))
            out.append(Q.range_query(schema, "max_age", t.FieldType.Float, lower_bound=low))
        # Filters must match but add nothing to the BM25 score.
        return [(t.Occur.Must, Q.const_score_query(q, 0.0)) for q in out]

    def search(text: str, filters: Filters, full: bool = True) -> tuple[int, list[tuple[str, str]]]:
        node = sq.parse(text, SEARCHED)
        highlight = query = sq.to_tantivy(node, t, searcher, schema, analyzer.analyze, BOOSTS)
        if all_field:
            # Unscoped words search the catch-all field and the boosted ones: 5 posting lists, not 11.
            # Snippets still need the per-field terms: that query is built, not run.
            query = sq.to_tantivy(node, t, searcher, schema, analyzer.analyze, ALL_BOOSTS)
        if filters:
            query = Q.boolean_query([(t.Occur.Must, query), *filter_query(filters)])
        result = searcher.search(query, LIMIT, count=full)
        if not full:
            return -1, [(searcher.doc(address).get_first("id"), "") for _, address in result.hits]
        generators = {}
        for field in SNIPPETS:
            generators[field] = generator = t.SnippetGenerator.create(searcher, highlight, schema, field)
            generator.set_max_num_chars(100)
        words = sq.words(node, analyzer.analyze)
        rows = []
        for _, address in result.hits:
            doc = searcher.doc(address)
            rows.append((doc.get_first("id"), snippet(doc, generators, words)))
        return result.count, rows

    return search


def snippet(doc: Any, generators: dict[str, Any], words: tuple[str, ...]) -> str:
    """The snippet of the first field that highlights something.

    A snippet costs ~50 us a field (tantivy tokenizes the whole text), so fields that cannot match are
    skipped by a substring test first; text that is not ASCII is always tried (folding would be needed).
    """
    for field, generator in generators.items():
        text = doc.get_first(field) or ""
        if text.isascii() and not any(w in text.lower() for w in words):
            continue
        found = generator.snippet_from_doc(doc)
        if found.highlighted():
            return str(found.to_html())
    return ""


ENGINES: dict[str, tuple[Callable[[Path, list[dict[str, Any]]], dict[str, float]], Callable[[Path], Any]]] = {
    "fts5": (fts5_build, fts5_searcher),
    "tantivy": (tantivy_build, tantivy_searcher),
    "tantivy-all": (
        functools.partial(tantivy_build, all_field=True),
        functools.partial(tantivy_searcher, all_field=True),
    ),
}


# --- the search-only process ------------------------------------------------------------------------------


def proc_status() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "RssAnon", "RssFile"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def search_only(engine: str, path: Path, rounds: int) -> None:
    """Open the index in this fresh process, run the query set `rounds` times after one warm-up, print JSON."""
    start = time.perf_counter()
    search = ENGINES[engine][1](path)
    opened = time.perf_counter() - start
    results = []
    for label, text, filters in QUERIES:
        count, rows = search(text, filters)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            search(text, filters)
            times.append((time.perf_counter() - start) * 1000)
        ranked = []
        for _ in range(rounds):
            start = time.perf_counter()
            search(text, filters, False)
            ranked.append((time.perf_counter() - start) * 1000)
        highlighted = sum("<b>" in snippet for _, snippet in rows)
        results.append({"label": label, "ms": times, "ranked_ms": ranked, "count": count, "ids": [i for i, _ in rows],
                        "highlighted": highlighted, "sample": rows[0][1][:160] if rows else ""})  # fmt: skip
    print(json.dumps({"open_s": opened, "queries": results, "mem_mb": proc_status()}))


# --- the report -------------------------------------------------------------------------------------------


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_search(engine: str, path: Path, rounds: int) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--search-only", engine, str(path), "--rounds", str(rounds)],
                         check=True, capture_output=True, text=True)  # fmt: skip
    measured: dict[str, Any] = json.loads(out.stdout)
    return measured


def v2_json_per_text() -> float:
    """Bytes of the corpus's API v2 JSON files per byte of the searched text of their studies."""
    json_bytes = text_bytes = 0
    for result in load_paths([data.V2_FOLDER]):
        json_bytes += Path(result.name).stat().st_size
        text_bytes += sum(len(x.encode()) for s in result.studies for v in data.units(s).values() for x in v)
    return json_bytes / text_bytes


def report(n: int, args: argparse.Namespace) -> None:
    engines = args.engines.split(",")
    print(f"# {datetime.datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, tantivy "
          f"{metadata.version('tantivy') if 'tantivy' in engines else '-'}")  # fmt: skip
    start = time.perf_counter()
    studies = list(data.studies(n, args.seed))
    generated = time.perf_counter() - start
    text = sum(data.raw_text_bytes(s) for s in studies)
    as_json = sum(len(json.dumps(s, ensure_ascii=False).encode()) for s in studies)
    ratio = v2_json_per_text()
    print(
        f"{n:,} studies generated in {generated:.1f} s; searched text {text / 1e9:.2f} GB, the same as JSON lines "
        f"{as_json / 1e9:.2f} GB; API v2 JSON is {ratio:.1f}x its text in the corpus, so ~{text * ratio / 1e9:.1f} "
        "GB as v2 JSON"
    )
    measured: dict[str, dict[str, Any]] = {}
    for engine in engines:
        path = Path(tempfile.mkdtemp(prefix=f"bench-search-{engine}-", dir="/tmp"))
        try:
            build = ENGINES[engine][0](path, studies)
            size = dir_bytes(path)
            print(f"{engine}: built in {build['build_s']:.1f} s, {size / 1e9:.2f} GB; searching ...", flush=True)
            measured[engine] = {**build, "bytes": size, **run_search(engine, path, args.rounds)}
        finally:
            shutil.rmtree(path, ignore_errors=True)
    del studies
    table(n, text, as_json, measured)


def table(n: int, text: int, as_json: int, measured: dict[str, dict[str, Any]]) -> None:
    names = list(measured)
    # Ratios: the first engine over each of the others.
    print(f"\n{'':34}" + "".join(f"{e:>14}" for e in names) + "".join(f"{names[0] + '/' + e:>20}" for e in names[1:]))

    def line(label: str, values: list[float], fmt: str) -> None:
        ratios = "".join(f"{values[0] / v:>19.1f}x" if v else f"{'-':>20}" for v in values[1:])
        print(f"{label:34}" + "".join(f"{format(v, fmt):>14}" for v in values) + ratios)

    line("build s (insert + merge)", [m["build_s"] for m in measured.values()], ".1f")
    line("  of which merge/optimize s", [m["optimize_s"] for m in measured.values()], ".1f")
    line("studies/s", [n / m["build_s"] for m in measured.values()], ",.0f")
    line("index GB", [m["bytes"] / 1e9 for m in measured.values()], ".2f")
    line("index / searched text", [m["bytes"] / text for m in measured.values()], ".2f")
    line("index / JSON lines", [m["bytes"] / as_json for m in measured.values()], ".2f")
    line("open s", [m["open_s"] for m in measured.values()], ".3f")
    every = {e: [t for q in m["queries"] for t in q["ms"]] for e, m in measured.items()}
    line("query p50 ms (all runs)", [statistics.median(v) for v in every.values()], ".2f")
    line("query p95 ms (all runs)", [pct(v, 0.95) for v in every.values()], ".2f")
    line("query max ms", [max(v) for v in every.values()], ".2f")
    ranked = {e: [t for q in m["queries"] for t in q["ranked_ms"]] for e, m in measured.items()}
    line("top 20 ids only: p50 ms", [statistics.median(v) for v in ranked.values()], ".2f")
    line("top 20 ids only: p95 ms", [pct(v, 0.95) for v in ranked.values()], ".2f")
    line("search process peak RSS MB", [m["mem_mb"]["VmHWM"] for m in measured.values()], ".0f")
    line("  at end: anonymous MB", [m["mem_mb"]["RssAnon"] for m in measured.values()], ".0f")
    line("  at end: file-backed MB", [m["mem_mb"]["RssFile"] for m in measured.values()], ".0f")
    print(f"\nper query, median ms of the timed runs (top {LIMIT}, snippets, total count; ids only in brackets):")
    print(
        f"{'':28}{'query':34}"
        + "".join(f"{e:>19}{'hits':>9}" for e in names)
        + "  same count  top-20 overlap (first two)"
    )
    for i, (label, text_q, filters) in enumerate(QUERIES):
        qs = [m["queries"][i] for m in measured.values()]
        shown = text_q + (" " + ",".join(f"{k}={v}" for k, v in filters.items()) if filters else "")
        cells = "".join(f"{statistics.median(q['ms']):>9.2f} ({statistics.median(q['ranked_ms']):>7.2f})"
                        f"{q['count']:>9,}" for q in qs)  # fmt: skip
        extra = ""
        if len(qs) >= 2:
            overlap = len(set(qs[0]["ids"]) & set(qs[1]["ids"]))
            same = len({q["count"] for q in qs}) == 1
            extra = f"  {'yes' if same else 'NO':>10}  {overlap:>6}/{len(qs[0]['ids'])}"
        print(f"{label:28}{shown[:34]:34}{cells}{extra}")
    for e, m in measured.items():
        unlit = [q["label"] for q in m["queries"] if q["count"] and q["highlighted"] < min(q["count"], LIMIT)]
        print(f"{e}: hits without a highlighted snippet in: {', '.join(unlit) or 'none'}")
        print(f"{e}: sample snippet: {m['queries'][6]['sample']}")
    aims = {e: (statistics.median(v) < AIM_P50_MS, pct(v, 0.95) < AIM_P95_MS) for e, v in every.items()}
    for e, m in measured.items():
        print(
            f"aims for {e}: p50 < {AIM_P50_MS} ms {aims[e][0]}, p95 < {AIM_P95_MS} ms {aims[e][1]}, "
            f"index <= JSON {m['bytes'] <= as_json}, peak RSS < {AIM_RSS_MB} MB {m['mem_mb']['VmHWM'] < AIM_RSS_MB}"
        )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=600_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=7, help="timed runs of each query after one warm-up")
    parser.add_argument("--engines", default="fts5,tantivy")
    parser.add_argument("--search-only", nargs=2, metavar=("ENGINE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.search_only:
        search_only(args.search_only[0], Path(args.search_only[1]), args.rounds)
    else:
        report(args.studies, args)


if __name__ == "__main__":
    main()
