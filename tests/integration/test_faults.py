"""Each fault the sandbox injects surfaces as the facade's documented error or retry."""

from __future__ import annotations

import pytest

from logscale_fleet import (
    FleetClient,
    GraphQLError,
    LogScaleError,
    ServerError,
    TimeoutError,
    TransportError,
)
from logscale_fleet._core.http import HttpBackend
from logscale_fleet.sandbox.server import ThreadedSandbox
from tests.integration.conftest import no_wait


def injected(sandbox: ThreadedSandbox) -> int:
    total = sandbox.fault_counts()["total"]
    assert isinstance(total, int)
    return total


async def tokens_named(fleet: FleetClient, name: str) -> int:
    return sum(1 for t in await fleet.install_tokens.list() if t.name == name)


@pytest.mark.parametrize(
    "rule", ["429,retry_after=0", "502", "503", "html", "drop", "latency,seconds=1.5"]
)
async def test_queries_recover_from_transient_faults(
    sandbox: ThreadedSandbox, backend: HttpBackend, rule: str
) -> None:
    sandbox.set_faults([f"{rule},operation=FleetInstallationTokens,times=2"])
    async with FleetClient(sandbox.url, sandbox.token, timeout=1, http_backend=backend) as fleet:
        no_wait(fleet)
        assert len(await fleet.install_tokens.list()) >= 1
    assert injected(sandbox) == 2


@pytest.mark.parametrize(
    ("rule", "error_class"),
    [
        ("500", ServerError),
        ("502", ServerError),
        ("503", ServerError),
        ("html", ServerError),
        ("drop", TransportError),
        ("latency,seconds=1.5", TimeoutError),
        ("graphql", GraphQLError),
    ],
)
async def test_creates_are_not_resent_after_ambiguous_faults(
    sandbox: ThreadedSandbox, backend: HttpBackend, rule: str, error_class: type[Exception]
) -> None:
    sandbox.set_faults([f"{rule},operation=CreateFleetInstallToken"])
    async with FleetClient(sandbox.url, sandbox.token, timeout=1, http_backend=backend) as fleet:
        no_wait(fleet)
        with pytest.raises(error_class):
            await fleet.install_tokens.create("web")
        # Every create attempt meets the rule: one injection means the create was sent once.
        assert injected(sandbox) == 1
        sandbox.clear_faults()
        # A delayed create may still land after the client gave up (that is what makes it
        # ambiguous); the others are refused before the operation runs.
        assert await tokens_named(fleet, "web") <= (1 if rule.startswith("latency") else 0)


async def test_creates_retry_a_rate_limit(sandbox: ThreadedSandbox, backend: HttpBackend) -> None:
    sandbox.set_faults(["429,retry_after=0,operation=CreateFleetInstallToken,times=2"])
    async with FleetClient(sandbox.url, sandbox.token, http_backend=backend) as fleet:
        no_wait(fleet)
        await fleet.install_tokens.create("web")
        assert await tokens_named(fleet, "web") == 1


async def test_a_retry_after_from_the_server_is_waited(sandbox: ThreadedSandbox) -> None:
    sandbox.set_faults(["429,retry_after=1,operation=FleetInstallationTokens,times=1"])
    async with FleetClient(sandbox.url, sandbox.token) as fleet:
        waits: list[float] = []

        async def record(delay: float) -> None:
            waits.append(delay)

        fleet._executor.sleep = record
        await fleet.install_tokens.list()
    assert waits == [1.0]


async def test_ensure_survives_faults_without_duplicates(sandbox: ThreadedSandbox) -> None:
    sandbox.set_faults(["502,operation=CreateFleetInstallToken,times=1"])
    async with FleetClient(sandbox.url, sandbox.token) as fleet:
        no_wait(fleet)
        with pytest.raises(ServerError):
            await fleet.install_tokens.ensure("web")
        token, created = await fleet.install_tokens.ensure("web")
        again, created_again = await fleet.install_tokens.ensure("web")
        assert created is True
        assert created_again is False
        assert again.token == token.token
        assert await tokens_named(fleet, "web") == 1


@pytest.mark.parametrize(
    ("rule", "error_class"),
    [
        ("502,after=true", ServerError),
        ("drop,after=true", TransportError),
        # A proxy's HTML error page (HTTP 502) is a server error like a bare 502.
        ("html,after=true", ServerError),
    ],
)
async def test_a_create_whose_answer_is_lost_landed_and_is_not_resent(
    sandbox: ThreadedSandbox,
    backend: HttpBackend,
    rule: str,
    error_class: type[LogScaleError],
) -> None:
    sandbox.set_faults([f"{rule},operation=CreateFleetInstallToken"])
    async with FleetClient(sandbox.url, sandbox.token, http_backend=backend) as fleet:
        no_wait(fleet)
        with pytest.raises(LogScaleError) as caught:
            await fleet.install_tokens.create("web")
        assert type(caught.value) is error_class
        if isinstance(caught.value, TransportError):
            assert caught.value.request_sent is True
        assert injected(sandbox) == 1
        assert await tokens_named(fleet, "web") == 1


@pytest.mark.parametrize(
    "rule", ["502,after=true", "drop,after=true", "latency,seconds=1.5,after=true"]
)
async def test_ensure_reports_a_create_that_landed_without_an_answer(
    sandbox: ThreadedSandbox, backend: HttpBackend, rule: str
) -> None:
    sandbox.set_faults([f"{rule},operation=CreateFleetInstallToken,times=1"])
    async with FleetClient(sandbox.url, sandbox.token, timeout=1, http_backend=backend) as fleet:
        no_wait(fleet)
        token, created = await fleet.install_tokens.ensure("web", config_id="123456")
        assert created is True
        assert token.assigned_configuration is not None
        assert token.assigned_configuration.id == "123456"
        assert await tokens_named(fleet, "web") == 1
