"""Retries: queries repeat on transient failures; mutations only when surely unprocessed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import (
    APIStatusError,
    AuthenticationError,
    GraphQLError,
    LogScaleError,
    RateLimitError,
    ServerError,
    TimeoutError,
    TransportError,
)
from logscale_fleet._core.error_mapping import parse_retry_after
from logscale_fleet._core.retry import RetryPolicy
from tests.payloads import data, install_token
from tests.unit.conftest import RecordingFleetClient

TOKENS = data(fleetInstallationTokens=[install_token()])
CREATED = data(createFleetInstallToken=install_token())


def transient(httpx_mock: HTTPXMock, kind: str) -> None:
    if kind == "connect":
        httpx_mock.add_exception(httpx.ConnectError("refused"))
    elif kind == "read-timeout":
        httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    elif kind == "dropped":
        httpx_mock.add_exception(httpx.RemoteProtocolError("peer closed connection"))
    elif kind == "429":
        httpx_mock.add_response(status_code=429)
    else:
        httpx_mock.add_response(status_code=int(kind), text="proxy error")


@pytest.mark.parametrize("kind", ["connect", "read-timeout", "dropped", "429", "502", "503", "504"])
async def test_queries_retry_transient_failures(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, kind: str
) -> None:
    transient(httpx_mock, kind)
    transient(httpx_mock, kind)
    httpx_mock.add_response(json=TOKENS)
    tokens = await fleet.install_tokens.list()
    assert len(tokens) == 1
    assert len(httpx_mock.get_requests()) == 3
    assert len(fleet.waits) == 2


@pytest.mark.parametrize(
    ("kind", "error_class"),
    [("connect", TransportError), ("429", RateLimitError), ("503", ServerError)],
)
async def test_queries_give_up_after_max_retries(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    kind: str,
    error_class: type[LogScaleError],
) -> None:
    for _ in range(3):
        transient(httpx_mock, kind)
    with pytest.raises(LogScaleError) as caught:
        await fleet.install_tokens.list()
    assert type(caught.value) is error_class
    assert len(httpx_mock.get_requests()) == 3
    assert len(fleet.waits) == 2


@pytest.mark.parametrize(
    ("status", "error_class"), [(500, ServerError), (401, AuthenticationError)]
)
async def test_queries_do_not_retry_errors_that_will_repeat(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    status: int,
    error_class: type[APIStatusError],
) -> None:
    httpx_mock.add_response(status_code=status)
    with pytest.raises(error_class) as caught:
        await fleet.install_tokens.list()
    assert type(caught.value) is error_class
    assert caught.value.status_code == status
    assert len(httpx_mock.get_requests()) == 1


async def test_graphql_errors_are_not_retried(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"errors": [{"message": "boom"}]})
    with pytest.raises(GraphQLError):
        await fleet.install_tokens.list()
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize("kind", ["connect", "429"])
async def test_a_create_is_resent_only_when_surely_unprocessed(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, kind: str
) -> None:
    transient(httpx_mock, kind)
    httpx_mock.add_response(json=CREATED)
    await fleet.install_tokens.create("web")
    assert len(httpx_mock.get_requests()) == 2


@pytest.mark.parametrize(
    ("kind", "error_class"),
    [
        ("read-timeout", TimeoutError),
        ("dropped", TransportError),
        ("500", ServerError),
        ("502", ServerError),
        ("503", ServerError),
        ("504", ServerError),
    ],
)
async def test_a_create_is_never_resent_after_an_ambiguous_failure(
    fleet: RecordingFleetClient,
    httpx_mock: HTTPXMock,
    kind: str,
    error_class: type[LogScaleError],
) -> None:
    transient(httpx_mock, kind)
    with pytest.raises(error_class):
        await fleet.install_tokens.create("web")
    assert len(httpx_mock.get_requests()) == 1


async def test_a_delete_is_never_resent_after_an_ambiguous_failure(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=502)
    with pytest.raises(ServerError):
        await fleet.install_tokens.delete("tok")
    assert len(httpx_mock.get_requests()) == 1


async def test_setting_mutations_retry_like_queries(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    httpx_mock.add_response(json=data(updateFleetInstallTokenName=install_token("renamed")))
    renamed = await fleet.install_tokens.rename("tok", "renamed")
    assert renamed.name == "renamed"
    assert len(httpx_mock.get_requests()) == 2


async def test_retry_after_seconds_is_obeyed(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "3"})
    httpx_mock.add_response(status_code=503, headers={"Retry-After": "1.5"})
    httpx_mock.add_response(json=TOKENS)
    await fleet.install_tokens.list()
    assert fleet.waits == [3.0, 1.5]


async def test_retry_after_as_an_http_date_is_obeyed(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=20)
    httpx_mock.add_response(status_code=429, headers={"Retry-After": format_datetime(when, True)})
    httpx_mock.add_response(json=TOKENS)
    await fleet.install_tokens.list()
    (wait,) = fleet.waits
    assert 15 < wait <= 20


async def test_a_retry_after_beyond_the_cap_is_not_waited_out(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimitError) as caught:
        await fleet.install_tokens.list()
    assert caught.value.retry_after == 3600
    assert fleet.waits == []


async def test_max_retries_per_call_overrides_the_client(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=503)
    with pytest.raises(ServerError):
        await fleet.install_tokens.list(max_retries=0)
    assert len(httpx_mock.get_requests()) == 1


async def test_a_per_call_timeout_reaches_the_request(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=TOKENS)
    await fleet.install_tokens.list(timeout=2.5)
    timeouts = httpx_mock.get_requests()[0].extensions["timeout"]
    assert timeouts == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}


async def test_default_requests_have_connect_and_read_timeouts(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=TOKENS)
    await fleet.install_tokens.list()
    timeouts = httpx_mock.get_requests()[0].extensions["timeout"]
    assert timeouts["connect"] == 10.0
    assert timeouts["read"] == 30.0


@pytest.mark.parametrize(
    ("attempt", "low", "high"), [(0, 0.25, 0.5), (1, 0.5, 1.0), (2, 1.0, 2.0), (10, 4.0, 8.0)]
)
def test_backoff_doubles_with_jitter_and_a_cap(attempt: int, low: float, high: float) -> None:
    policy = RetryPolicy()
    rng = random.Random(1)
    delays = [policy.delay(ServerError("x", status_code=502), attempt, rng) for _ in range(200)]
    assert all(low <= d <= high for d in delays)
    assert len(set(delays)) > 100


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("2.5", 2.5),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("", None),
        (None, None),
        ("in a while", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_http_date_relative_to_now() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0


async def test_a_server_slower_than_the_total_limit_cannot_hold_a_call(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    import asyncio

    async def stall(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200, json=CREATED)

    httpx_mock.add_callback(stall)
    with pytest.raises(TimeoutError, match=r"total limit of 0\.4 s") as caught:
        await fleet.install_tokens.create("web", timeout=0.1)
    assert caught.value.request_sent is True
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan")])
async def test_a_bad_per_call_timeout_is_invalid_input(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock, timeout: float
) -> None:
    from logscale_fleet import InvalidInputError

    with pytest.raises(InvalidInputError, match="timeout"):
        await fleet.install_tokens.list(timeout=timeout)
    assert httpx_mock.get_requests() == []
