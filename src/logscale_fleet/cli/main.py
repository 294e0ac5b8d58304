"""Argument parsing and dispatch for `logscale-fleet`.

Each command group lives in its own module with a `register(commands)` function that adds its
parsers and sets `handler` (a function taking the parsed arguments and returning an exit code).
Those modules import their heavy dependencies inside the handlers, so `--help` stays fast.

Every failure ends here: `exit_codes` turns it into an exit code and one `logscale-fleet: error:`
line on stderr, with secrets scrubbed and the traceback only under --verbose; with `-o json` also
one `{"error": {"message", "type", "exitCode"}}` document on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any, NoReturn

from logscale_fleet.cli import (
    collector_commands,
    completion,
    config_commands,
    exit_codes,
    fleet_commands,
    group_commands,
    profile_commands,
    sandbox_commands,
    schema_commands,
    status_command,
    token_commands,
)
from logscale_fleet.cli.options import OUTPUT_FORMATS, add_global_options, json_requested

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


class UsageExit(Exception):
    """argparse refused the command line (raised instead of argparse's own exit)."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser
        self.message = message


class Parser(argparse.ArgumentParser):
    """argparse, plus "did you mean 'list'?" for a mistyped command or choice, and a usage
    error reaches `main` as an exception, so `-o json` can answer it with the same JSON error
    document as every other failure. Subparsers inherit the class."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        choices = action.choices
        if choices is None or value in choices or not isinstance(value, str):
            super()._check_value(action, value)
            return
        import difflib

        names = [str(choice) for choice in choices]
        close = difflib.get_close_matches(value, names, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"choose from {', '.join(names)}"
        raise argparse.ArgumentError(action, f"invalid choice: {value!r} ({hint})")

    def error(self, message: str) -> NoReturn:
        # The top parser reports options no parser knew; suggest one any command knows.
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            unknown = next((w for w in message[len(prefix) :].split() if w.startswith("--")), None)
            if unknown is not None:
                import difflib

                flag = unknown.split("=")[0]
                top_level = {f for action in self._actions for f in action.option_strings}
                known = sorted(_option_strings(self))
                close = difflib.get_close_matches(flag, known, n=1, cutoff=0.7)
                if flag in top_level:
                    # Known, but only before the command (`--version`).
                    message += f" ({flag} goes before the command: {self.prog} {flag})"
                elif close:
                    message += f" (did you mean {close[0]!r}?)"
        raise UsageExit(self, message)


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    found = {flag for action in parser._actions for flag in action.option_strings}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found |= _option_strings(child)
    return found


def _help_when_incomplete(parser: argparse.ArgumentParser, *, top: bool = True) -> None:
    """A command group given without its subcommand prints its help instead of an error."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            action.required = False
            parser.set_defaults(handler=_print_help(parser, action))
            if not top:
                # `tokens -o json` must not read `json` as the subcommand; hidden from the
                # group's help, which lists subcommands.
                parser.add_argument(
                    "-o",
                    "--output",
                    choices=OUTPUT_FORMATS,
                    default=argparse.SUPPRESS,
                    help=argparse.SUPPRESS,
                )
            for child in action.choices.values():
                _help_when_incomplete(child, top=False)


def _print_help(parser: argparse.ArgumentParser, subcommands: argparse.Action) -> Any:
    def handler(args: argparse.Namespace) -> int:
        if args.output != "json":
            parser.print_help()
            return exit_codes.USAGE
        # stdout holds exactly one JSON document: the help goes to stderr.
        parser.print_help(sys.stderr)
        names = ", ".join(subcommands.choices or ())
        message = f"{subcommands.metavar} is required (one of {names})"
        print(f"{parser.prog}: error: {message}", file=sys.stderr)
        _error_document(message, "UsageError", exit_codes.USAGE)
        return exit_codes.USAGE

    return handler


# The module that registers each top-level command, in the order `--help` lists them.
# `completion` is not here: its script completes the whole tree, so it gets the whole parser.
COMMAND_MODULES: dict[str, ModuleType] = {
    "tokens": token_commands,
    "configs": config_commands,
    "groups": group_commands,
    "collectors": collector_commands,
    "installers": collector_commands,
    "plan": fleet_commands,
    "apply": fleet_commands,
    "schema": schema_commands,
    "sandbox": sandbox_commands,
    "profiles": profile_commands,
    "status": status_command,
}


class _WholeParserNeeded(Exception):
    """The command line needs a parser with every command (its top-level help lists them)."""


class _WholeHelpAction(argparse.Action):
    """`-h` of a parser holding one command's parsers: the help must come from the whole one."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, *_: Any, **__: Any) -> NoReturn:
        raise _WholeParserNeeded


def build_parser(
    *, json_requested: bool = False, only: ModuleType | None = None
) -> argparse.ArgumentParser:
    """The parser of every command, or with `only`, of the commands that module registers
    (what `main` parses with first: building every parser costs more than a command's run)."""
    parser = Parser(
        prog="logscale-fleet",
        description=(
            "Manage LogScale Fleet Management: install tokens, collector configurations, fleet "
            "as code (plan, apply), cluster profiles and the schema slice."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=only is None,
    )
    if only is not None:
        # Same option strings as the whole parser's, so the words parse alike.
        parser.add_argument("-h", "--help", action=_WholeHelpAction)
    add_global_options(parser, json_requested=json_requested)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for module in dict.fromkeys(COMMAND_MODULES.values()):
        if only is None or module is only:
            module.register(commands)
    if only is None:
        completion.register(commands, parser)
    _help_when_incomplete(parser)
    return parser


def parse(argv: list[str], *, json_output: bool) -> argparse.Namespace:
    """The parsed command line. First with the parsers of the command the line seems to name
    (the first word that is a command's name); where that parse fails, asks for top-level
    help, or ends on another command (the word was an option's value), again with the whole
    parser, so every answer, error and suggestion is the whole parser's. Both parsers hold the
    same top-level options, so a command line that parses with the first parses alike with
    the second. Raises UsageExit, or SystemExit for --help and --version."""
    module = next((COMMAND_MODULES[word] for word in argv if word in COMMAND_MODULES), None)
    if module is not None:
        try:
            args = build_parser(json_requested=json_output, only=module).parse_args(argv)
        except (UsageExit, _WholeParserNeeded):
            pass
        else:
            if COMMAND_MODULES.get(args.command) is module:
                return args
    return build_parser(json_requested=json_output).parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # Known before parsing, so a usage error or --version early on the line answers in JSON too.
    json_output = json_requested(argv)
    try:
        args = parse(argv, json_output=json_output)
    except UsageExit as refused:
        refused.parser.print_usage(sys.stderr)
        print(f"{refused.parser.prog}: error: {refused.message}", file=sys.stderr)
        if json_output:
            _error_document(refused.message, "UsageError", exit_codes.USAGE)
        return exit_codes.USAGE
    except SystemExit as exit_:
        # --help and --version (0).
        return exit_.code if isinstance(exit_.code, int) else exit_codes.USAGE
    from logscale_fleet.cli import logs  # after parsing: `--help` needs no logging setup

    # The API token given on the command line is redacted from the start; one read from the
    # environment or a file is added once the client has resolved it.
    secrets = [args.api_token] if args.api_token else []
    with logs.cli_logging(verbose=args.verbose, secrets=secrets):
        try:
            code: int = args.handler(args)
            # Flushed here, not at interpreter exit: a reader that left (`| head`) must be
            # noticed while it can still be handled.
            sys.stdout.flush()
        except KeyboardInterrupt:
            print("\nlogscale-fleet: interrupted", file=sys.stderr)
            if args.output == "json":
                _error_document("interrupted", "KeyboardInterrupt", exit_codes.INTERRUPTED)
            return exit_codes.INTERRUPTED
        except BrokenPipeError:
            return _stdout_closed()
        except Exception as exc:
            # Read now, not before the handler: `schema check --format json` asks for JSON itself.
            return _report(exc, verbose=args.verbose, json_output=args.output == "json")
        return code


def _report(exc: Exception, *, verbose: bool, json_output: bool) -> int:
    from logscale_fleet.cli import logs

    if verbose:
        logs.log_traceback(exc)
    message = logs.scrub(exit_codes.describe(exc))
    code = exit_codes.exit_code_for(exc)
    print(f"logscale-fleet: error: {message}", file=sys.stderr)
    if json_output:
        try:
            _error_document(message, type(exc).__name__, code)
        except BrokenPipeError:
            return _stdout_closed()
    return code


def _error_document(message: str, kind: str, code: int) -> None:
    """The one JSON document a failed command prints with `-o json` (the line on stderr stays)."""
    document = {"error": {"message": message, "type": kind, "exitCode": code}}
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _stdout_closed() -> int:
    # The reader went away (`... | head`). Point stdout at devnull so the interpreter's final
    # flush does not raise again, and end quietly with 141 (128 + SIGPIPE), the status git and
    # gh end with there (both are killed by the signal): not an error message, not exit 1.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return exit_codes.BROKEN_PIPE
