"""FleetClient: the facade users import.

It owns settings, the HTTP client and the lifecycle, and gives one attribute per resource
(`install_tokens`, `configurations`, `groups`, `collectors`, `installers`); policy shared by all
of them (retries, errors, deadline, paging, polling) lives in `logscale_fleet._core`, and no
GraphQL is written here: every operation is in `queries/`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from logscale_fleet._core.executor import Executor, HttpClient, RequestHeaders
from logscale_fleet._core.http import (
    HttpBackend,
    build_http_client,
    httpx_timeout,
    request_headers,
)
from logscale_fleet._core.introspection import sdl_from_introspection
from logscale_fleet._core.operations import INTROSPECTION, STATUS
from logscale_fleet.resources.collectors import Collectors
from logscale_fleet.resources.configurations import Configurations
from logscale_fleet.resources.groups import Groups
from logscale_fleet.resources.install_tokens import EnsureOutcome, InstallTokens
from logscale_fleet.resources.installers import Installers
from logscale_fleet.settings import DEFAULT_TIMEOUT, Settings, Timeouts, resolve_settings

if TYPE_CHECKING:
    from logscale_fleet.reconcile import ApplyResult, ChangeEvent, Declaration, Plan
    from logscale_graphql.fragments import ConfigurationFields, InstallTokenFields

    InstallToken = InstallTokenFields
    Configuration = ConfigurationFields


class FleetClient:
    """Async client for LogScale Fleet Management.

    Configuration comes from the arguments, else the environment (`LOGSCALE_URL`,
    `LOGSCALE_TOKEN`, `LOGSCALE_TOKEN_FILE`, `LOGSCALE_CA_CERT`, falling back to humioctl's
    `HUMIO_ADDRESS`, `HUMIO_TOKEN`, `HUMIO_CA_CERTIFICATE`), else `ConfigurationError`.

    Use it as an async context manager (or call `aclose()`); it owns its HTTP connections unless
    you pass `http_client`, which stays yours to close. After `aclose()` every call raises
    `ClientClosedError`.
    """

    install_tokens: InstallTokens
    configurations: Configurations
    groups: Groups
    collectors: Collectors
    installers: Installers

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
        http_client: HttpClient | None = None,
        http_backend: HttpBackend = "httpx",
        profile: str | None = None,
    ) -> None:
        settings = resolve_settings(
            url,
            token,
            token_file=token_file,
            timeout=timeout,
            max_retries=max_retries,
            ca_cert=ca_cert,
            verify=verify,
            profile=profile,
        )
        self._setup(settings, http_client, http_backend)

    def _setup(
        self, settings: Settings, http_client: HttpClient | None, http_backend: HttpBackend
    ) -> None:
        self._settings = settings
        self._owns_http_client = http_client is None
        http: HttpClient = http_client or build_http_client(settings, http_backend)
        headers = RequestHeaders(request_headers(settings, http_backend))
        self._executor = Executor(settings, http, headers)
        self._on_close: Callable[[], None] | None = None
        self.source = "LogScale"
        self.install_tokens = InstallTokens(self._executor, self._ensure_token)
        self.configurations = Configurations(self._executor)
        self.groups = Groups(self._executor)
        self.collectors = Collectors(self._executor)
        self.installers = Installers(self._executor)

    @classmethod
    def _from_settings(
        cls, settings: Settings, http_client: HttpClient, on_close: Callable[[], None]
    ) -> FleetClient:
        """A client over an HTTP client it owns (closed with it), configured by `settings`."""
        client = cls.__new__(cls)
        client._setup(settings, http_client, "httpx")
        client._owns_http_client = True
        client._on_close = on_close
        return client

    @property
    def url(self) -> str:
        """The GraphQL endpoint this client talks to."""
        return self._settings.graphql_url

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def is_closed(self) -> bool:
        """True after `aclose()`; every call then raises ClientClosedError."""
        return self._executor.closed

    def __repr__(self) -> str:
        return (
            f"FleetClient(url={self.url!r}, token='***', "
            f"max_retries={self._executor.retry.max_retries})"
        )

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
        if self._executor.closed:
            return
        self._executor.closed = True
        if self._owns_http_client:
            await self._executor.http_client.aclose()
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
        client = cls._from_settings(
            settings,
            embedded.http_client(timeout=httpx_timeout(settings.timeouts)),
            embedded.close,
        )
        client.source = "sandbox"
        # Errors name no URL for it: the in-process sandbox's address means nothing to a user.
        client._executor.server_url = None
        return client

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
            # Looked up at each wait: tests replace the executor's sleep to skip waits.
            sleep=lambda seconds: self._executor.sleep(seconds),
            result=result,
        )

    async def _ensure_token(
        self, tokens: InstallTokens, name: str, config_id: str | None, options: dict[str, Any]
    ) -> EnsureOutcome:
        """`install_tokens.ensure`: a one-item plan through the engine."""
        from logscale_fleet.reconcile.ensure import ensure_token

        return await ensure_token(
            tokens,
            self.configurations,
            self.groups,
            name,
            config_id,
            options=options,
            wait=self._settings.timeouts.read,
            sleep=lambda seconds: self._executor.sleep(seconds),
        )

    # -- the server itself ----------------------------------------------------------------

    async def fetch_schema_sdl(
        self, *, timeout: float | Timeouts | None = None, max_retries: int | None = None
    ) -> str:
        """The server's whole GraphQL schema as SDL, descriptions included (they carry
        LogScale's stability levels). Used by `logscale-fleet schema pull --url`."""
        from graphql import get_introspection_query

        graphql = self._executor.client

        async def introspect(**kwargs: Any) -> dict[str, Any]:
            response = await graphql.execute(
                query=get_introspection_query(descriptions=True),
                operation_name=INTROSPECTION,
                **kwargs,
            )
            return graphql.get_data(response)

        result = await self._executor.call(
            INTROSPECTION, introspect, timeout=timeout, max_retries=max_retries
        )
        return sdl_from_introspection(result, operation=INTROSPECTION)

    async def server_version(
        self, *, timeout: float | Timeouts | None = None, max_retries: int | None = None
    ) -> str | None:
        """The LogScale version from `GET /api/v1/status`, or None if it does not say."""
        http = self._executor.http_client
        url = f"{self._settings.base_url}/api/v1/status"

        async def status(headers: RequestHeaders, **_: Any) -> Any:
            return await http.get(url, headers=dict(headers.items()))

        response = await self._executor.call(
            STATUS, status, timeout=timeout, max_retries=max_retries
        )
        if not 200 <= response.status_code < 300:
            return None
        try:
            version = json.loads(response.content).get("version")
        except (ValueError, AttributeError, RecursionError):
            return None
        return version if isinstance(version, str) else None


__all__ = ["EnsureOutcome", "FleetClient"]
