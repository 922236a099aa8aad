"""One module per CLI sub-command: each has NAME, HELP, `register(parser)` and `run(args) -> int`.

The CLI (viewer/cli.py) lists them in COMMANDS; a command imports only the core (no Qt), and what it
needs only when it runs, so `trialviewer formats` stays fast.
"""
