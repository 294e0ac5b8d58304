"""The one place HTTP is configured: auth, TLS, timeouts, user agent, transport."""

from __future__ import annotations

import platform
import ssl
from collections.abc import AsyncIterator
from typing import Any, Literal

import httpx

from logscale_fleet._core.limits import MAX_RESPONSE_BYTES, ResponseTooLargeError
from logscale_fleet._version import __version__
from logscale_fleet.errors import ConfigurationError
from logscale_fleet.settings import Settings, Timeouts

HttpBackend = Literal["httpx", "aiohttp"]
HTTP_BACKENDS: tuple[HttpBackend, ...] = ("httpx", "aiohttp")

# Enough for the concurrency a fleet rollout script uses, bounded so a runaway loop cannot
# open thousands of sockets.
MAX_CONNECTIONS = 100


def user_agent(backend: str = "httpx") -> str:
    return f"logscale-fleet/{__version__} ({backend}; Python {platform.python_version()})"


def request_headers(settings: Settings, backend: str = "httpx") -> dict[str, str]:
    """Headers sent with every request (also through a caller's own HTTP client)."""
    return {"Authorization": f"Bearer {settings.token}", "User-Agent": user_agent(backend)}


def httpx_timeout(timeouts: Timeouts) -> httpx.Timeout:
    return httpx.Timeout(
        connect=timeouts.connect, read=timeouts.read, write=timeouts.write, pool=timeouts.pool
    )


def tls_verification(settings: Settings) -> ssl.SSLContext | bool:
    """False when asked, a context trusting the given CA bundle, else the system default."""
    if not settings.verify:
        return False
    if settings.ca_cert is None:
        return True
    try:
        if settings.ca_cert.lstrip().startswith("-----BEGIN"):
            return ssl.create_default_context(cadata=settings.ca_cert)
        return ssl.create_default_context(cafile=settings.ca_cert)
    except (ssl.SSLError, ValueError) as exc:
        raise ConfigurationError(f"the CA certificate is not valid PEM: {exc}") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot read the CA certificate: {exc.strerror}") from None


def build_http_client(settings: Settings, backend: HttpBackend = "httpx") -> Any:
    """An HTTP client for the generated client: async `post(url, content=, headers=)` + `aclose`."""
    if backend == "httpx":
        return httpx.AsyncClient(
            timeout=httpx_timeout(settings.timeouts),
            verify=tls_verification(settings),
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=20),
            follow_redirects=False,
            trust_env=True,
            event_hooks={"response": [_cap_response_size]},
        )
    if backend == "aiohttp":
        try:
            from logscale_fleet._core.aiohttp import AiohttpClient
        except ImportError:
            from logscale_fleet.install_advice import extra_advice

            raise ConfigurationError(
                'http_backend="aiohttp" needs the aiohttp extra: ' + extra_advice("aiohttp")
            ) from None

        return AiohttpClient(
            timeouts=settings.timeouts,
            verify=tls_verification(settings),
            max_connections=MAX_CONNECTIONS,
        )
    raise ConfigurationError(
        f"http_backend must be one of {', '.join(HTTP_BACKENDS)}, not {backend!r}"
    )


async def _cap_response_size(response: httpx.Response) -> None:
    # A response hook runs before httpx reads the body, so the body can be read through a cap
    # instead of into unbounded memory.
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        await response.aclose()
        raise ResponseTooLargeError(MAX_RESPONSE_BYTES)
    response.stream = _CappedStream(response.stream, MAX_RESPONSE_BYTES)


class _CappedStream(httpx.AsyncByteStream):
    """An httpx async byte stream that stops with ResponseTooLargeError past `limit` bytes."""

    def __init__(self, inner: Any, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        async for chunk in self._inner:
            received += len(chunk)
            if received > self._limit:
                raise ResponseTooLargeError(self._limit)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()
