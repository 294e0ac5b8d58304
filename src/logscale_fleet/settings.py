"""Where the client's configuration comes from: arguments > environment > a clear error.

The environment follows this project's names first (`LOGSCALE_URL`, `LOGSCALE_TOKEN`, ...) and
falls back to humioctl's (`HUMIO_ADDRESS`, `HUMIO_TOKEN`, `HUMIO_CA_CERTIFICATE`) so machines set
up for the Go CLI work unchanged.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from logscale_fleet.errors import ConfigurationError

log = logging.getLogger("logscale_fleet")

URL_VARIABLES = ("LOGSCALE_URL", "HUMIO_ADDRESS")
TOKEN_VARIABLES = ("LOGSCALE_TOKEN", "HUMIO_TOKEN")
TOKEN_FILE_VARIABLES = ("LOGSCALE_TOKEN_FILE",)
# The order the README documents: this project's token, then its token file, then humioctl's.
TOKEN_SOURCES = ("LOGSCALE_TOKEN", "LOGSCALE_TOKEN_FILE", "HUMIO_TOKEN")
CA_CERT_VARIABLES = ("LOGSCALE_CA_CERT", "HUMIO_CA_CERTIFICATE")

GRAPHQL_PATH = "/graphql"
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 30.0
MAX_RETRIES_LIMIT = 10
# Far above any real API token, far below what a server accepts in one header.
MAX_TOKEN_LENGTH = 4096


class Secret(str):
    """A string whose repr does not show it (the API token)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


@dataclass(frozen=True)
class Timeouts:
    """Seconds for each phase of a request; every request has all four (no call can hang)."""

    connect: float = DEFAULT_CONNECT_TIMEOUT
    read: float = DEFAULT_TIMEOUT
    write: float = DEFAULT_TIMEOUT
    pool: float = DEFAULT_TIMEOUT

    @property
    def total(self) -> float:
        """The most one attempt may take: a server that drips bytes slowly enough to dodge the
        read timeout still cannot hold a call longer than this."""
        return self.pool + self.connect + self.write + self.read

    @classmethod
    def of(cls, timeout: float | Timeouts) -> Timeouts:
        """A single number sets read, write and pool; connect stays at most that number."""
        if isinstance(timeout, Timeouts):
            values = (timeout.connect, timeout.read, timeout.write, timeout.pool)
            if not all(_positive_finite(v) for v in values):
                raise ConfigurationError(f"timeouts must be positive numbers of seconds: {timeout}")
            return timeout
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise ConfigurationError(f"timeout must be a number of seconds, not {timeout!r}")
        if not _positive_finite(timeout):
            raise ConfigurationError(f"timeout must be a positive number of seconds, not {timeout}")
        seconds = float(timeout)
        return cls(min(DEFAULT_CONNECT_TIMEOUT, seconds), seconds, seconds, seconds)


def _positive_finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@dataclass(frozen=True)
class Settings:
    """Everything needed to talk to one LogScale; built by `resolve_settings`."""

    graphql_url: str
    token: Secret = field(repr=False)
    timeouts: Timeouts = field(default_factory=Timeouts)
    max_retries: int = 2
    ca_cert: str | None = None
    verify: bool = True

    @property
    def base_url(self) -> str:
        return self.graphql_url[: -len(GRAPHQL_PATH)]


