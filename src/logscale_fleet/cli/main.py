"""Argument parsing and dispatch for `logscale-fleet`.

Sub-command modules are imported only when their command runs, so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from logscale_fleet import __version__
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

    schema = commands.add_parser("schema", help="make and check the schema slice")
    schema_commands = schema.add_subparsers(dest="schema_command", metavar="SUBCOMMAND")
    schema_commands.required = True
    pull = schema_commands.add_parser(
        "pull",
        help="prune a full LogScale schema to the fleet slice",
        description="Read a full LogScale SDL file and print (or write) the fleet slice: every "
        "type reachable from the root fields that queries/ uses plus those configured in "
        "pyproject.toml [tool.logscale-fleet] schema-root-fields.",
    )
    pull.add_argument("--from", dest="source", required=True, metavar="FILE", help="full SDL file")
    pull.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    pull.add_argument("--full", action="store_true", help="keep the whole schema, unpruned")
    pull.add_argument(
        "--project", default=".", metavar="DIR", help="folder with queries/ and pyproject.toml"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "schema":
            from logscale_fleet.cli.schema_commands import run_schema

            return run_schema(args)
    except LogScaleError as exc:
        print(f"logscale-fleet: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ValueError) else EXIT_API_ERROR
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE  # pragma: no cover - parser.error exits
