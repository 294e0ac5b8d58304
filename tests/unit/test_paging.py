"""Paged reads end: a server that ignores `skip` or claims more than it sends cannot keep a
listing going (issue 11 item 2), for install tokens and configurations alike."""

from __future__ import annotations

import json

import httpx
import pytest
from pytest_httpx import HTTPXMock

from logscale_fleet import InvalidResponseError
from tests.payloads import CONFIGURATION, data, install_token
from tests.unit.conftest import RecordingFleetClient


def _tokens(start: int, count: int) -> list[dict[str, object]]:
    return [install_token(f"t{i}", token=f"fit_value_{i:06d}") for i in range(start, start + count)]


def _search(results: list[dict[str, object]], total: int) -> dict[str, object]:
    return data(searchFleetInstallationTokens={"totalResults": total, "results": results})


async def test_a_server_that_ignores_skip_ends_the_iteration(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=_search(_tokens(0, 2), 100_000), is_reusable=True)
    seen: list[str] = []

    async def read_all() -> None:
        async for token in fleet.install_tokens.iter(page_size=2):
            seen.append(token.name)

    with pytest.raises(InvalidResponseError, match=r"page 2 \(skip 2\) added no new results"):
        await read_all()
    assert seen == ["t0", "t1"]
    assert len(httpx_mock.get_requests()) == 2


async def test_more_pages_than_the_total_allows_end_the_iteration(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    """Each page is new, but the server keeps raising totalResults: the first count bounds it."""

    def answer(request: httpx.Request) -> httpx.Response:
        skip = json.loads(request.content)["variables"]["skip"]
        return httpx.Response(200, json=_search(_tokens(skip, 2), skip + 10))

    httpx_mock.add_callback(answer, is_reusable=True)
    with pytest.raises(InvalidResponseError, match="past the 6 pages of 2") as caught:
        async for _ in fleet.install_tokens.iter(page_size=2):
            pass
    # totalResults 10 on the first page: 5 pages, plus one for tokens created meanwhile.
    assert caught.value.operation == "SearchFleetInstallationTokens"
    assert len(httpx_mock.get_requests()) == 6


async def test_a_last_page_short_of_the_total_ends_quietly(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=_search(_tokens(0, 2), 5))
    httpx_mock.add_response(json=_search(_tokens(2, 1), 5))
    names = [t.name async for t in fleet.install_tokens.iter(page_size=2)]
    assert names == ["t0", "t1", "t2"]


async def test_configurations_listing_is_bounded_too(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    page = [{**CONFIGURATION, "id": f"cfg-{i}"} for i in range(200)]
    body = data(searchLogCollectorConfigurations={"totalResults": 10**9, "results": page})
    httpx_mock.add_response(json=body, is_reusable=True)
    with pytest.raises(InvalidResponseError, match="added no new results"):
        await fleet.configurations.list()
    assert len(httpx_mock.get_requests()) == 2


async def test_configurations_are_deduplicated_across_shifting_pages(
    fleet: RecordingFleetClient, httpx_mock: HTTPXMock
) -> None:
    first = [{**CONFIGURATION, "id": f"cfg-{i}"} for i in range(3)]
    second = [{**CONFIGURATION, "id": f"cfg-{i}"} for i in range(2, 4)]
    for results in (first, second):
        body = data(searchLogCollectorConfigurations={"totalResults": 4, "results": results})
        httpx_mock.add_response(json=body)
    found = [c.id async for c in fleet.configurations.iter(page_size=3)]
    assert found == ["cfg-0", "cfg-1", "cfg-2", "cfg-3"]
