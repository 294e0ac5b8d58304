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


def tls_verification(settings: Settings, proxy_url: str | None = None) -> ssl.SSLContext | bool:
    """False when asked, a context trusting the given CA bundle, else the system default.

    Also False when no TLS can happen: a plain http:// URL reached directly or through a plain
    http:// proxy. Loading the CA bundle costs ~18 ms per client, and the CLI and the
    in-process sandbox would pay it on every start for a context they never use.
    """
    if not settings.verify or not needs_tls(settings.graphql_url, proxy_url):
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


def needs_tls(url: str, proxy_url: str | None) -> bool:
    """Whether a request to `url` (through `proxy_url`, if any) can open a TLS connection."""

    def plain(address: str) -> bool:
        return address.lower().startswith("http://")

    return not (plain(url) and (proxy_url is None or plain(proxy_url)))


def build_http_client(settings: Settings, backend: HttpBackend = "httpx") -> Any:
    """An HTTP client for the generated client: async `post(url, content=, headers=)` + `aclose`."""
    from logscale_fleet._core.proxies import proxy_for, warn_about_clear_text_proxy

    proxy = None
    if backend in HTTP_BACKENDS:
        # Checks every proxy variable (a ConfigurationError naming a bad one) before httpx or
        # aiohttp could trip over it.
        proxy = proxy_for(settings.graphql_url, backend)
        warn_about_clear_text_proxy(settings.graphql_url, proxy)
    if backend == "httpx":
        return httpx.AsyncClient(
            timeout=httpx_timeout(settings.timeouts),
            verify=tls_verification(settings, proxy.url if proxy else None),
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
            verify=tls_verification(settings, proxy.url if proxy else None),
            max_connections=MAX_CONNECTIONS,
            proxy=proxy.url if proxy else None,
        )
    raise ConfigurationError(
        f"http_backend must be one of {', '.join(HTTP_BACKENDS)}, not {backend!r}"
    )


async def _cap_response_size(response: httpx.Response) -> None:
    # A response hook runs before httpx reads the body, so the body can be read here through
    # a cap instead of into unbounded memory. The cap counts decoded bytes: a few MB of gzip
    # can inflate to gigabytes. The declared length only bounds what is on the wire.
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        await response.aclose()
        raise ResponseTooLargeError(MAX_RESPONSE_BYTES)
    if response.headers.get("content-encoding", "identity").strip().lower() != "identity":
        # Feeding the decoder small wire pieces bounds what one step can inflate (deflate
        # expands at most about 1000-fold: 1 MiB per 1 KiB piece).
        response.stream = _SmallPieces(response.stream)
    parts: list[bytes] = []
    received = 0
    try:
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > MAX_RESPONSE_BYTES:
                raise ResponseTooLargeError(MAX_RESPONSE_BYTES)
            parts.append(chunk)
    finally:
        await response.aclose()
    # What `aread()` would have stored; httpx offers no public way to hand back a body read
    # through a hook, and the client's own `aread()` then returns this instead of re-reading.
    response._content = b"".join(parts)


WIRE_PIECE_BYTES = 1024


class _SmallPieces(httpx.AsyncByteStream):
    """The inner stream, re-cut into pieces of at most WIRE_PIECE_BYTES."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            for start in range(0, len(chunk), WIRE_PIECE_BYTES):
                yield chunk[start : start + WIRE_PIECE_BYTES]

    async def aclose(self) -> None:
        await self._inner.aclose()
