"""pytest plugin (entry point `pytest11: logscale_sandbox`): a LogScale fleet sandbox fixture.

Installed with the package, so any project that depends on logscale-fleet can write:

    async def test_enrolment(logscale_sandbox):
        http = httpx.AsyncClient(headers={"Authorization": f"Bearer {logscale_sandbox.token}"})
        async with Client(logscale_sandbox.graphql_url, http) as client:
            created = await client.create_fleet_install_token(name="web-01")
        ...
        logscale_sandbox.set_faults(["503,times=1"])      # the next request fails once

Fixtures:

    logscale_sandbox          function-scoped: the session's sandbox, reset to its seeded state
                              (two configurations plus the docs' "123456", one default token)
                              with no fault rules, before each test. Exposes `url`,
                              `graphql_url`, `token`, `reset()`, `faults`, `set_faults(...)`,
                              `clear_faults()`, `fault_counts()` (a `ThreadedSandbox`).
    logscale_sandbox_server   session-scoped: the same object without the per-test reset, for
                              session-scoped fixtures of your own.

One server serves the whole session on 127.0.0.1, a free port, in a background thread, with an
in-memory state; it stops when the session ends. Reusing it keeps each test's overhead to a
reset (well under a millisecond) instead of a server start. Tests that share it must not run
concurrently against it (pytest-xdist gives each worker its own session, hence its own server).

This module imports only pytest at import time: pytest loads it in every test run of every
project that installs logscale-fleet, and ariadne/uvicorn are the optional `sandbox` extra.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from logscale_fleet.install_advice import extra_advice

if TYPE_CHECKING:
    from logscale_fleet.sandbox.server import ThreadedSandbox

MISSING_EXTRA = (
    "the logscale_sandbox fixture needs the sandbox extra (ariadne, uvicorn): "
    + extra_advice("sandbox")
)


def require_sandbox_extra() -> None:
    """Fail the test (not the whole run) with an installable answer when the extra is missing."""
    for module in ("ariadne", "uvicorn"):
        try:
            importlib.import_module(module)
        except ImportError:
            pytest.fail(f"{MISSING_EXTRA} ({module} is not importable)", pytrace=False)


@pytest.fixture(scope="session")
def logscale_sandbox_server() -> Iterator[ThreadedSandbox]:
    require_sandbox_extra()
    from logscale_fleet.sandbox.server import ThreadedSandbox

    with ThreadedSandbox() as sandbox:
        yield sandbox


@pytest.fixture
def logscale_sandbox(logscale_sandbox_server: ThreadedSandbox) -> ThreadedSandbox:
    logscale_sandbox_server.reset()
    logscale_sandbox_server.clear_faults()
    return logscale_sandbox_server
