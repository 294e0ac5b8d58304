"""A TLS context (and its CA bundle load) only for clients that can open a TLS connection."""

from __future__ import annotations

import ssl
from typing import Any

import pytest

from logscale_fleet import FleetClient


@pytest.fixture
def bundle_loads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every CA bundle load, by whoever builds a context (httpx, aiohttp, this package)."""
    loads: list[object] = []
    original = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loads.append(args or kwargs)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    return loads


async def test_plain_http_url_loads_no_ca_bundle(bundle_loads: list[object]) -> None:
    async with FleetClient("http://127.0.0.1:9", "t"):
        pass
    assert bundle_loads == []


async def test_https_url_still_verifies_with_the_default_bundle(
    bundle_loads: list[object],
) -> None:
    async with FleetClient("https://logscale.example", "t") as fleet:
        pool: Any = fleet._executor.http_client._transport._pool  # type: ignore[attr-defined]
        assert pool._ssl_context.verify_mode == ssl.CERT_REQUIRED
    assert len(bundle_loads) == 1


async def test_plain_http_url_through_an_https_proxy_still_verifies(
    bundle_loads: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "https://proxy.example:8443")
    async with FleetClient("http://logscale.example", "t"):
        pass
    assert bundle_loads
