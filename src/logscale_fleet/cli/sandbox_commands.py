"""`logscale-fleet sandbox ...`: run the local LogScale fleet emulator."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import socket
import ssl
import sys
from pathlib import Path
from typing import Any

from logscale_fleet.errors import ConfigurationError, InvalidInputError

SERVE_DESCRIPTION = """\
Serve a local emulator of LogScale's Fleet Management GraphQL API (POST /graphql,
GET /api/v1/status), built from the same schema.graphql as the client. Every request needs
`Authorization: Bearer <token>`. Stops cleanly on Ctrl-C or SIGTERM.

Control endpoints (same token): POST /_sandbox/reset, GET|POST|DELETE /_sandbox/faults
(POST takes SPEC lines as --fault does, or {"rules": [...], "seed": N}).
"""

FAULT_HELP = """\
inject a fault into POST /graphql; repeatable. SPEC is KIND[,key=value...] with KIND one of
latency (seconds=), 429 (retry_after=), 500, 502, 503 (retry_after=), html (status=), drop,
graphql (message=), and optional operation=NAME, probability=0..1, times=N, after=true (the
operation runs, then the fault replaces its answer: a change that landed unannounced).
Example: --fault 503,operation=CreateFleetInstallToken,probability=0.5"""


_log = logging.getLogger("logscale_fleet.sandbox")


def _is_loopback(host: str) -> bool:
    """True when every address `host` names is a loopback one (0.0.0.0 and :: are not)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return True  # unresolvable: binding fails next, with its own error
    return all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found)


def register(commands: Any) -> None:
    sandbox = commands.add_parser(
        "sandbox",
        help="run a local emulator of LogScale's fleet API",
        description="A local emulator of LogScale's Fleet Management API for trying the CLI "
        "and testing automation without a LogScale or credentials.",
    )
    sandbox_commands = sandbox.add_subparsers(dest="sandbox_command", metavar="SUBCOMMAND")
    sandbox_commands.required = True
    serve = sandbox_commands.add_parser(
        "serve",
        help="serve the emulator over HTTP",
        description=SERVE_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, loopback only; 0.0.0.0 exposes it, "
        "with a warning)",
    )
    serve.add_argument(
        "--port", type=int, default=8080, help="TCP port (default: 8080; 0 picks a free one)"
    )
    serve.add_argument(
        "--db",
        default=":memory:",
        metavar="PATH",
        help="SQLite file that keeps tokens across restarts (default: in memory, lost at exit)",
    )
    serve.add_argument(
        "--token",
        help="API token clients must send (default: a random one, printed once at start)",
    )
    serve.add_argument("--fault", action="append", default=[], metavar="SPEC", help=FAULT_HELP)
    serve.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed for fault probabilities, so runs are reproducible (default: 0)",
    )
    serve.add_argument(
        "--tls-cert",
        metavar="FILE",
        help="serve HTTPS with this PEM certificate (chain); needs --tls-key unless the file "
        "holds the key too",
    )
    serve.add_argument("--tls-key", metavar="FILE", help="the PEM private key for --tls-cert")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    try:
        from logscale_fleet.sandbox.errors import SandboxStateError
        from logscale_fleet.sandbox.faults import FaultRule, FaultSpecError
        from logscale_fleet.sandbox.server import generate_token, serve
    except ImportError:
        from logscale_fleet.sandbox import MISSING_EXTRA

        raise ConfigurationError(MISSING_EXTRA) from None

    if not 0 <= args.port <= 65535:
        raise InvalidInputError("--port", f"must be between 0 and 65535, got {args.port}")
    if args.token is not None and not args.token.strip():
        raise InvalidInputError("--token", "must not be empty")
    faults = []
    for spec in args.fault:
        try:
            faults.append(FaultRule.parse(spec))
        except FaultSpecError as exc:
            raise InvalidInputError("--fault", f"{spec!r}: {exc}") from None
    for flag, path in (("--tls-cert", args.tls_cert), ("--tls-key", args.tls_key)):
        if path is not None and not Path(path).is_file():
            raise InvalidInputError(flag, f"{path} is not a readable file")
    if args.tls_key and not args.tls_cert:
        raise InvalidInputError("--tls-key", "needs --tls-cert")
    token = args.token or generate_token()
    if not _is_loopback(args.host):
        _log.warning(
            "--host %s is not a loopback address: anyone who can reach it can use the sandbox "
            "with its API token and read the install tokens and JWTs it holds%s",
            args.host,
            "" if args.tls_cert else "; without --tls-cert they travel in clear text",
        )

    def announce(url: str) -> None:
        state = "in memory (lost at exit)" if args.db == ":memory:" else args.db
        lines = [f"LogScale fleet sandbox (a local emulator) serving {url}", f"state: {state}"]
        if args.token:
            lines.append("API token: the one given with --token")
            lines.append(f"export LOGSCALE_URL={url}")
        else:
            # Printed this once only: it is the sandbox's credential.
            lines.append(f"API token: {token}")
            lines.append(f"export LOGSCALE_URL={url} LOGSCALE_TOKEN={token}")
        if faults:
            lines.append(f"faults: {'; '.join(args.fault)} (seed {args.seed})")
        lines.append("Press Ctrl-C to stop.")
        print("\n".join(lines), flush=True)

    try:
        serve(
            host=args.host,
            port=args.port,
            db=args.db,
            token=token,
            faults=faults,
            seed=args.seed,
            on_ready=announce,
            certfile=args.tls_cert,
            keyfile=args.tls_key,
        )
    except SandboxStateError as exc:
        raise InvalidInputError("--db", str(exc)) from None
    except ssl.SSLError as exc:
        raise InvalidInputError("--tls-cert", f"not a usable certificate and key: {exc}") from None
    except OSError as exc:
        raise ConfigurationError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
        ) from None
    print("sandbox stopped", file=sys.stderr)
    return 0