def first_set(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first of these variables that holds a value (blank counts as unset), and the value."""
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return name, value
    return None


def normalize_url(url: str, *, source: str = "url") -> str:
    """The GraphQL endpoint for a base URL (any path prefix kept) or a full `.../graphql` URL."""
    if not isinstance(url, str) or not url.strip():
        raise ConfigurationError(f"{source} is empty; give the LogScale base URL")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"{source} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise ConfigurationError(
            f"{source} must start with https:// or http://, e.g. https://cloud.humio.com"
        )
    if not parts.hostname:
        raise ConfigurationError(f"{source} has no host name")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(
            f"{source} must not carry credentials; pass the API token with --token or "
            "LOGSCALE_TOKEN"
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{source} must not have a query string or fragment")
    path = parts.path.rstrip("/")
    if not path.endswith(GRAPHQL_PATH):
        path += GRAPHQL_PATH
    if port == 0:
        raise ConfigurationError(f"{source} has port 0")
    result = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    _check_sendable(result, source)
    return result


def _check_sendable(url: str, source: str) -> None:
    """Refuse what the HTTP layer would refuse only at request time."""
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in url):
        raise ConfigurationError(f"{source} contains spaces or control characters")
    import httpx

    try:
        httpx.URL(url).host  # noqa: B018 - decoding the host checks IDNA and IPv6 literals
    except (httpx.InvalidURL, UnicodeError, ValueError) as exc:
        raise ConfigurationError(f"{source} is not a valid URL: {exc}") from None


def is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_token(token: str, source: str) -> Secret:
    """Reject tokens that cannot be a bearer token, without ever echoing the value."""
    token = token.strip()
    if not token:
        raise ConfigurationError(f"the API token from {source} is empty")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in token):
        raise ConfigurationError(
            f"the API token from {source} contains spaces or control characters; "
            "check for a stray line break or a pasted label"
        )
    if not token.isascii():
        # HTTP headers carry ASCII; httpx would fail at the first request instead.
        raise ConfigurationError(
            f"the API token from {source} contains non-ASCII characters; LogScale API tokens "
            "are ASCII"
        )
    if len(token) > MAX_TOKEN_LENGTH:
        raise ConfigurationError(
            f"the API token from {source} is {len(token)} characters long; LogScale API tokens "
            f"are far shorter (at most {MAX_TOKEN_LENGTH} accepted): is it the right file?"
        )
    return Secret(token)


def _user_path(path: str | os.PathLike[str], what: str, source: str) -> Path:
    """`path` with `~` expanded; an unusable path is a ConfigurationError naming `what`."""
    try:
        text = os.fspath(path)
        if "\x00" in text:
            raise ValueError("it contains a NUL character")
        return Path(text).expanduser()
    except (RuntimeError, ValueError, TypeError) as exc:
        # RuntimeError: expanduser of an unknown user's home (~nobody-here/...).
        raise ConfigurationError(f"{what} path from {source} is unusable: {exc}") from None


def read_token_file(path: str | os.PathLike[str], source: str) -> Secret:
    """The API token in `path`: a regular file (or `-` for stdin) of at most 64 KiB, so
    `/dev/zero`, a FIFO or a folder fails at once instead of eating memory or blocking."""
    from logscale_fleet._core.files import MAX_TOKEN_FILE_BYTES, read_input_file

    # `source` (the variable or argument) is not repeated: the path already names the file.
    del source
    content = read_input_file(path, what="token file", limit=MAX_TOKEN_FILE_BYTES, private=True)
    return check_token(content, f"token file {os.fspath(path)}")


def resolve_settings(
    url: str | None = None,
    token: str | None = None,
    *,
    token_file: str | os.PathLike[str] | None = None,
    timeout: float | Timeouts = DEFAULT_TIMEOUT,
    max_retries: int = 2,
    ca_cert: str | os.PathLike[str] | None = None,
    verify: bool = True,
    env: Mapping[str, str] | None = None,
    warn_insecure: bool = True,
) -> Settings:
    """Resolve arguments, then the environment; fail with an error naming what to set.

    `warn_insecure=False` is for the in-process sandbox, whose "http" never leaves the process.
    """
    env = os.environ if env is None else env

    if url is None:
        found = first_set(env, URL_VARIABLES)
        if found is None:
            raise ConfigurationError(
                "no LogScale URL: pass url= (CLI: --url) or set LOGSCALE_URL "
                "(or humioctl's HUMIO_ADDRESS)"
            )
        url_source, url = found
    else:
        url_source = "url"
    graphql_url = normalize_url(url, source=url_source)

    if token is not None:
        secret = check_token(token, "the token argument")
    elif token_file is not None:
        secret = read_token_file(token_file, "token_file")
    elif (found := first_set(env, TOKEN_SOURCES)) is not None:
        name, value = found
        secret = (
            read_token_file(value, name)
            if name in TOKEN_FILE_VARIABLES
            else check_token(value, name)
        )
    else:
        raise ConfigurationError(
            "no API token: pass token= or token_file= (CLI: --token-file) or set LOGSCALE_TOKEN "
            "(or LOGSCALE_TOKEN_FILE, or humioctl's HUMIO_TOKEN)"
        )

    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise ConfigurationError(f"max_retries must be a whole number, not {max_retries!r}")
    if not 0 <= max_retries <= MAX_RETRIES_LIMIT:
        raise ConfigurationError(f"max_retries must be between 0 and {MAX_RETRIES_LIMIT}")

    ca_path: str | None = None
    if ca_cert is not None:
        ca_path = _check_ca_cert(str(ca_cert), "ca_cert")
    elif (found := first_set(env, CA_CERT_VARIABLES)) is not None:
        ca_path = _check_ca_cert(found[1], found[0])

    settings = Settings(
        graphql_url=graphql_url,
        token=secret,
        timeouts=Timeouts.of(timeout),
        max_retries=max_retries,
        ca_cert=ca_path,
        verify=verify,
    )
    if warn_insecure:
        _warn_about_weak_transport(settings)
    return settings


def _check_ca_cert(value: str, source: str) -> str:
    """A CA bundle path, or PEM text (humioctl's HUMIO_CA_CERTIFICATE may hold either)."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    path = _user_path(value, "CA certificate", source)
    try:
        found = path.is_file()
    except OSError as exc:  # a name too long for the file system, say
        raise ConfigurationError(
            f"CA certificate path from {source} is unusable: {exc.strerror}"
        ) from None
    if not found:
        raise ConfigurationError(f"CA certificate file {path} (from {source}) does not exist")
    return str(path)


def _warn_about_weak_transport(settings: Settings) -> None:
    parts = urlsplit(settings.graphql_url)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname or ""):
        log.warning(
            "%s uses plain http to a non-loopback host: the API token travels in clear text",
            settings.graphql_url,
        )
    if not settings.verify:
        log.warning("TLS certificate verification is off for %s", settings.graphql_url)
