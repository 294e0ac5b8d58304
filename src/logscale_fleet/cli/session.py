"""From the global options to a connected `FleetClient`, and running a command with it.

Which server: `--sandbox` means the in-process sandbox; otherwise `--url` / `LOGSCALE_URL` /
`HUMIO_ADDRESS` name a LogScale; with none of them (and no API token either) the sandbox is used
only for a person at an interactive terminal outside CI with no humioctl configuration, and it
says so; anywhere else that is a usage error, so automation that lost its configuration cannot
"succeed" against the sandbox. An API token without a URL is an error too: that user meant a
real LogScale.

Heavy modules (the facade, httpx, pydantic, the generated client) are imported here, inside
functions, only when a command that needs a server runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from logscale_fleet.cli.exit_codes import UsageError
from logscale_fleet.cli.output import Output, notice
from logscale_fleet.cli.terminal import is_terminal
from logscale_fleet.errors import ConfigurationError

if TYPE_CHECKING:
    from logscale_fleet._core.http import HttpBackend
    from logscale_fleet.client import FleetClient

Command = Callable[["FleetClient", argparse.Namespace, Output], Awaitable[int]]


def api_command(
    command: Command,
    *,
    check: Callable[[argparse.Namespace], None] | None = None,
    bulk: bool = False,
) -> Callable[[argparse.Namespace], int]:
    """Wrap an async command taking a client into the `handler(args) -> int` dispatch shape.

    `check(args)` runs first, before any client exists: input that can be judged locally
    (a declaration file, a missing --yes) fails without touching a server or the sandbox.
    `bulk` marks a command that sends many requests at once (apply): it goes through aiohttp
    when that extra is installed (see `bulk_backend`).
    """

    def handler(args: argparse.Namespace) -> int:
        import asyncio  # not at module level: `--help` should not pay for it

        if check is not None:
            check(args)
        return asyncio.run(_run(command, args, bulk))

    handler.__name__ = getattr(command, "__name__", "handler")
    handler.__doc__ = command.__doc__
    return handler


async def _run(command: Command, args: argparse.Namespace, bulk: bool) -> int:
    from logscale_fleet.cli import logs

    fleet = open_client(args, backend=bulk_backend() if bulk else "httpx")
    logs.add_secret(fleet.settings.token)
    async with fleet:
        return await command(fleet, args, Output.for_args(args))


def bulk_backend() -> HttpBackend:
    """aiohttp when installed, else httpx: the wire path for many requests in flight.

    httpx's connection pool costs several ms of CPU per request at 16 in flight (encode/httpx#3215):
    an apply of 1,000 creates took 1.9x what raw aiohttp needs on a 20 ms link, through aiohttp
    about 1.0x. Single requests stay on httpx: importing aiohttp would slow every start.
    """
    import importlib.util

    return "aiohttp" if importlib.util.find_spec("aiohttp") is not None else "httpx"


def open_client(
    args: argparse.Namespace,
    env: Mapping[str, str] | None = None,
    *,
    backend: HttpBackend = "httpx",
) -> FleetClient:
    """The client the global options ask for; says on stderr when it is the sandbox.

    `backend` applies to a LogScale URL; the sandbox in-process has no wire to choose.
    """
    from logscale_fleet.client import FleetClient
    from logscale_fleet.settings import (
        DEFAULT_TIMEOUT,
        TOKEN_FILE_VARIABLES,
        TOKEN_VARIABLES,
        URL_VARIABLES,
    )

    env = os.environ if env is None else env
    timeout = args.timeout if args.timeout is not None else DEFAULT_TIMEOUT
    if args.sandbox:
        _refuse_connection_options_with_sandbox(args)
        fleet = FleetClient.sandbox(timeout=timeout)
        notice(f"using the local sandbox, not a LogScale (state: {_sandbox_state()})")
        return fleet
    profile = getattr(args, "profile", None)
    if (
        args.url is None
        and not is_configured(env, URL_VARIABLES)
        and not _profile_selected(profile, env)
    ):
        if (
            args.api_token is not None
            or args.api_token_file is not None
            or is_configured(env, TOKEN_VARIABLES + TOKEN_FILE_VARIABLES)
        ):
            raise ConfigurationError(
                "an API token is configured but no LogScale URL: pass --url or set "
                "LOGSCALE_URL (or humioctl's HUMIO_ADDRESS); --sandbox uses the local sandbox"
            )
        refusal = implicit_sandbox_refusal(env)
        if refusal is not None:
            raise UsageError(
                f"no LogScale URL configured and {refusal}, so the local sandbox is not used "
                "implicitly: pass --sandbox for it, or set LOGSCALE_URL (or --url) and "
                "LOGSCALE_TOKEN / LOGSCALE_TOKEN_FILE (or humioctl's HUMIO_ADDRESS, HUMIO_TOKEN)"
            )
        fleet = FleetClient.sandbox(timeout=timeout)
        notice(
            "no LogScale URL configured (--url, LOGSCALE_URL) on an interactive terminal: "
            f"using the local sandbox (state: {_sandbox_state()}); --sandbox says so explicitly"
        )
        return fleet
    return FleetClient(
        args.url,
        args.api_token,
        token_file=args.api_token_file,
        timeout=timeout,
        ca_cert=args.ca_cert,
        verify=not args.insecure,
        profile=profile,
        http_backend=backend,
    )


def implicit_sandbox_refusal(env: Mapping[str, str]) -> str | None:
    """Why the sandbox may not stand in for an unconfigured LogScale, or None when it may.

    Automation that forgot its configuration must fail, not succeed against a local toy: only
    a person at a terminal (stdin and stderr both terminals, no CI variable) gets the fallback.
    """
    if env.get("CI", "").strip():
        return "CI is set"
    if not (is_terminal(sys.stdin) and is_terminal(sys.stderr)):
        return "this is not an interactive terminal"
    humioctl = humioctl_config()
    if humioctl is not None and humioctl.is_file():
        return f"a humioctl configuration exists ({humioctl})"
    return None


def humioctl_config() -> Path | None:
    """humioctl's configuration file, where it would be (None when there is no home)."""
    try:
        return Path.home() / ".humio" / "config.yaml"
    except (RuntimeError, KeyError):
        return None


def is_configured(env: Mapping[str, str], names: tuple[str, ...]) -> bool:
    """Whether any of these environment variables holds a value."""
    from logscale_fleet.settings import first_set

    return first_set(env, names) is not None


def _profile_selected(profile: str | None, env: Mapping[str, str]) -> bool:
    """Whether a profile or humioctl's config says which LogScale is meant. An unknown profile,
    or one without a URL, is an error from resolution, never a silent switch to the sandbox."""
    from logscale_fleet.profiles import select

    selection = select(profile, env)
    return selection.profile is not None or selection.humioctl.top is not None


def _refuse_connection_options_with_sandbox(args: argparse.Namespace) -> None:
    given = [
        option
        for option, value in (
            ("--profile", getattr(args, "profile", None)),
            ("--url", args.url),
            ("--token", args.api_token),
            ("--token-file", args.api_token_file),
            ("--ca-cert", args.ca_cert),
            ("--insecure", args.insecure or None),
        )
        if value is not None
    ]
    if given:
        raise UsageError(f"--sandbox talks to no server; drop {', '.join(given)}")


def _sandbox_state() -> str:
    from logscale_fleet.sandbox.embedded import default_db_path

    return str(default_db_path())
