"""Fixtures for the sandbox suite: the generated client and raw httpx against the served sandbox.

The sandbox itself comes from this package's own pytest plugin (`logscale_sandbox`), so every test
here also exercises the fixture users get.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from logscale_fleet.sandbox.server import ThreadedSandbox
from logscale_graphql import Client

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Every AsyncClient would otherwise load the CA bundle (~50 ms) for plain-HTTP requests.
_TLS = ssl.create_default_context()


def http_client(**kwargs: Any) -> httpx.AsyncClient:
    """An AsyncClient with test timeouts, sharing one TLS context."""
    return httpx.AsyncClient(timeout=TIMEOUT, verify=_TLS, **kwargs)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def client(logscale_sandbox: ThreadedSandbox) -> AsyncIterator[Client]:
    http = http_client(headers=auth(logscale_sandbox.token))
    async with Client(logscale_sandbox.graphql_url, http) as generated:
        yield generated


@pytest.fixture
async def raw(logscale_sandbox: ThreadedSandbox) -> AsyncIterator[httpx.AsyncClient]:
    """Plain httpx with the right token, for what the generated client cannot send."""
    async with http_client(
        base_url=logscale_sandbox.url, headers=auth(logscale_sandbox.token)
    ) as http:
        yield http
