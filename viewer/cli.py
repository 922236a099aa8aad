"""The command line: one sub-command per module of viewer/commands, over the core only (no Qt)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from viewer import __version__
from viewer.commands import diff, export, index, info, search

Run = Callable[[argparse.Namespace], int]
# name, help, how to add its arguments (None: none), what runs it
COMMANDS: list[tuple[str, str, Callable[[argparse.ArgumentParser], None] | None, Run]] = [
    (export.NAME, export.HELP, export.register, export.run),
    (diff.NAME, diff.HELP, diff.register, diff.run),
    (index.NAME, index.HELP, index.register, index.run),
    (search.NAME, search.HELP, search.register, search.run),
    ("formats", "list the input formats the viewer reads", None, info.formats),
    ("schema", "print the JSON Schema of one exported study", None, info.schema),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="trialviewer",
        description="Offline viewer for clinical-trial records. With no command (or with only files "
        "and folders), opens the desktop viewer.",
        epilog="GUI: trialviewer [--smoke-test] [PATH ...]",
    )
    parser.add_argument("--version", action="version", version=f"trialviewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text, register, run in COMMANDS:
        command = sub.add_parser(name, help=help_text)
        if register is not None:
            register(command)
        command.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Run | None = getattr(args, "run", None)
    if run is None:
        parser.print_usage(sys.stderr)
        return 2
    return run(args)
