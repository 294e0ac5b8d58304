"""Proxy settings from the environment, checked once, read the same way on both wire paths.

Both wire paths honour `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY` (any case, lowercase first)
and `NO_PROXY`, as httpx does with `trust_env=True`: the httpx path lets httpx apply them, and the
aiohttp path (whose own `trust_env` would also read ~/.netrc) gets the proxy this module picks
for the target. Every variable set is checked up front, also those the target does not use
(httpx builds a transport for each), so a bad value is a ConfigurationError naming the variable
when the client is built, not an ImportError, ValueError or InvalidURL at some later request.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from logscale_fleet.errors import ConfigurationError
from logscale_fleet.settings import is_loopback_host

log = logging.getLogger("logscale_fleet")

# The proxy keys httpx reads, in the order a target falls back through them.
PROXY_KEYS = ("http", "https", "all")
SOCKS_SCHEMES = ("socks5", "socks5h")


@dataclass(frozen=True)
class Proxy:
    variable: str  # the environment variable it came from
    url: str  # with any credentials: only ever handed to the HTTP library

    @property
    def shown(self) -> str:
        """The URL without user info (proxy credentials), for messages."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port is not None else ""
        return urlunsplit((parts.scheme, host + port, parts.path, "", ""))

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme


def environment_proxies(backend: str, env: Mapping[str, str] | None = None) -> dict[str, Proxy]:
    """Every proxy variable set ("http", "https", "all" -> Proxy), each checked for `backend`."""
    env = os.environ if env is None else env
    found: dict[str, Proxy] = {}
    for key in PROXY_KEYS:
        named = _variable(env, f"{key}_proxy")
        if named is not None:
            found[key] = _checked(named[0], named[1], backend)
    return found


def proxy_for(target_url: str, backend: str, env: Mapping[str, str] | None = None) -> Proxy | None:
    """The proxy a request to `target_url` goes through, or None (direct, or NO_PROXY)."""
    env = os.environ if env is None else env
    proxies = environment_proxies(backend, env)
    parts = urlsplit(target_url)
    chosen = proxies.get(parts.scheme) or proxies.get("all")
    if chosen is None or _bypassed(parts.hostname or "", env):
        return None
    return chosen


def warn_about_clear_text_proxy(target_url: str, proxy: Proxy | None) -> None:
    """Warn when the API token travels in clear text to a plain-http proxy off this machine.

    Only for plain-http targets: an https target goes through a CONNECT tunnel, so the proxy
    sees the host name, never the headers.
    """
    if proxy is None or proxy.scheme != "http":
        return
    if urlsplit(target_url).scheme != "http":
        return
    if is_loopback_host(urlsplit(proxy.url).hostname or ""):
        return
    log.warning(
        "%s goes through the plain http proxy %s (from %s): the API token travels in clear "
        "text to the proxy",
        target_url,
        proxy.shown,
        proxy.variable,
    )


def _variable(env: Mapping[str, str], name: str) -> tuple[str, str] | None:
    # Lowercase first, as urllib and httpx prefer it; empty means unset.
    candidates = [name] + [n for n in env if n.lower() == name and n != name]
    for candidate in candidates:
        value = env.get(candidate, "").strip()
        if value:
            return candidate, value
    return None


def _checked(variable: str, value: str, backend: str) -> Proxy:
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in value):
        raise ConfigurationError(f"{variable} contains spaces or control characters")
    # httpx reads a value without a scheme as an http proxy.
    url = value if "://" in value else f"http://{value}"
    try:
        parts = urlsplit(url)
        port = parts.port  # reading it checks it (ValueError if out of range)
    except ValueError as exc:
        raise ConfigurationError(f"{variable} is not a valid proxy URL: {exc}") from None
    if not parts.hostname:
        raise ConfigurationError(f"{variable} is not a valid proxy URL: it has no host")
    if port == 0:
        raise ConfigurationError(f"{variable} is not a valid proxy URL: it has port 0")
    scheme = parts.scheme.lower()
    if scheme in SOCKS_SCHEMES:
        if backend == "aiohttp":
            raise ConfigurationError(
                f"{variable} names a SOCKS proxy, which the aiohttp wire path does not "
                'support: use an http:// proxy, or http_backend="httpx" with socksio installed'
            )
        if importlib.util.find_spec("socksio") is None:
            raise ConfigurationError(
                f"{variable} names a SOCKS proxy, which needs the socksio package: "
                'pip install "httpx[socks]", or use an http:// proxy'
            )
    elif scheme not in ("http", "https"):
        raise ConfigurationError(
            f"{variable} must be an http://, https:// or socks5:// proxy URL, not {scheme}://"
        )
    import httpx

    try:
        httpx.URL(url).host  # noqa: B018 - decoding the host checks IDNA and IPv6 literals
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise ConfigurationError(f"{variable} is not a valid proxy URL: {exc}") from None
    return Proxy(variable, url)


def _bypassed(host: str, env: Mapping[str, str]) -> bool:
    """NO_PROXY as httpx reads it: `*`, or names matching the host or a domain above it."""
    named = _variable(env, "no_proxy")
    if named is None:
        return False
    host = host.lower().strip("[]")
    for entry in named[1].split(","):
        entry = entry.strip().lower()
        if "://" in entry:
            entry = urlsplit(entry).hostname or ""
        entry = entry.strip("[]")
        if entry == "*":
            return True
        if not entry:
            continue
        if entry.startswith("."):
            if host.endswith(entry):
                return True
        elif host == entry or host.endswith(f".{entry}"):
            return True
    return False
