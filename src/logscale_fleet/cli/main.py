"""Argument parsing and dispatch for `logscale-fleet`.

Each command group lives in its own module with a `register(commands)` function that adds its
parsers and sets `handler` (a function taking the parsed arguments and returning an exit code).
Those modules import their heavy dependencies inside the handlers, so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from logscale_fleet import __version__
from logscale_fleet.cli import schema_commands
from logscale_fleet.errors import LogScaleError

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2

EPILOG = """\
exit codes:
  0  ok
  1  API or GraphQL error
  2  usage or invalid input
  3  authentication or permission
  4  not found
  5  connection or timeout
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logscale-fleet",
        description="Manage LogScale Fleet Management installation tokens.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    schema_commands.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        exit_code: int = args.handler(args)
    except LogScaleError as exc:
        print(f"logscale-fleet: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ValueError) else EXIT_API_ERROR
    return exit_code
