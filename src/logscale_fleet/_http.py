"""The one place HTTP is configured: auth, TLS, timeouts, user agent, transport."""

from __future__ import annotations

import platform
import ssl
from typing import TYPE_CHECKING, Any, Literal

from logscale_fleet import __version__
from logscale_fleet.errors import ConfigurationError
from logscale_fleet.settings import Settings, Timeouts

if TYPE_CHECKING:
    import httpx

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
    import httpx

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
        import httpx

        return httpx.AsyncClient(
            timeout=httpx_timeout(settings.timeouts),
            verify=tls_verification(settings),
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=20),
            follow_redirects=False,
            trust_env=True,
        )
    if backend == "aiohttp":
        try:
            from logscale_fleet._aiohttp import AiohttpClient
        except ImportError:
            raise ConfigurationError(
                'http_backend="aiohttp" needs the aiohttp extra: '
                'pip install "logscale-fleet[aiohttp]"'
            ) from None

        return AiohttpClient(
            timeouts=settings.timeouts,
            verify=tls_verification(settings),
            max_connections=MAX_CONNECTIONS,
        )
    raise ConfigurationError(
        f"http_backend must be one of {', '.join(HTTP_BACKENDS)}, not {backend!r}"
    )
