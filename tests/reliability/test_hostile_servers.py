"""Huge, truncated, slow-drip, silent and malformed answers each give a documented error within
the time limit, with memory bounded."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from logscale_fleet import (
    FleetClient,
    GraphQLError,
    InvalidResponseError,
    LogScaleError,
    TimeoutError,
    TransportError,
)
from logscale_fleet._core.http import HttpBackend
from tests.reliability import hostile_server as hostile


@pytest.fixture(params=["httpx", "aiohttp"])
def backend(request: pytest.FixtureRequest) -> HttpBackend:
    choice: HttpBackend = request.param
    return choice


CASES = [
    (hostile.slow_drip, TimeoutError, "total limit"),
    (hostile.silent, TimeoutError, "timed out"),
    (hostile.truncated, TransportError, "connection broke"),
    (hostile.endless, InvalidResponseError, "larger than"),
    (hostile.wrong_content_type, InvalidResponseError, "text/html"),
    (hostile.wrong_shape, InvalidResponseError, "fleetInstallationTokens"),
    (hostile.errors_without_message, GraphQLError, "the server gave no message"),
    (hostile.garbage_status_line, TransportError, "failed"),
]


@pytest.mark.parametrize(
    ("behaviour", "error_class", "text"), CASES, ids=[c[0].__name__ for c in CASES]
)
async def test_hostile_answers_fail_cleanly_and_in_time(
    monkeypatch: pytest.MonkeyPatch,
    backend: HttpBackend,
    behaviour: hostile.Behaviour,
    error_class: type[LogScaleError],
    text: str,
) -> None:
    monkeypatch.setattr("logscale_fleet._core.http.MAX_RESPONSE_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr("logscale_fleet._core.aiohttp.MAX_RESPONSE_BYTES", 2 * 1024 * 1024)
    timeout = 0.5
    with hostile.hostile_server(behaviour) as url:
        async with FleetClient(
            url, "t", timeout=timeout, max_retries=0, http_backend=backend
        ) as fleet:
            tracemalloc.start()
            started = time.monotonic()
            with pytest.raises(error_class, match=text):
                await fleet.install_tokens.list()
            elapsed = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    # The total limit of one attempt is pool + connect + write + read = 4 x 0.5 s.
    assert elapsed < 4 * timeout + 1.0
    assert peak < 32 * 1024 * 1024


async def test_a_per_call_timeout_bounds_the_attempt_on_either_wire_path(
    backend: HttpBackend,
) -> None:
    # The client's own limit (60 s) would let the drip run to its end; the per-call one must
    # stop it, on aiohttp through the transport's own deadline timer, on httpx through ours.
    with hostile.hostile_server(hostile.slow_drip) as url:
        async with FleetClient(url, "t", timeout=60, max_retries=0, http_backend=backend) as fleet:
            started = time.monotonic()
            with pytest.raises(TimeoutError, match=r"total limit of 1\.2 s") as caught:
                await fleet.install_tokens.list(timeout=0.3)
            elapsed = time.monotonic() - started
    assert caught.value.request_sent is True
    assert 1.2 <= elapsed < 1.2 + 1.0
