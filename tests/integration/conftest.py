"""The real FleetClient over real HTTP against the sandbox served by uvicorn on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from logscale_fleet import FleetClient
from logscale_fleet._core.http import HttpBackend
from logscale_fleet.sandbox.server import ThreadedSandbox


@pytest.fixture
def sandbox(logscale_sandbox: ThreadedSandbox) -> ThreadedSandbox:
    """The fixture the package ships (pytest11 `logscale_sandbox`): reset, no faults."""
    return logscale_sandbox


@pytest.fixture(params=["httpx", "aiohttp"])
def backend(request: pytest.FixtureRequest) -> HttpBackend:
    """Both wire paths run the same tests."""
    choice: HttpBackend = request.param
    return choice


@pytest.fixture
async def fleet(sandbox: ThreadedSandbox) -> AsyncIterator[FleetClient]:
    async with FleetClient(sandbox.url, sandbox.token, timeout=5) as client:
        yield client


def no_wait(client: FleetClient) -> FleetClient:
    """Skip real backoff sleeps (Retry-After from the sandbox is 0 in these tests anyway)."""

    async def instant(_: float) -> None:
        return None

    client._executor.sleep = instant
    return client
