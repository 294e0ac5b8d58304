"""Argument parsing and dispatch for `logscale-fleet`.

Each command group lives in its own module with a `register(commands)` function that adds its
parsers and sets `handler` (a function taking the parsed arguments and returning an exit code).
Those modules import their heavy dependencies inside the handlers, so `--help` stays fast.

Every failure ends here: `exit_codes` turns it into an exit code and one `logscale-fleet: error:`
line on stderr, with secrets scrubbed and the traceback only under --verbose.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from logscale_fleet.cli import (
    completion,
    config_commands,
    exit_codes,
    fleet_commands,
    sandbox_commands,
    schema_commands,
    token_commands,
)
from logscale_fleet.cli.options import add_global_options

EPILOG = (
    exit_codes.EXIT_CODES_HELP
    + """
examples:
  logscale-fleet tokens create web-servers --config-id 123456
  logscale-fleet --output json tokens list | jq -r '.[].name'
  logscale-fleet tokens install-command --by-name web-servers --os linux | sh
  logscale-fleet plan fleet.yaml --detailed-exitcode
  logscale-fleet apply fleet.yaml --prune
"""
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logscale-fleet",
        description="Manage LogScale Fleet Management installation tokens.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    token_commands.register(commands)
    config_commands.register(commands)
    fleet_commands.register(commands)
    schema_commands.register(commands)
    sandbox_commands.register(commands)
    completion.register(commands, parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        # --help and --version (0) and usage errors (2, message already printed).
        return exit_.code if isinstance(exit_.code, int) else exit_codes.USAGE
    from logscale_fleet.cli import logs  # after parsing: `--help` needs no logging setup

    # The API token given on the command line is redacted from the start; one read from the
    # environment or a file is added once the client has resolved it.
    secrets = [args.api_token] if args.api_token else []
    with logs.cli_logging(verbose=args.verbose, secrets=secrets):
        try:
            code: int = args.handler(args)
        except KeyboardInterrupt:
            print("\nlogscale-fleet: interrupted", file=sys.stderr)
            return exit_codes.INTERRUPTED
        except BrokenPipeError:
            return _stdout_closed()
        except Exception as exc:
            return _report(exc, verbose=args.verbose)
        return code


def _report(exc: Exception, *, verbose: bool) -> int:
    from logscale_fleet.cli import logs

    if verbose:
        logs.log_traceback(exc)
    message = logs.scrub(exit_codes.describe(exc))
    print(f"logscale-fleet: error: {message}", file=sys.stderr)
    return exit_codes.exit_code_for(exc)


def _stdout_closed() -> int:
    # The reader went away (`... | head`). Point stdout at devnull so the interpreter's final
    # flush does not raise again, and exit quietly as other Unix tools do.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return exit_codes.API_ERROR
