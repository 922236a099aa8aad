"""`trialviewer diff A B [--to text|json|html] [-o OUT] [--all]`: exit 0 same, 1 different, 2 error."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from viewer.core.terminal import printable

if TYPE_CHECKING:
    from viewer.core.model import Study

NAME = "diff"
HELP = "compare two studies (two versions of one trial, or two trials); exit 0 same, 1 different, 2 error"


class UsageError(Exception):
    """A study that cannot be had: unreadable file, unknown id, a file of many studies and no #ID."""


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("a", metavar="A", help="a file, or FILE#ID to pick one study of a file that holds many")
    parser.add_argument("b", metavar="B", help="the same for the second study")
    parser.add_argument(
        "--to",
        choices=("text", "json", "html"),
        default="text",
        help="text for a terminal (default), json (the documented contract), html (a report)",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    parser.add_argument("--all", action="store_true", help="list unchanged items and fields too")  # fmt: skip


def split_spec(spec: str) -> tuple[str, str | None]:
    """FILE#ID -> (FILE, ID); a file whose own name holds "#" is taken whole when it exists."""
    if "#" not in spec or os.path.exists(spec):
        return spec, None
    path, _, study_id = spec.rpartition("#")
    return path, study_id.strip() or None


def pick(spec: str) -> Study:
    from viewer.core.loader import load_paths

    path, wanted = split_spec(spec)
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file")
    studies: list[Study] = []
    for result in load_paths([path], contain_bugs=True):
        if result.error is not None:
            raise UsageError(str(result.error))
        studies += result.studies
    if not studies:
        raise UsageError(f"{path}: holds no study")
    ids = ", ".join(dict.fromkeys(s.id for s in studies))
    if wanted is None:
        if len(studies) > 1:
            raise UsageError(f"{path}: holds {len(studies)} studies; pick one as {path}#ID (ids: {_short(ids)})")
        return studies[0]
    key = wanted.casefold()
    for study in studies:
        if study.id.casefold() == key:
            return study
    for study in studies:
        if key in (s.casefold() for s in study.secondary_ids):
            return study
    raise UsageError(f"{path}: no study with id {wanted} (it holds: {_short(ids)})")


def _short(ids: str, limit: int = 300) -> str:
    return ids if len(ids) <= limit else ids[: limit - 1] + "…"


def made_at() -> datetime:
    """Now, or SOURCE_DATE_EPOCH where set (reproducible reports)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)


def wants_colour(stream: object) -> bool:
    """Colour only on a terminal that has it, and never when NO_COLOR is set (no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def run(args: argparse.Namespace) -> int:
    from viewer.core.diff import diff

    try:
        a, b = pick(args.a), pick(args.b)
    except UsageError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 2
    comparison = diff(a, b, unchanged=args.all)
    to_file = bool(args.output) and args.output != "-"
    if args.to == "json":
        from viewer.core.diff.report import to_json

        text = to_json(comparison)
    elif args.to == "html":
        from viewer.core.diff.html_report import comparison_html

        text = comparison_html(comparison, made_at())
    else:
        from viewer.core.diff.report import to_text

        text = to_text(comparison, colour=not to_file and wants_colour(sys.stdout))
    try:
        if to_file:
            with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        else:
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError as exc:
        print(f"error: {args.output}: cannot be written ({exc.strerror})", file=sys.stderr)
        return 2
    return 0 if comparison.same else 1
