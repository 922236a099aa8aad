"""The command line: export, formats, schema; over the core only (no Qt)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from viewer import __version__
from viewer.core.formats import all_formats
from viewer.core.loader import load_paths
from viewer.core.model import Study, study_json_schema
from viewer.core.parsers.jsonl import dumps


def _renderer(kind: str) -> Callable[[list[Study]], str]:
    if kind == "json":
        return dumps
    from viewer.core import render  # imported only when asked: markdown is not needed for JSON

    if kind == "markdown":
        return lambda studies: "".join(render.study_markdown(s) + "\n\n---\n\n" for s in studies)
    return lambda studies: "".join(render.study_html(s) for s in studies)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialviewer",
        description="Offline viewer for clinical-trial records. With no command (or with only files "
        "and folders), opens the desktop viewer.",
        epilog="GUI: trialviewer [--smoke-test] [PATH ...]",
    )
    parser.add_argument("--version", action="version", version=f"trialviewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = sub.add_parser("export", help="export studies from files, folders and zip archives")
    export.add_argument("paths", nargs="+", metavar="PATH", help="a file, folder or zip archive")
    export.add_argument("--to", choices=("json", "markdown", "html"), default="json",
                        help="json: JSON Lines, one study per line (default); markdown; html")  # fmt: skip
    export.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    sub.add_parser("formats", help="list the input formats the viewer reads")
    sub.add_parser("schema", help="print the JSON Schema of one exported study")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "formats":
        for fmt in all_formats():
            print(f"{fmt.name:24} {fmt.label}  ({', '.join(fmt.extensions)})")
        return 0
    if args.command == "schema":
        print(json.dumps(study_json_schema(), indent=2))
        return 0
    if args.command == "export":
        return _export(args.paths, args.to, args.output)
    build_parser().print_usage(sys.stderr)
    return 2


def _export(paths: list[str], kind: str, output: str | None) -> int:
    render = _renderer(kind)
    failed = 0
    try:
        sink: BinaryIO = open(output, "wb") if output and output != "-" else sys.stdout.buffer  # noqa: SIM115
    except OSError as exc:
        print(f"error: {output}: cannot be written ({exc.strerror})", file=sys.stderr)
        return 1
    skip = [Path(output)] if output and output != "-" else []
    try:
        for result in load_paths(paths, skip, contain_bugs=True):
            if result.error is not None:
                failed += 1
                print(f"error: {result.error}", file=sys.stderr)
                continue
            for warning in {w for s in result.studies for w in s.source.warnings}:
                print(f"warning: {result.name}: {warning}", file=sys.stderr)
            sink.write(render(result.studies).encode("utf-8"))
            sink.flush()
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    finally:
        if sink is not sys.stdout.buffer:
            sink.close()
    return 1 if failed else 0
