"""`trialviewer index PATH... [--index DIR]`: add files, folders and zips to the search index; exit 1 if any failed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from viewer.core.search import IndexProgress

NAME = "index"
HELP = "add files, folders and zip archives to the search index (unchanged files are skipped); exit 1 if any failed"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, folder or zip archive (a registry dump)")
    parser.add_argument("--index", metavar="DIR", help="the index folder (default: the user's data folder)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="parsing processes (default: one per core; 0 parses in this process)")  # fmt: skip
    parser.add_argument("--batch", type=int, default=None, metavar="N",
                        help="studies per commit (default 20,000; each commit survives a crash)")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from viewer.core.search import IndexBusyError, SearchIndex

    index = SearchIndex.open(Path(args.index) if args.index else None)
    if index.reset_reason:
        print(f"warning: {index.reset_reason}", file=sys.stderr)
    line = _ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        extra = {"batch_studies": args.batch} if args.batch else {}
        report = index.add_paths(args.paths, workers=args.workers, progress=line.show if line else None, **extra)
    except IndexBusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if line:
            line.clear()
        print("interrupted: what was committed stays indexed; run again to resume", file=sys.stderr)
        return 130
    finally:
        if line:
            line.clear()
        index.close()
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    rate = report.studies_added / report.seconds if report.seconds > 0 else 0.0
    print(f"indexed {report.studies_added:,} studies from {report.files_indexed:,} files in {report.seconds:.1f} s "
          f"({rate:,.0f} studies/s); {report.files_skipped_unchanged:,} unchanged, {report.studies_removed:,} "
          f"studies removed; {len(report.problems):,} failed; index: {index.folder}")  # fmt: skip
    return 1 if report.problems else 0


class _ProgressLine:
    """One line on a terminal, rewritten in place: studies, rate, time left, the file being read."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.width = 0

    def show(self, p: IndexProgress) -> None:
        import shutil

        done = f"{p.files_done:,}/{p.files_total:,}" if p.files_total else f"{p.files_done:,}"
        eta = f", {_clock(p.eta_s)} left" if p.eta_s is not None and p.studies else ""
        text = f"{p.studies:,} studies, {p.rate:,.0f}/s{eta}; {done} files; {p.current}"
        columns = shutil.get_terminal_size((100, 20)).columns - 1
        if len(text) > columns:
            text = text[: max(0, columns - 1)] + "…"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
