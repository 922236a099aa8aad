"""`trialviewer search QUERY [--index DIR] [--limit N] [--facets] [--fields] [--to text|json]`, or `--queries FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from viewer.core.search import SearchIndex, SearchResult

NAME = "search"
HELP = "search the index (see docs/search.md for the query language)"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", metavar="QUERY", help='words, "phrases", prefix*, AND/OR/NOT, title:x ...')
    parser.add_argument("--queries", metavar="FILE", help="one query per line (- for standard input), in one process")
    parser.add_argument("--index", metavar="DIR", help="the index folder (default: the user's data folder)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="hits per query (default 20)")
    parser.add_argument("--facets", action="store_true",
                        help="also count phase, status, sex, registry and country over all the matches")  # fmt: skip
    parser.add_argument("--fields", action="store_true",
                        help='also name the fields each hit matched in ("fields"; one more search)')  # fmt: skip
    parser.add_argument("--to", choices=("text", "json"), default="text",
                        help="text for a terminal (default) or json (one object per query, one per line)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if (args.query is None) == (args.queries is None):
        print("error: give a QUERY or --queries FILE (not both)", file=sys.stderr)
        return 2
    if args.limit < 0:
        print("error: --limit must be 0 or more", file=sys.stderr)
        return 2
    queries: Iterator[str]
    if args.queries is not None:
        try:
            queries = _lines(args.queries)
            if args.queries != "-":
                queries = iter(list(queries))  # a missing file is an error before anything is printed
        except OSError as exc:
            print(f"error: {args.queries}: cannot be read ({exc.strerror or exc})", file=sys.stderr)
            return 2
    else:
        queries = iter([args.query])
    from viewer.core.search import SearchIndex

    index = SearchIndex.open(Path(args.index) if args.index else None)
    if index.reset_reason:
        print(f"warning: {index.reset_reason}", file=sys.stderr)
    try:
        _answer(index, queries, args.limit, args.to, args.facets, args.fields)
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): not an error worth a traceback
    finally:
        index.close()
    return 0


def _lines(name: str) -> Iterator[str]:
    if name == "-":
        for line in sys.stdin:
            if line.strip():
                yield line.rstrip("\r\n")
        return
    with open(name, encoding="utf-8", errors="replace") as handle:
        lines = [line.rstrip("\r\n") for line in handle if line.strip()]
    yield from lines


def _answer(index: SearchIndex, queries: Iterator[str], limit: int, to: str, facets: bool, fields: bool) -> None:
    out = sys.stdout
    for text in queries:
        result = index.search(text, limit=limit, facets=facets, fields=fields)
        if to == "json":
            out.write(json.dumps(as_json(result, facets, fields), ensure_ascii=False) + "\n")
        else:
            out.write(as_text(result, facets) + "\n")
        out.flush()


def as_json(result: SearchResult, facets: bool = False, fields: bool = True) -> dict[str, Any]:
    """The documented JSON form of one answer (query, took_ms, total, hits in rank order, and more);
    "facets" and each hit's "fields" only when they were asked for (`--facets`, `--fields`)."""
    answer = {
        "query": result.query,
        "took_ms": result.took_ms,
        "total": result.total,
        "hits": [
            {
                "id": h.id,
                "title": h.title,
                "score": round(h.score, 4),
                "snippet": h.snippet,
                "file": h.file,
                "member": h.member,
                "snippet_field": h.snippet_field,
                "registry": h.registry,
                "phase": h.phase,
                "status": h.status,
            }
            | ({"fields": list(h.fields)} if fields else {})
            for h in result.hits
        ],
        "terms": list(result.terms),
        "plain_words": result.plain_words,
        "suggestions": list(result.suggestions),
    }
    if facets:
        answer["facets"] = {key: [[value, count] for value, count in pairs] for key, pairs in result.facets.items()}
    return answer


def as_text(result: SearchResult, facets: bool = False) -> str:
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("[", "]")
    lines = [f"{len(result.hits)} of {result.total:,} studies for {result.query!r} ({result.took_ms:.1f} ms)"]
    if result.plain_words:
        lines[0] += "; read as plain words (the query did not parse)"
    if result.suggestions:
        lines.append("did you mean: " + ", ".join(result.suggestions))
    for rank, hit in enumerate(result.hits, 1):
        snippet = "".join(f"{bold}{text}{plain}" if marked else text for text, marked in hit.snippet_runs)
        where = f"{hit.file}!{hit.member}" if hit.member else hit.file
        lines += [f"{rank:3}. {hit.id}  {hit.title}", f"     {snippet}", f"     {where}"]
    if facets:
        for key, pairs in result.facets.items():
            lines.append(f"{key}: " + ", ".join(f"{value} ({count:,})" for value, count in pairs))
    return "\n".join(lines)
