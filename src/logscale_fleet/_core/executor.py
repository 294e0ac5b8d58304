"""The one call path every operation takes: closed-client check, per-call options, the total
deadline, the retry loop, error mapping with secrets masked, and debug logging."""

from __future__ import annotations

import asyncio
import builtins
import json
import logging
import random
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from typing import Any, Protocol, TypeVar

from logscale_fleet._core.error_mapping import error_from_exception
from logscale_fleet._core.http import httpx_timeout
from logscale_fleet._core.operations import lookup
from logscale_fleet._core.redaction import MASK
from logscale_fleet._core.retry import RetryPolicy
from logscale_fleet.errors import (
    ClientClosedError,
    ConfigurationError,
    IncompatibleServerError,
    InvalidInputError,
    TimeoutError,
)
from logscale_fleet.settings import Settings, Timeouts
from logscale_graphql.client import Client

log = logging.getLogger("logscale_fleet")

T = TypeVar("T")

MAX_RETRIES_LIMIT = 10


class HttpClient(Protocol):
    """What FleetClient needs of an HTTP client you pass (an `httpx.AsyncClient` fits).

    A client that sets `enforces_attempt_deadline = True` (the aiohttp adapter) takes each
    attempt's whole deadline on itself: `post` then gets the attempt's `Timeouts` as `timeout`
    and must raise a bare `TimeoutError` when their `total` runs out. Any other client gets an
    `httpx.Timeout` for a per-call timeout, and the executor enforces the total around it.
    """

    async def post(self, url: str, *, content: bytes, headers: Mapping[str, str]) -> Any: ...

    async def get(self, url: str, *, headers: Mapping[str, str]) -> Any: ...

    async def aclose(self) -> None: ...


