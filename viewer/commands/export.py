"""`trialviewer export PATH... [--to json|markdown|html] [-o OUT]`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from viewer.core.terminal import printable

if TYPE_CHECKING:  # `trialviewer --version` and `formats` need no pydantic: the model loads when a file does
    from viewer.core.model import Study

NAME = "export"
HELP = "export studies from files, folders and zip archives"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, folder or zip archive")
    parser.add_argument("--to", choices=("json", "markdown", "html", "pdf"), default="json",
                        help="json: JSON Lines, one study per line (default); markdown; html; "
                             "pdf (needs -o; each study from a new page, page numbers on every page)")  # fmt: skip
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")


def _renderer(kind: str) -> Callable[[list[Study]], str]:
    if kind == "json":
        from viewer.core.parsers.jsonl import dumps

        return dumps
    from viewer.core import render  # imported only when asked

    if kind == "markdown":
        return lambda studies: "".join(render.study_markdown(s) + "\n\n---\n\n" for s in studies)
    return lambda studies: "".join(render.study_html(s) for s in studies)


def run(args: argparse.Namespace) -> int:
    if args.to == "pdf":
        return _pdf(args.paths, args.output)
    from viewer.core.loader import load_paths

    paths: list[str] = args.paths
    output: str | None = args.output
    render = _renderer(args.to)
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
                print(printable(f"error: {result.error}"), file=sys.stderr)
                continue
            for warning in dict.fromkeys(w for s in result.studies for w in s.source.warnings):
                print(printable(f"warning: {result.name}: {warning}"), file=sys.stderr)
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


def _pdf(paths: list[str], output: str | None) -> int:
    """Every study into one PDF, each starting on a new page; laid out by Qt (offscreen, no window)."""
    if not output or output == "-":
        print("error: --to pdf needs -o FILE.pdf (a PDF is not written to the terminal)", file=sys.stderr)
        return 2
    from viewer.core.loader import load_paths

    studies: list[Study] = []
    failed = 0
    for result in load_paths(paths, [Path(output)], contain_bugs=True):
        if result.error is not None:
            failed += 1
            print(printable(f"error: {result.error}"), file=sys.stderr)
        studies.extend(result.studies)
    if not studies:
        print("error: no study to export", file=sys.stderr)
        return 1
    from viewer.ui.paper_export import write_studies_pdf  # Qt, only for this one format

    try:
        write_studies_pdf(studies, output)
    except OSError as exc:
        print(f"error: {output}: cannot be written ({exc})", file=sys.stderr)
        return 1
    return 1 if failed else 0
