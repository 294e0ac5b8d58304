"""The optional aiohttp wire path (`http_backend="aiohttp"`, extra `logscale-fleet[aiohttp]`).

On loopback httpx costs several times more per call than aiohttp (encode/httpx#3215). This
adapter gives the generated client the same `post`/`aclose` surface with aiohttp underneath,
and turns aiohttp's exceptions into httpx's, so error mapping stays in one place
(`logscale_fleet.errors`).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any

import aiohttp
import httpx

from logscale_fleet._core.limits import MAX_RESPONSE_BYTES, ResponseTooLargeError
from logscale_fleet.settings import Timeouts


async def _read_capped(answer: aiohttp.ClientResponse) -> bytes:
    declared = answer.content_length
    if declared is not None and declared > MAX_RESPONSE_BYTES:
        raise ResponseTooLargeError(MAX_RESPONSE_BYTES)
    if declared is not None:
        return await answer.read()
    parts: list[bytes] = []
    received = 0
    async for chunk in answer.content.iter_any():
        received += len(chunk)
        if received > MAX_RESPONSE_BYTES:
            raise ResponseTooLargeError(MAX_RESPONSE_BYTES)
        parts.append(chunk)
    return b"".join(parts)


KEEPALIVE_SECONDS = 4.0


class AiohttpResponse:
    """The part of a response the generated client reads."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: Mapping[str, str], content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content


class AiohttpClient:
    def __init__(
        self, *, timeouts: Timeouts, verify: ssl.SSLContext | bool, max_connections: int
    ) -> None:
        self._timeouts = timeouts
        self._ssl: ssl.SSLContext | bool = verify
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _client_timeout(self, timeout: httpx.Timeout | None) -> aiohttp.ClientTimeout:
        connect = self._timeouts.connect
        read = self._timeouts.read
        if timeout is not None:
            connect = timeout.connect or connect
            read = timeout.read or read
        return aiohttp.ClientTimeout(
            total=None, connect=self._timeouts.pool + connect, sock_connect=connect, sock_read=read
        )

    def _get_session(self) -> aiohttp.ClientSession:
        # Created on first use: an aiohttp session binds to the running event loop.
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._max_connections,
                ssl=self._ssl,
                # aiohttp does not check a pooled socket before reuse; closing idle ones before
                # common server idle timeouts (uvicorn: 5 s) keeps a create from meeting a socket
                # the server already closed, which would fail it ambiguously.
                keepalive_timeout=KEEPALIVE_SECONDS,
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._client_timeout(None), auto_decompress=True
            )
        return self._session

    async def post(
        self,
        url: str,
        *,
        content: bytes,
        headers: Mapping[str, str],
        timeout: httpx.Timeout | None = None,
    ) -> AiohttpResponse:
        return await self._send("POST", url, content, headers, timeout)

    async def _send(
        self,
        method: str,
        url: str,
        content: bytes | None,
        headers: Mapping[str, str],
        timeout: httpx.Timeout | None,
    ) -> AiohttpResponse:
        session = self._get_session()
        options: dict[str, Any] = {}
        if timeout is not None:
            options["timeout"] = self._client_timeout(timeout)
        try:
            async with session.request(
                method, url, data=content, headers=dict(headers), **options
            ) as answer:
                body = await _read_capped(answer)
                return AiohttpResponse(answer.status, answer.headers, body)
        except aiohttp.ConnectionTimeoutError as exc:
            raise httpx.ConnectTimeout(str(exc) or "connect timeout") from exc
        except (aiohttp.ServerTimeoutError, asyncio.TimeoutError) as exc:
            raise httpx.ReadTimeout(str(exc) or "read timeout") from exc
        except aiohttp.ClientConnectorCertificateError as exc:
            raise httpx.ConnectError(f"certificate verify failed: {exc}") from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
            raise httpx.RemoteProtocolError(str(exc) or "server disconnected") from exc
        except aiohttp.ClientError as exc:
            raise httpx.NetworkError(str(exc) or type(exc).__name__) from exc

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> AiohttpResponse:
        """Plain GET (the status endpoint); errors translated as for `post`."""
        return await self._send("GET", url, None, headers or {}, None)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
