"""FleetClient: the facade users import.

It adds policy around the generated client (settings, HTTP, retries, typed errors, input checks,
pagination, idempotent ensure) and no GraphQL of its own: every operation is in `queries/`.
"""

from __future__ import annotations

import asyncio
import builtins
import json
import logging
import os
import random
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from logscale_fleet import _validate
from logscale_fleet._http import HttpBackend, build_http_client, httpx_timeout, request_headers
from logscale_fleet._retry import RetryPolicy
from logscale_fleet.errors import (
    ConfigurationError,
    InvalidInputError,
    InvalidResponseError,
    ServerError,
    TimeoutError,
    TransportError,
    error_from_exception,
)
from logscale_fleet.settings import DEFAULT_TIMEOUT, Settings, Timeouts, resolve_settings
from logscale_graphql.client import Client
from logscale_graphql.enums import FleetInstallationTokens__SortBy, OrderBy

if TYPE_CHECKING:
    from logscale_fleet.reconcile import ApplyResult, ChangeEvent, Declaration, Plan
    from logscale_graphql.fragments import ConfigurationFields, InstallTokenFields

    InstallToken = InstallTokenFields
    Configuration = ConfigurationFields

log = logging.getLogger("logscale_fleet")

T = TypeVar("T")
SortBy = Literal["name", "config"] | FleetInstallationTokens__SortBy
Order = Literal["asc", "desc"] | OrderBy

_SORT_BY = {
    "name": FleetInstallationTokens__SortBy.Name,
    "config": FleetInstallationTokens__SortBy.ConfigName,
}
_ORDER = {"asc": OrderBy.ASC, "desc": OrderBy.DESC}
_CONFIG_PAGE_SIZE = 200


@dataclass(frozen=True)
class EnsureOutcome:
    """What `reconcile_install_token` did to reach the declared token."""

    token: InstallToken
    action: Literal["created", "updated", "unchanged"]


class _LoggingClient(Client):
    """The generated client, logging each HTTP exchange (operation, status, duration only)."""

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        started = time.perf_counter()
        response = await super().execute(query, operation_name, variables, **kwargs)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s -> HTTP %s in %.1f ms",
                operation_name,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
        return response