class RequestHeaders:
    """The headers every request carries, held so that no repr shows the API token.

    Not a Mapping on purpose: tools that dump a traceback's locals (pytest -l, Sentry) expand
    mappings item by item but show other objects by their repr, which masks Authorization.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    def items(self) -> Iterator[tuple[str, str]]:
        return iter(self._values.items())

    def __repr__(self) -> str:
        shown = {
            name: MASK if name.lower() in ("authorization", "proxy-authorization") else value
            for name, value in self._values.items()
        }
        return f"RequestHeaders({shown!r})"


class _LoggingClient(Client):
    """The generated client, logging each HTTP exchange (operation, status, duration only);
    used while DEBUG is on for this package's logger."""

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        started = time.perf_counter()
        response = await super().execute(query, operation_name, variables, **kwargs)
        log.debug(
            "%s -> HTTP %s in %.1f ms",
            operation_name,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response


class Executor:
    """Sends operations for one FleetClient; resources call `run`, nothing else sends."""

    def __init__(self, settings: Settings, http_client: HttpClient, headers: RequestHeaders):
        self.settings = settings
        self.http_client = http_client
        self.headers = headers
        self.client = Client(settings.graphql_url, http_client)
        # Chosen per call, so logging configured after the client still logs; the plain one
        # spares every other call the subclass's extra frame.
        self._logging_client = _LoggingClient(settings.graphql_url, http_client)
        # aiohttp runs a deadline timer for every request anyway; a second one of ours around
        # it cost more per call than the rest of the executor (bench/aiohttp_layers.py).
        self._transport_deadline = getattr(http_client, "enforces_attempt_deadline", False) is True
        self.retry = RetryPolicy(max_retries=settings.max_retries)
        self.closed = False
        # Named in IncompatibleServerError messages; None where a URL would mean nothing.
        self.server_url: str | None = settings.base_url
        self._rng = random.Random()  # noqa: S311 - retry jitter, not cryptography
        # Replaceable in tests, which count and skip the waits.
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        # What polled reads measure their deadline with; replaceable in tests like `sleep`.
        self.clock: Callable[[], float] = time.monotonic

    def __repr__(self) -> str:
        return f"Executor(url={self.settings.graphql_url!r})"

    def run(
        self,
        operation: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        **arguments: Any,
    ) -> Coroutine[Any, Any, Any]:
        """Send `operation` through its generated method (found through the registry); await
        the result. A plain function handing over `call`'s coroutine: one frame less for every
        resume of every request."""
        method = lookup(operation).method
        if method is None:
            raise LookupError(f"{operation} has no generated method; use Executor.call")
        client = self._logging_client if log.isEnabledFor(logging.DEBUG) else self.client
        send: Callable[..., Awaitable[Any]] = getattr(client, method)
        return self.call(operation, send, timeout=timeout, max_retries=max_retries, **arguments)

    async def call(
        self,
        operation: str,
        send: Callable[..., Awaitable[T]],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        **arguments: Any,
    ) -> T:
        """Send one operation with the retry policy; `send` gets `arguments`, `headers` (a
        RequestHeaders) and, for a per-call timeout, `timeout`."""
        if self.closed:
            raise ClientClosedError(operation)
        entry = lookup(operation)
        options: dict[str, Any] = {"headers": self.headers}
        timeouts = self.settings.timeouts
        if timeout is not None:
            try:
                timeouts = Timeouts.of(timeout)
            except ConfigurationError as exc:
                # A per-call argument: bad input to this call, not a broken configuration.
                raise InvalidInputError("timeout", exc.message) from None
            options["timeout"] = timeouts if self._transport_deadline else httpx_timeout(timeouts)
        policy = self.retry
        if max_retries is not None:
            policy = RetryPolicy(max_retries=_validate_retries(max_retries))
        attempt = 0
        while True:
            attempt_started = time.monotonic()
            try:
                if self._transport_deadline:
                    return await send(**arguments, **options)
                return await _within(timeouts.total, send(**arguments, **options))
            except Exception as exc:
                if type(exc) in (asyncio.TimeoutError, builtins.TimeoutError):
                    exc = TimeoutError(
                        f"{operation} took longer than its total limit of {timeouts.total:g} s",
                        operation=operation,
                        request_sent=True,
                    )
                # Only a failure needs the secrets (to mask them in its message).
                secrets = (
                    self.settings.token,
                    *(
                        value
                        for name in entry.policy.secret_arguments
                        if isinstance(value := arguments.get(name), str)
                    ),
                )
                error = error_from_exception(exc, operation=operation, secrets=secrets)
                if error is None:
                    raise
                if isinstance(error, IncompatibleServerError):
                    left = timeouts.total - (time.monotonic() - attempt_started)
                    error = await self._name_the_server(error, seconds=left)
                if not policy.should_retry(error, operation, attempt):
                    if attempt:
                        log.debug(
                            "%s failed after %d retries: %s",
                            operation,
                            attempt,
                            type(error).__name__,
                        )
                    raise error from _debuggable_cause(exc)
                delay = policy.delay(error, attempt, self._rng)
                attempt += 1
                log.debug(
                    "%s: %s; retry %d of %d in %.2f s",
                    operation,
                    type(error).__name__,
                    attempt,
                    policy.max_retries,
                    delay,
                    # Structured copies for handlers that count retries (see the chaos test).
                    extra={"operation": operation, "retry": attempt, "error": type(error).__name__},
                )
                await self.sleep(delay)

    async def _name_the_server(
        self, error: IncompatibleServerError, *, seconds: float
    ) -> IncompatibleServerError:
        """`error` naming this server's URL and, if it answers within what is left of the
        attempt's deadline, its version: one status request, no retries, never a new error."""
        version: str | None = None
        if seconds > 0:
            try:
                response = await _within(
                    seconds,
                    self.http_client.get(
                        f"{self.settings.base_url}/api/v1/status",
                        headers=dict(self.headers.items()),
                    ),
                )
                found = json.loads(response.content).get("version")
                # It goes into a one-line message: short, printable text or nothing.
                ok = isinstance(found, str) and found.isprintable()
                version = found[:64] if ok else None
            except Exception:  # noqa: S110 - best effort: the incompatibility is the error
                pass
        return error.for_server(version=version, url=self.server_url)


async def _within(seconds: float, call: Awaitable[T]) -> T:
    """Await `call`, cancelling it after `seconds` (asyncio.TimeoutError)."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            return await call
    return await asyncio.wait_for(call, seconds)  # pragma: no cover - Python 3.10


def _validate_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES_LIMIT:
        raise InvalidInputError("max_retries", "must be a whole number from 0 to 10")
    return value


def _debuggable_cause(exc: BaseException) -> BaseException | None:
    """Keep transport exceptions as the cause (their text holds no secrets); drop the rest,
    whose reprs quote response bodies and model inputs."""
    import httpx

    return exc if isinstance(exc, httpx.TransportError) else None
