"""`logscale-fleet status`: where the CLI points, and whether it works there.

Two requests, neither retried, so the answer is quick and its round trip is honest: the server's
status endpoint (reachable? which version? the round-trip time) and the cheapest Fleet
Management read there is (one install token), which proves the API token authenticates and may
use Fleet Management. The exit code is the usual one for the first failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from logscale_fleet.cli import exit_codes
from logscale_fleet.cli.options import leaf_options
from logscale_fleet.cli.output import Output
from logscale_fleet.cli.session import api_command
from logscale_fleet.errors import AuthenticationError, LogScaleError, TransportError

if TYPE_CHECKING:
    from logscale_fleet.client import FleetClient

DESCRIPTION = """\
Show where the CLI points (the profile or the variables it was configured by, and the URL),
the server's version, whether the API token authenticates and can use Fleet Management, and
the round-trip time. Exit codes as for every command: 0 all is well, 3 the token is refused or
lacks the permission, 5 the server cannot be reached, 1 another failure.
"""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "status",
        help="where the CLI points and whether the API token works there",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[leaf_options()],
    )
    parser.set_defaults(handler=api_command(run_status))


# The library names arguments; on the command line they are flags.
FLAG_NAMES = {"url": "--url", "the token argument": "--token", "token_file": "--token-file"}


def target_of(fleet: FleetClient) -> dict[str, Any]:
    settings = fleet.settings
    sandbox = fleet.source == "sandbox"
    url_from, token_from = (
        FLAG_NAMES.get(source, source) for source in (settings.url_source, settings.token_source)
    )
    return {
        "sandbox": sandbox,
        "profile": settings.profile,
        "url": settings.base_url,
        "urlFrom": "the local sandbox" if sandbox else url_from,
        "tokenFrom": "the local sandbox" if sandbox else token_from,
    }


async def probe(fleet: FleetClient) -> tuple[dict[str, Any], LogScaleError | None]:
    """What `status` reports, and the first failure (None when all is well)."""
    report: dict[str, Any] = {
        "reachable": False,
        "serverVersion": None,
        "roundTripMs": None,
        "authenticated": None,
        "fleetManagement": None,
    }
    try:
        started = time.perf_counter()
        report["serverVersion"] = await fleet.server_version(max_retries=0)
        report["roundTripMs"] = round((time.perf_counter() - started) * 1000, 1)
        report["reachable"] = True
        async for _ in fleet.install_tokens.iter(page_size=1, max_retries=0):
            break
        report["authenticated"] = report["fleetManagement"] = True
    except LogScaleError as exc:
        report["reachable"] = report["reachable"] or not isinstance(exc, TransportError)
        if isinstance(exc, AuthenticationError):
            report["authenticated"] = False
        elif report["reachable"]:
            # The token got past authentication; the read itself was refused or failed.
            report["authenticated"] = True
            report["fleetManagement"] = False
        return report, exc
    return report, None


async def run_status(fleet: FleetClient, args: argparse.Namespace, out: Output) -> int:
    from logscale_fleet.cli import logs

    checks, failure = await probe(fleet)
    report: dict[str, Any] = {"target": target_of(fleet), **checks, "error": None}
    code = exit_codes.OK if failure is None else exit_codes.exit_code_for(failure)
    if failure is not None:
        report["error"] = {
            "type": type(failure).__name__,
            "message": logs.scrub(exit_codes.describe(failure)),
        }
    report["exitCode"] = code
    if out.json:
        out.document(report)
    else:
        out.fields(_fields(report))
    if failure is not None:
        print(f"logscale-fleet: error: {report['error']['message']}", file=sys.stderr)
    return code


def _fields(report: dict[str, Any]) -> list[tuple[str, str]]:
    target = report["target"]
    if target["sandbox"]:
        where = "the local in-process sandbox"
    else:
        where = f"{target['urlFrom']} (token: {target['tokenFrom']})"
    return [
        ("points at", where),
        ("url", target["url"]),
        ("reachable", _yes_no(report["reachable"])),
        ("server version", report["serverVersion"] or "-"),
        ("round trip", "-" if report["roundTripMs"] is None else f"{report['roundTripMs']} ms"),
        ("authenticated", _yes_no(report["authenticated"])),
        ("fleet management", _yes_no(report["fleetManagement"])),
    ]


def _yes_no(value: bool | None) -> str:
    return "not checked" if value is None else ("yes" if value else "no")
