"""The optional aiohttp wire path (`http_backend="aiohttp"`, extra `logscale-fleet[aiohttp]`).

On loopback httpx costs several times more per call than aiohttp (encode/httpx#3215). This
adapter gives the generated client the same `post`/`aclose` surface with aiohttp underneath,
and turns aiohttp's exceptions into httpx's, so error mapping stays in one place
(`logscale_fleet.errors`).
"""

from __future__ import annotations

import asyncio
import math
import ssl
from collections.abc import Coroutine, Mapping
from typing import Any

import aiohttp
import httpx

from logscale_fleet._core.limits import MAX_RESPONSE_BYTES, ResponseTooLargeError
from logscale_fleet.settings import Timeouts


async def _read_capped(answer: aiohttp.ClientResponse) -> bytes:
    # The declared length counts wire bytes; `answer.content` yields decoded ones (the session
    # decompresses), and those are what the cap bounds: a few MB of gzip can inflate to GBs.
    declared = answer.content_length
    if declared is not None and declared > MAX_RESPONSE_BYTES:
        raise ResponseTooLargeError(MAX_RESPONSE_BYTES)
    if declared is not None and "Content-Encoding" not in answer.headers:
        # Not encoded, so the decoded body is the wire body, and aiohttp's parser reads no
        # more than the declared length: one read, without the chunk loop's awaits.
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
    # Each attempt's total deadline is aiohttp's `total` timeout (the executor adds none).
    enforces_attempt_deadline = True

    def __init__(
        self,
        *,
        timeouts: Timeouts,
        verify: ssl.SSLContext | bool,
        max_connections: int,
        proxy: str | None = None,
    ) -> None:
        self._timeouts = timeouts
        # Chosen from the environment by logscale_fleet._core.proxies, the same rules httpx
        # applies; the session itself ignores the environment (trust_env=False).
        self._proxy = proxy
        self._ssl: ssl.SSLContext | bool = verify
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    @staticmethod
    def _client_timeout(timeouts: Timeouts) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(
            # The attempt's deadline. aiohttp cancels the request when it passes and raises a
            # bare TimeoutError, which the executor reports as the total limit.
            total=timeouts.total,
            # Waiting for a pooled connection plus opening one; aiohttp times it only when no
            # pooled connection is free.
            connect=timeouts.pool + timeouts.connect,
            sock_connect=timeouts.connect,
            sock_read=timeouts.read,
            # aiohttp rounds deadlines of 5 s and more up to a whole second; ours are exact.
            ceil_threshold=math.inf,
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
                connector=connector,
                timeout=self._client_timeout(self._timeouts),
                auto_decompress=True,
            )
        return self._session

    def post(
        self,
        url: str,
        *,
        content: bytes,
        headers: Mapping[str, str],
        timeout: Timeouts | None = None,
    ) -> Coroutine[Any, Any, AiohttpResponse]:
        """The request, to await. A plain function: its frame is gone before the request
        starts, so no traceback's locals (pytest -l, Sentry) can show the Authorization header
        or the body (install tokens) from here, and no resume of the request passes through it.
        """
        return self._send("POST", url, _Sealed(headers, content), timeout)

    async def _send(
        self, method: str, url: str, sealed: _Sealed, timeout: Timeouts | None
    ) -> AiohttpResponse:
        session = self._get_session()
        options: dict[str, Any] = {}
        if timeout is not None:
            options["timeout"] = self._client_timeout(timeout)
        try:
            async with session.request(
                method,
                url,
                data=sealed.content,
                headers=dict(sealed.headers),
                # No redirects on either wire path: following one resends the body
                # (install tokens) and the API token to any origin.
                allow_redirects=False,
                proxy=self._proxy,
                **options,
            ) as answer:
                body = await _read_capped(answer)
                return AiohttpResponse(answer.status, answer.headers, body)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            if type(exc) is asyncio.TimeoutError:
                # The total timer (its phase timers raise subclasses): the executor's to report.
                failure: BaseException = asyncio.TimeoutError()
            else:
                failure = _translated(exc)
        # Raised outside the handler, so the httpx error neither chains nor keeps as context
        # the aiohttp one, whose request_info holds the request headers (the Bearer token).
        raise failure

    async def get(self, url: str, *, headers: Mapping[str, str] | None = None) -> AiohttpResponse:
        """Plain GET (the status endpoint); errors translated as for `post`."""
        sealed = _Sealed(headers or {}, None)
        del headers
        return await self._send("GET", url, sealed, None)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class _Sealed:
    """Request headers and body behind a repr that shows neither."""

    __slots__ = ("content", "headers")

    def __init__(self, headers: Mapping[str, str], content: bytes | None) -> None:
        self.headers = headers
        self.content = content

    def __repr__(self) -> str:
        return "<sealed request headers and body>"


def _translated(exc: BaseException) -> httpx.TransportError:
    """The httpx exception for an aiohttp one, built from its text only (no reference kept)."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(str(exc) or "connect timeout")
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return httpx.ReadTimeout(str(exc) or "read timeout")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return httpx.ConnectError(f"certificate verify failed: {exc}")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(str(exc))
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        return httpx.RemoteProtocolError(str(exc) or "server disconnected")
    return httpx.NetworkError(str(exc) or type(exc).__name__)
