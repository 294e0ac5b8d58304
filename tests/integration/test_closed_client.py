"""A closed client says so, on both wire paths and in process, instead of httpx's RuntimeError."""

from __future__ import annotations

import pytest

from logscale_fleet import ClientClosedError, FleetClient, LogScaleError
from logscale_fleet._core.http import HttpBackend
from logscale_fleet.sandbox.server import ThreadedSandbox


async def test_a_call_after_aclose_raises_client_closed(
    sandbox: ThreadedSandbox, backend: HttpBackend
) -> None:
    fleet = FleetClient(sandbox.url, sandbox.token, http_backend=backend)
    assert fleet.is_closed is False
    assert [t.name for t in await fleet.install_tokens.list()] == ["default"]
    await fleet.aclose()
    assert fleet.is_closed is True
    with pytest.raises(
        ClientClosedError, match="FleetInstallationTokens: the FleetClient is closed"
    ):
        await fleet.install_tokens.list()
    with pytest.raises(ClientClosedError):
        await fleet.configurations.get("cfg-1")
    with pytest.raises(ClientClosedError):
        await fleet.server_version()
    assert issubclass(ClientClosedError, LogScaleError)
    # Closing again is harmless.
    await fleet.aclose()


async def test_leaving_the_context_closes_it(sandbox: ThreadedSandbox) -> None:
    async with FleetClient(sandbox.url, sandbox.token) as fleet:
        await fleet.install_tokens.create("kept")
    assert fleet.is_closed
    with pytest.raises(ClientClosedError):
        await fleet.install_tokens.ensure("kept")


async def test_the_in_process_sandbox_client_too() -> None:
    fleet = FleetClient.sandbox(":memory:")
    await fleet.aclose()
    with pytest.raises(ClientClosedError):
        await fleet.install_tokens.create("late")
