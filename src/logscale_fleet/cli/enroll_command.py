"""`logscale-fleet sandbox enroll`: simulated collectors in the local sandbox's state.

It writes the state file the in-process sandbox uses (`--sandbox`: $LOGSCALE_FLEET_SANDBOX_DB,
else the user data directory), or the one `--db` names; a `sandbox serve --db FILE` on the same
file sees them too (SQLite in WAL mode serves several processes). For a served sandbox with an
in-memory state, POST /_sandbox/collectors does the same over HTTP.
"""

from __future__ import annotations

import argparse
from typing import Any

from logscale_fleet.cli.options import OUTPUT_FORMATS
from logscale_fleet.cli.output import Output, mask
from logscale_fleet.errors import ConfigurationError, InvalidInputError

DESCRIPTION = """\
Enrol simulated LogScale Collectors with an install token of the local sandbox, so fleet
automation can be tried without LogScale. Each collector gets the token's configuration;
groups then select them by their filters. With --count N the hostnames get -1 ... -N.
Example:
  logscale-fleet --sandbox tokens create web --config linux-syslog
  logscale-fleet sandbox enroll --token TOKEN --hostname web --label env=prod --count 20
  logscale-fleet --sandbox collectors list
"""


def register(sandbox_commands: Any) -> None:
    enroll = sandbox_commands.add_parser(
        "enroll",
        help="enrol simulated collectors in the local sandbox",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    enroll.add_argument(
        "--token",
        dest="install_token",
        required=True,
        metavar="T",
        help="an install token of the sandbox (`--sandbox tokens list --show-secrets`)",
    )
    enroll.add_argument("--hostname", required=True, metavar="H")
    enroll.add_argument("--os", choices=("linux", "windows", "macos"), default="linux")
    enroll.add_argument("--version", metavar="V", help="collector version (default: the newest)")
    enroll.add_argument(
        "--label", action="append", default=[], metavar="K=V", help="a label; repeatable"
    )
    enroll.add_argument("--count", type=int, default=1, metavar="N", help="how many (default 1)")
    enroll.add_argument(
        "--db", metavar="PATH", help="state file (default: the in-process sandbox's)"
    )
    enroll.add_argument(
        "-o", "--output", choices=OUTPUT_FORMATS, default=argparse.SUPPRESS, help="table or json"
    )
    enroll.set_defaults(handler=run_enroll)


def _labels(given: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for item in given:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInputError("--label", f"{item!r} is not K=V")
        labels[key.strip()] = value
    return labels


def run_enroll(args: argparse.Namespace) -> int:
    try:
        from logscale_fleet.sandbox.embedded import DB_ENV_VAR, default_db_path
        from logscale_fleet.sandbox.errors import SandboxError, SandboxStateError
        from logscale_fleet.sandbox.services.collectors.control import enrolled_summary
        from logscale_fleet.sandbox.store import SandboxStore
    except ImportError:
        from logscale_fleet.sandbox import MISSING_EXTRA

        raise ConfigurationError(MISSING_EXTRA) from None
    labels = _labels(args.label)
    path = args.db or str(default_db_path())
    try:
        store = SandboxStore(path)
    except SandboxStateError as exc:
        raise ConfigurationError(f"{exc}; set {DB_ENV_VAR} or --db to use another file") from None
    try:
        extra = {} if args.version is None else {"version": args.version}
        enrolled = store.collectors.enroll(
            args.install_token,
            args.hostname,
            os=args.os,
            labels=labels,
            count=args.count,
            **extra,
        )
    except SandboxError as exc:
        # The sandbox's messages never contain the token; say which one was meant, masked.
        raise InvalidInputError("--token" if "token" in str(exc) else "enroll", str(exc)) from None
    finally:
        store.close()
    out = Output.for_args(args)
    documents = [enrolled_summary(c) for c in enrolled]
    if out.json:
        out.document({"enrolled": documents, "token": mask(args.install_token)})
        return 0
    out.table(
        ("ID", "MACHINE ID", "HOSTNAME", "OS", "VERSION", "CONFIGURATION"),
        (
            (
                d["id"],
                d["machineId"],
                d["hostname"],
                d["system"],
                d["version"],
                d["configId"] or "-",
            )
            for d in documents
        ),
    )
    return 0
