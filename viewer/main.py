"""The one entry point of `trialviewer` and `python -m viewer`: a CLI command, or the desktop viewer."""

from __future__ import annotations

import sys
from collections.abc import Sequence

# The words that make a command line a CLI call; kept here so the GUI path never imports the CLI's
# dependencies. tests/core/test_cli.py checks it against the CLI's own parser.
CLI_WORDS = ("export", "diff", "index", "search", "formats", "schema", "--version", "-h", "--help")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from viewer.frozen import is_frozen, prepare

    if is_frozen():
        import multiprocessing

        # The indexer's worker processes start this executable again: it must run the worker, not the app.
        multiprocessing.freeze_support()

    prepare()  # a frozen build's environment, fit for the programs it starts (nothing in a source run)
    from viewer.core.applog import configure_logging

    configure_logging()
    if args and args[0] in CLI_WORDS:
        from viewer import cli

        return cli.main(args)
    smoke_test = "--smoke-test" in args
    paths = [a for a in args if a != "--smoke-test"]
    unknown = [p for p in paths if p.startswith("-")]
    if unknown:
        print(f"trialviewer: unknown option {unknown[0]} (see trialviewer --help)", file=sys.stderr)
        return 2
    from viewer.ui.app import run  # Qt is imported only when the GUI is wanted

    return run(paths, smoke_test=smoke_test)
