"""The global options (given before the command) and the one leaf commands also accept after it.

Global dests are distinct from every subcommand's (`api_token`, not `token`): argparse shares one
namespace, and `tokens show TOKEN` or `sandbox serve --token` must not overwrite the API token.
"""

from __future__ import annotations

import argparse
import math

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


def add_global_options(parser: argparse.ArgumentParser) -> None:
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
    general.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


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
