"""The global options, accepted before the command and (by leaf commands) after it too.

Global dests are distinct from every subcommand's (`api_token`, not `token`): argparse shares one
namespace, and `tokens show TOKEN` or `sandbox serve --token` must not overwrite the API token.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from typing import Any

from logscale_fleet import __version__

OUTPUT_FORMATS = ("table", "json", "yaml")


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse `type` for a whole number from `low` (to `high`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, not {value}")
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more, not {value}")
        return value

    return parse


def json_requested(argv: list[str]) -> bool:
    """Whether the command line asks for JSON (`-o json`, `--output=json` ..., anywhere before
    `--`), judged before parsing so a usage error or `--version` can answer in JSON too."""
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word in ("-o", "--output") and argv[index + 1 : index + 2] == ["json"]:
            return True
        if word in ("-ojson", "--output=json", "-o=json"):
            return True
    return False


class VersionAction(argparse.Action):
    """`--version`: `logscale-fleet X.Y.Z`, or `{"version": "X.Y.Z"}` with `-o json`."""

    def __init__(
        self, option_strings: list[str], dest: str, json_requested: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)
        self.json_requested = json_requested

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if self.json_requested or getattr(namespace, "output", None) == "json":
            text = json.dumps({"version": __version__})
        else:
            text = f"{parser.prog} {__version__}"
        sys.stdout.write(text + "\n")
        parser.exit()


def add_global_options(
    parser: argparse.ArgumentParser, *, after_command: bool = False, json_requested: bool = False
) -> None:
    """The global options; `after_command` makes the copy leaf commands accept after them.

    In that copy every default is SUPPRESS, so a value given before the command survives
    unless the option is given again after it (the later one wins, as people expect).
    """

    def add(group: Any, *flags: str, **kwargs: Any) -> None:
        if after_command:
            kwargs["default"] = argparse.SUPPRESS
        group.add_argument(*flags, **kwargs)

    title = "global options (also accepted before the command)" if after_command else "connection"
    connection = parser.add_argument_group(
        title,
        None
        if after_command
        else "Where and how to reach LogScale. With nothing configured (no URL, profile or API\n"
        "token), only an interactive terminal outside CI falls back to the local sandbox\n"
        "(and says so); scripts must pass --sandbox or configure LOGSCALE_URL.",
    )
    add(
        connection,
        "--profile",
        metavar="PROFILE",
        help="the profile to use (`profiles list`; default: $LOGSCALE_PROFILE, then the "
        "profile file's default)",
    )
    add(
        connection,
        "--url",
        metavar="URL",
        help="LogScale base URL, e.g. https://cloud.humio.com (default: $LOGSCALE_URL, the "
        "profile, $HUMIO_ADDRESS, humioctl's config)",
    )
    credentials = connection.add_mutually_exclusive_group()
    add(
        credentials,
        "--token",
        dest="api_token",
        metavar="TOKEN",
        help="API token; other users can see it in `ps`, so prefer $LOGSCALE_TOKEN or "
        "--token-file (default: $LOGSCALE_TOKEN, $LOGSCALE_TOKEN_FILE, the profile, "
        "$HUMIO_TOKEN, humioctl's config)",
    )
    add(
        credentials,
        "--token-file",
        dest="api_token_file",
        metavar="FILE",
        help="read the API token from FILE",
    )
    add(
        connection,
        "--ca-cert",
        metavar="FILE",
        help="CA bundle for the server's certificate (default: $LOGSCALE_CA_CERT, the profile, "
        "$HUMIO_CA_CERTIFICATE)",
    )
    add(
        connection,
        "--insecure",
        action="store_true",
        help="do not verify the server's TLS certificate (warns; for test servers only; "
        "also $LOGSCALE_INSECURE, $HUMIO_INSECURE)",
    )
    add(
        connection,
        "--timeout",
        type=positive_float,
        metavar="SECONDS",
        help="seconds to wait for each request (default: 30; connecting: at most 10)",
    )
    add(
        connection,
        "--sandbox",
        action="store_true",
        help="use the local in-process sandbox instead of a LogScale (state: "
        "$LOGSCALE_FLEET_SANDBOX_DB, else the user data directory)",
    )
    general = connection if after_command else parser.add_argument_group("output")
    add(
        general,
        "-o",
        "--output",
        choices=OUTPUT_FORMATS,
        default="table",
        help="table for people (default); json or yaml for scripts: one document on stdout "
        "with GraphQL field names as keys",
    )
    add(
        general,
        "-q",
        "--quiet",
        action="store_true",
        help="tables print only identifiers (names, configuration ids), one per line, for xargs",
    )
    add(
        general,
        "--wide",
        action="store_true",
        help="tables show every column in full (default: fit the terminal, cutting with …)",
    )
    add(
        general,
        "-v",
        "--verbose",
        action="store_true",
        help="debug log on stderr (secrets redacted), tracebacks on errors",
    )
    if not after_command:
        general.add_argument(
            "--version",
            action=VersionAction,
            json_requested=json_requested,
            help="show the version and exit (JSON with -o json)",
        )


def leaf_options() -> argparse.ArgumentParser:
    """A parent parser for leaf commands: the global options also work after the command."""
    parent = argparse.ArgumentParser(add_help=False)
    add_global_options(parent, after_command=True)
    return parent