class FleetClient:
    """Async client for LogScale Fleet Management installation tokens.

    Configuration comes from the arguments, else the environment (`LOGSCALE_URL`,
    `LOGSCALE_TOKEN`, `LOGSCALE_TOKEN_FILE`, `LOGSCALE_CA_CERT`, falling back to humioctl's
    `HUMIO_ADDRESS`, `HUMIO_TOKEN`, `HUMIO_CA_CERTIFICATE`), else `ConfigurationError`.

    Use it as an async context manager (or call `aclose()`); it owns its HTTP connections unless
    you pass `http_client`, which stays yours to close.
    """

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        token_file: str | os.PathLike[str] | None = None,
        timeout: float | Timeouts = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        ca_cert: str | os.PathLike[str] | None = None,
        verify: bool = True,
        http_client: Any | None = None,
        http_backend: HttpBackend = "httpx",
        _settings: Settings | None = None,
    ) -> None:
        self._settings = _settings or resolve_settings(
            url,
            token,
            token_file=token_file,
            timeout=timeout,
            max_retries=max_retries,
            ca_cert=ca_cert,
            verify=verify,
        )
        self._owns_http_client = http_client is None
        self._http_client = http_client or build_http_client(self._settings, http_backend)
        self._on_close: Callable[[], None] | None = None
        self._client = _LoggingClient(self._settings.graphql_url, self._http_client)
        self._headers = request_headers(self._settings, http_backend)
        self._retry = RetryPolicy(max_retries=self._settings.max_retries)
        self._rng = random.Random()  # noqa: S311 - retry jitter, not cryptography
        self._ensure_locks: dict[str, asyncio.Lock] = {}
        # Replaceable in tests, which count and skip the waits.
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self.source = "LogScale"

    @property
    def url(self) -> str:
        """The GraphQL endpoint this client talks to."""
        return self._settings.graphql_url

    @property
    def settings(self) -> Settings:
        return self._settings

    def __repr__(self) -> str:
        return f"FleetClient(url={self.url!r}, token='***', max_retries={self._retry.max_retries})"

    async def __aenter__(self) -> FleetClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http_client:
            await self._http_client.aclose()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    @classmethod
    def sandbox(
        cls,
        state_file: str | os.PathLike[str] | None = None,
        *,
        timeout: float | Timeouts = DEFAULT_TIMEOUT,
        max_retries: int = 2,
    ) -> FleetClient:
        """A client for the built-in sandbox, run inside this process (no server, no token).

        State persists in `state_file` (default: the user's data directory, or
        `$LOGSCALE_FLEET_SANDBOX_DB`; `":memory:"` for a throwaway one). Needs the `sandbox`
        extra. `client.source` is `"sandbox"` so callers can say where results came from.
        """
        from logscale_fleet.sandbox.embedded import open_embedded

        embedded = open_embedded(None if state_file is None else os.fspath(state_file))
        settings = resolve_settings(
            embedded.base_url,
            embedded.token,
            timeout=timeout,
            max_retries=max_retries,
            env={},
            warn_insecure=False,
        )
        client = cls(
            _settings=settings,
            http_client=embedded.http_client(timeout=httpx_timeout(settings.timeouts)),
        )
        client._owns_http_client = True
        client._on_close = embedded.close
        client.source = "sandbox"
        return client

    # -- the one place every call goes through -------------------------------------------

    async def _call(
        self,
        operation: str,
        send: Callable[..., Awaitable[T]],
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
        secret: str | None = None,
        **arguments: Any,
    ) -> T:
        """Send one operation with the retry policy; `secret` (an install token the call
        carries) is masked, like the API token, in any error text."""
        options: dict[str, Any] = {"headers": self._headers}
        timeouts = self._settings.timeouts
        if timeout is not None:
            try:
                timeouts = Timeouts.of(timeout)
            except ConfigurationError as exc:
                # A per-call argument: bad input to this call, not a broken configuration.
                raise InvalidInputError("timeout", exc.message) from None
            options["timeout"] = httpx_timeout(timeouts)
        policy = self._retry
        if max_retries is not None:
            policy = RetryPolicy(max_retries=_validate_retries(max_retries))
        attempt = 0
        while True:
            try:
                return await _within(timeouts.total, send(**arguments, **options))
            except Exception as exc:
                if type(exc) in (asyncio.TimeoutError, builtins.TimeoutError):
                    exc = TimeoutError(
                        f"{operation} took longer than its total limit of {timeouts.total:g} s",
                        operation=operation,
                        request_sent=True,
                    )
                secrets = (self._settings.token, secret) if secret else (self._settings.token,)
                error = error_from_exception(exc, operation=operation, secrets=secrets)
                if error is None:
                    raise
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
                await self._sleep(delay)

    # -- install tokens ------------------------------------------------------------------

    async def create_install_token(
        self, name: str, config_id: str | None = None, **options: Any
    ) -> InstallToken:
        """Create an install token. Never resent after an ambiguous failure: a create that may
        have reached the server raises, and `ensure_install_token` is the safe way to retry."""
        _validate.check_name(name)
        variables: dict[str, Any] = {"name": name}
        if config_id is not None:
            variables["config_id"] = _validate.check_id(config_id, "config_id")
        result = await self._call(
            "CreateFleetInstallToken",
            self._client.create_fleet_install_token,
            **variables,
            **options,
        )
        return result.create_fleet_install_token

    async def get_install_token(self, token: str, **options: Any) -> InstallToken | None:
        """The token with this value, or None."""
        _validate.check_id(token, "token")
        result = await self._call(
            "FleetInstallationToken",
            self._client.fleet_installation_token,
            token=token,
            secret=token,
            **options,
        )
        return result.fleet_installation_token

    async def list_install_tokens(self, **options: Any) -> list[InstallToken]:
        """Every install token, in one request."""
        result = await self._call(
            "FleetInstallationTokens", self._client.fleet_installation_tokens, **options
        )
        return list(result.fleet_installation_tokens)

    async def iter_install_tokens(
        self,
        page_size: int = 100,
        sort_by: SortBy = "name",
        order: Order = "asc",
        **options: Any,
    ) -> AsyncIterator[InstallToken]:
        """Every install token, a page at a time (searchFleetInstallationTokens)."""
        _validate.check_page_size(page_size)
        sort = _choose("sort_by", sort_by, _SORT_BY)
        direction = _choose("order", order, _ORDER)
        skip = 0
        seen: set[str] = set()
        while True:
            page = await self._call(
                "SearchFleetInstallationTokens",
                self._client.search_fleet_installation_tokens,
                skip=skip,
                limit=page_size,
                sort_by=sort,
                order_by=direction,
                **options,
            )
            results = page.search_fleet_installation_tokens.results
            for token in results:
                # Offsets shift when tokens are created or deleted between pages; never yield
                # the same token twice.
                if token.token not in seen:
                    seen.add(token.token)
                    yield token
            skip += len(results)
            if (
                len(results) < page_size
                or skip >= page.search_fleet_installation_tokens.total_results
            ):
                return

    async def default_install_token(self, **options: Any) -> InstallToken | None:
        result = await self._call(
            "DefaultFleetInstallationToken",
            self._client.default_fleet_installation_token,
            **options,
        )
        return result.default_fleet_installation_token

    async def rename_install_token(self, token: str, new_name: str, **options: Any) -> InstallToken:
        _validate.check_id(token, "token")
        _validate.check_name(new_name, "new_name")
        result = await self._call(
            "UpdateFleetInstallTokenName",
            self._client.update_fleet_install_token_name,
            token=token,
            secret=token,
            name=new_name,
            **options,
        )
        return result.update_fleet_install_token_name

    async def assign_configuration(
        self, token: str, config_id: str | None, **options: Any
    ) -> InstallToken:
        """Assign a collector configuration to the token; None unassigns it."""
        _validate.check_id(token, "token")
        if config_id is not None:
            _validate.check_id(config_id, "config_id")
        result = await self._call(
            "UpdateFleetInstallTokenConfigId",
            self._client.update_fleet_install_token_config_id,
            token=token,
            secret=token,
            config_id=config_id,
            **options,
        )
        return result.update_fleet_install_token_config_id

    async def delete_install_token(self, token: str, **options: Any) -> bool:
        _validate.check_id(token, "token")
        result = await self._call(
            "DeleteFleetInstallToken",
            self._client.delete_fleet_install_token,
            token=token,
            secret=token,
            **options,
        )
        return result.delete_fleet_install_token

    async def find_install_tokens(self, name: str, **options: Any) -> list[InstallToken]:
        """Every token with exactly this name (names are not unique in LogScale)."""
        _validate.check_name(name)
        return [t for t in await self.list_install_tokens(**options) if t.name == name]

    async def ensure_install_token(
        self, name: str, config_id: str | None = None, **options: Any
    ) -> tuple[InstallToken, bool]:
        """The token named `name` with configuration `config_id` (None: no configuration).

        Returns `(token, created)`. An existing token is reused (and reassigned if its
        configuration differs); otherwise one is created. Re-running creates nothing twice,
        also after a create that failed ambiguously (the name is looked up before giving up).
        More than one existing token with the name is an `InvalidInputError`.
        `reconcile_install_token` does the same and also says whether it updated anything.
        """
        outcome = await self.reconcile_install_token(name, config_id, **options)
        return outcome.token, outcome.action == "created"

    async def reconcile_install_token(
        self, name: str, config_id: str | None = None, **options: Any
    ) -> EnsureOutcome:
        """`ensure_install_token`, reporting what it did: created, updated or unchanged."""
        _validate.check_name(name)
        if config_id is not None:
            _validate.check_id(config_id, "config_id")
        # Two concurrent ensures of one name in this process must not both create.
        lock = self._ensure_locks.setdefault(name, asyncio.Lock())
        async with lock:
            existing = await self._single_token_named(name, **options)
            if existing is not None:
                return await self._reconcile_configuration(existing, config_id, **options)
            try:
                created = await self.create_install_token(name, config_id, **options)
                return EnsureOutcome(created, "created")
            except (TransportError, ServerError) as error:
                if isinstance(error, TransportError) and not error.request_sent:
                    raise
                # The create may have landed: look before reporting failure.
                log.debug("CreateFleetInstallToken failed ambiguously; looking the name up")
                landed = await self._single_token_named(name, **options)
                if landed is None and isinstance(error, TimeoutError):
                    # A create that timed out may still be running on the server; give it as
                    # long again as we waited before concluding it did not land.
                    await self._sleep(self._settings.timeouts.read)
                    landed = await self._single_token_named(name, **options)
                if landed is None:
                    raise
                outcome = await self._reconcile_configuration(landed, config_id, **options)
                return EnsureOutcome(outcome.token, "created")

    async def _single_token_named(self, name: str, **options: Any) -> InstallToken | None:
        matches = await self.find_install_tokens(name, **options)
        if len(matches) > 1:
            raise InvalidInputError(
                "name",
                f"{len(matches)} install tokens are already named {name!r}; ensure needs a "
                "unique name (rename or delete the extras)",
            )
        return matches[0] if matches else None

    async def _reconcile_configuration(
        self, token: InstallToken, config_id: str | None, **options: Any
    ) -> EnsureOutcome:
        current = token.assigned_configuration.id if token.assigned_configuration else None
        if current == config_id:
            return EnsureOutcome(token, "unchanged")
        updated = await self.assign_configuration(token.token, config_id, **options)
        return EnsureOutcome(updated, "updated")

    # -- fleet as code (the engine is in logscale_fleet.reconcile) -------------------------

    async def plan(self, declaration: Declaration, prune: bool = False) -> Plan:
        """The changes that make the server match `declaration` (reads run in parallel).
        With `prune`, undeclared resources of a declared kind are deleted, never the default
        install token. Plain data: `plan.to_dict()` is JSON, secrets masked."""
        from logscale_fleet.reconcile.planner import make_plan

        return await make_plan(self, declaration, prune=prune)

    async def apply(
        self,
        plan: Plan,
        *,
        concurrency: int = 16,
        on_change: Callable[[ChangeEvent], None] | None = None,
        max_deletes: int = 10,
        result: ApplyResult | None = None,
    ) -> ApplyResult:
        """Make the plan's changes in dependency order, `concurrency` at a time; refuses a plan
        deleting more than `max_deletes`. A failure raises `ApplyError`, whose `result` says
        what was done; pass `result` to keep that also when the run is cancelled."""
        from logscale_fleet.reconcile.apply import apply_plan

        return await apply_plan(
            self,
            plan,
            concurrency=concurrency,
            on_change=on_change,
            max_deletes=max_deletes,
            ambiguous_wait=self._settings.timeouts.read,
            sleep=lambda seconds: self._sleep(seconds),
            result=result,
        )

    # -- the server itself ----------------------------------------------------------------

    async def fetch_schema_sdl(self, **options: Any) -> str:
        """The server's whole GraphQL schema as SDL, descriptions included (they carry
        LogScale's stability levels). Used by `logscale-fleet schema pull --url`."""
        from graphql import build_client_schema, get_introspection_query, print_schema

        async def introspect(**kwargs: Any) -> dict[str, Any]:
            response = await self._client.execute(
                query=get_introspection_query(descriptions=True),
                operation_name="IntrospectionQuery",
                **kwargs,
            )
            return self._client.get_data(response)

        result = await self._call("IntrospectionQuery", introspect, **options)
        try:
            schema = build_client_schema(result)  # type: ignore[arg-type]
        except (TypeError, ValueError, KeyError) as exc:
            raise InvalidResponseError(
                f"the introspection answer is not a usable schema: {exc}",
                operation="IntrospectionQuery",
            ) from None
        return print_schema(schema)

    async def server_version(self, **options: Any) -> str | None:
        """The LogScale version from `GET /api/v1/status`, or None if it does not say."""

        async def status(**kwargs: Any) -> Any:
            return await self._http_client.get(
                f"{self._settings.base_url}/api/v1/status", headers=kwargs.get("headers")
            )

        response = await self._call("Status", status, **options)
        if not 200 <= response.status_code < 300:
            return None
        try:
            version = json.loads(response.content).get("version")
        except (ValueError, AttributeError):
            return None
        return version if isinstance(version, str) else None

    # -- collector configurations --------------------------------------------------------

    async def list_configurations(
        self, search: str | None = None, **options: Any
    ) -> list[Configuration]:
        """Every log collector configuration, optionally only those matching `search`."""
        if search is not None and not isinstance(search, str):
            raise InvalidInputError("search", "must be a string")
        found: list[Configuration] = []
        while True:
            page = await self._call(
                "SearchLogCollectorConfigurations",
                self._client.search_log_collector_configurations,
                search_filter=search,
                skip=len(found),
                limit=_CONFIG_PAGE_SIZE,
                **options,
            )
            results = page.search_log_collector_configurations.results
            found.extend(results)
            total = page.search_log_collector_configurations.total_results
            if len(results) < _CONFIG_PAGE_SIZE or len(found) >= total:
                return found

    async def get_configuration(self, config_id: str, **options: Any) -> Configuration:
        _validate.check_id(config_id, "config_id")
        result = await self._call(
            "LogCollectorConfiguration",
            self._client.log_collector_configuration,
            id=config_id,
            **options,
        )
        return result.log_collector_configuration


async def _within(seconds: float, call: Awaitable[T]) -> T:
    """Await `call`, cancelling it after `seconds` (asyncio.TimeoutError)."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            return await call
    return await asyncio.wait_for(call, seconds)  # pragma: no cover - Python 3.10


def _choose(argument: str, value: Any, choices: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.lower() in choices:
        return choices[value.lower()]
    if value in choices.values():
        return value
    raise InvalidInputError(argument, f"must be one of {', '.join(choices)}")


def _validate_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidInputError("max_retries", "must be a whole number from 0 to 10")
    return value


def _debuggable_cause(exc: BaseException) -> BaseException | None:
    """Keep transport exceptions as the cause (their text holds no secrets); drop the rest,
    whose reprs quote response bodies and model inputs."""
    import httpx

    return exc if isinstance(exc, httpx.TransportError) else None


__all__ = ["EnsureOutcome", "FleetClient"]
