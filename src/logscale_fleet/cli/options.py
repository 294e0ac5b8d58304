"""The global options (given before the command) and the one leaf commands also accept after it.

Global dests are distinct from every subcommand's (`api_token`, not `token`): argparse shares one
namespace, and `tokens show TOKEN` or `sandbox serve --token` must not overwrite the API token.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from logscale_fleet import __version__

OUTPUT_FORMATS = ("table", "json")


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


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


def add_global_options(parser: argparse.ArgumentParser, *, json_requested: bool = False) -> None:
    connection = parser.add_argument_group(
        "connection",
        "Where and how to reach LogScale. With no URL configured anywhere (and no API\n"
        "token), only an interactive terminal outside CI falls back to the local sandbox\n"
        "(and says so); scripts must pass --sandbox or configure LOGSCALE_URL.",
    )
    connection.add_argument(
        "--url",
        metavar="URL",
        help="LogScale base URL, e.g. https://cloud.humio.com (default: $LOGSCALE_URL, then "
        "$HUMIO_ADDRESS)",
    )
    credentials = connection.add_mutually_exclusive_group()
    credentials.add_argument(
        "--token",
        dest="api_token",
        metavar="TOKEN",
        help="API token; other users can see it in `ps`, so prefer $LOGSCALE_TOKEN or "
        "--token-file (default: $LOGSCALE_TOKEN, $LOGSCALE_TOKEN_FILE, $HUMIO_TOKEN)",
    )
    credentials.add_argument(
        "--token-file", dest="api_token_file", metavar="FILE", help="read the API token from FILE"
    )
    connection.add_argument(
        "--ca-cert",
        metavar="FILE",
        help="CA bundle for the server's certificate (default: $LOGSCALE_CA_CERT, "
        "$HUMIO_CA_CERTIFICATE)",
    )
    connection.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify the server's TLS certificate (warns; for test servers only)",
    )
    connection.add_argument(
        "--timeout",
        type=positive_float,
        metavar="SECONDS",
        help="seconds to wait for each request (default: 30; connecting: at most 10)",
    )
    connection.add_argument(
        "--sandbox",
        action="store_true",
        help="use the local in-process sandbox instead of a LogScale (state: "
        "$LOGSCALE_FLEET_SANDBOX_DB, else the user data directory)",
    )
    general = parser.add_argument_group("output")
    general.add_argument(
        "-o",
        "--output",
        choices=OUTPUT_FORMATS,
        default="table",
        help="table for people (default), json for scripts: one JSON document on stdout "
        "with GraphQL field names as keys",
    )
    general.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="debug log on stderr (secrets redacted), tracebacks on errors",
    )
    general.add_argument(
        "--version",
        action=VersionAction,
        json_requested=json_requested,
        help="show the version and exit (JSON with -o json)",
    )


def leaf_options() -> argparse.ArgumentParser:
    """A parent parser for leaf commands: `--output` also works after the command.

    SUPPRESS keeps the global value unless the option is given here.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "-o",
        "--output",
        choices=OUTPUT_FORMATS,
        default=argparse.SUPPRESS,
        help="table or json (the global --output, also accepted here)",
    )
    return parent
