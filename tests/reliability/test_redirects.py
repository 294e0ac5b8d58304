"""No redirect is followed on either wire path: a 3xx is an APIStatusError naming where it
pointed (redacted), and the redirect target receives nothing (not the body, not the token)."""

from __future__ import annotations

import asyncio

import pytest

from logscale_fleet import APIStatusError, FleetClient
from logscale_fleet._core.http import HttpBackend
from tests.reliability.hostile_server import Behaviour, head, hostile_server

API_TOKEN = "api-token-0123456789abcdef"
SECRET_IN_LOCATION = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


async def call(fleet: FleetClient) -> object:
    return await fleet.install_tokens.create("web-hosts")


def redirects_to(location: str, status: str) -> Behaviour:
    async def behaviour(writer: asyncio.StreamWriter) -> None:
        writer.write(head(status, "text/plain", f"location: {location}\r\ncontent-length: 0\r\n"))
        await writer.drain()

    return behaviour


def records(seen: list[str]) -> Behaviour:
    async def behaviour(writer: asyncio.StreamWriter) -> None:
        seen.append("a request")
        writer.write(head("200 OK", "application/json", "content-length: 2\r\n") + b"{}")
        await writer.drain()

    return behaviour


@pytest.mark.parametrize("backend", ["httpx", "aiohttp"])
@pytest.mark.parametrize(
    "status",
    ["301 Moved Permanently", "302 Found", "307 Temporary Redirect", "308 Permanent Redirect"],
)
async def test_a_redirect_is_an_error_and_its_target_gets_nothing(
    backend: HttpBackend, status: str
) -> None:
    seen: list[str] = []
    with hostile_server(records(seen)) as target:
        location = f"{target}/graphql?jwt={SECRET_IN_LOCATION}"
        with hostile_server(redirects_to(location, status)) as url:
            async with FleetClient(
                url, API_TOKEN, timeout=2, max_retries=0, http_backend=backend
            ) as fleet:
                with pytest.raises(APIStatusError) as caught:
                    await call(fleet)
    assert seen == []
    error = caught.value
    assert error.status_code == int(status.split()[0])
    assert f"redirected to {target}/graphql" in str(error)
    assert SECRET_IN_LOCATION not in str(error)
    assert "not followed" in str(error)
