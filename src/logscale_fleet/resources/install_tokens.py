"""`fleet.install_tokens`: create, read, page through, rename, reassign, delete and ensure
LogScale Fleet installation tokens. A token has no id: its `token` value identifies it."""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from logscale_fleet._core import validation
from logscale_fleet._core.executor import Executor
from logscale_fleet._core.paging import searched
from logscale_fleet.errors import InvalidInputError
from logscale_fleet.settings import Timeouts

if TYPE_CHECKING:
    from logscale_graphql.create_fleet_install_token import CreateFleetInstallToken
    from logscale_graphql.default_fleet_installation_token import DefaultFleetInstallationToken
    from logscale_graphql.delete_fleet_install_token import DeleteFleetInstallToken
    from logscale_graphql.enums import FleetInstallationTokens__SortBy, OrderBy
    from logscale_graphql.fleet_installation_token import FleetInstallationToken
    from logscale_graphql.fleet_installation_tokens import FleetInstallationTokens
    from logscale_graphql.fragments import InstallTokenFields as InstallToken
    from logscale_graphql.update_fleet_install_token_config_id import (
        UpdateFleetInstallTokenConfigId,
    )
    from logscale_graphql.update_fleet_install_token_name import UpdateFleetInstallTokenName

    SortBy = Literal["name", "config"] | FleetInstallationTokens__SortBy
    Order = Literal["asc", "desc"] | OrderBy

log = logging.getLogger("logscale_fleet")


@dataclass(frozen=True)
class EnsureOutcome:
    """What `install_tokens.reconcile` did to reach the declared token."""

    token: InstallToken
    action: Literal["created", "updated", "unchanged"]


class _NameLocks:
    """One asyncio.Lock per name while someone holds or waits for it, then forgotten."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @contextmanager
    def _claimed(self, name: str) -> Iterator[asyncio.Lock]:
        lock, users = self._locks.get(name, (asyncio.Lock(), 0))
        self._locks[name] = (lock, users + 1)
        try:
            yield lock
        finally:
            lock, users = self._locks[name]
            if users == 1:
                del self._locks[name]
            else:
                self._locks[name] = (lock, users - 1)

    @asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[None]:
        with self._claimed(name) as lock:
            async with lock:
                yield


class EnsureOne(Protocol):
    """Plans and applies one declared token through the reconcile engine (the client injects
    it: resources sit below the engine). `options` are the per-call `timeout`/`max_retries`."""

    async def __call__(
        self, tokens: InstallTokens, name: str, config_id: str | None, options: dict[str, Any]
    ) -> EnsureOutcome: ...


class InstallTokens:
    """Install tokens. Every method takes per-call `timeout=` and `max_retries=` keywords."""

    def __init__(self, executor: Executor, ensure_one: EnsureOne) -> None:
        self._executor = executor
        self._ensure_one = ensure_one
        self._ensure_locks = _NameLocks()

    async def create(
        self,
        name: str,
        config_id: str | None = None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> InstallToken:
        """Create an install token. Never resent after an ambiguous failure: a create that may
        have reached the server raises, and `ensure` is the safe way to retry."""
        validation.check_name(name)
        variables: dict[str, Any] = {"name": name}
        if config_id is not None:
            variables["config_id"] = validation.check_id(config_id, "config_id")
        result: CreateFleetInstallToken = await self._executor.run(
            "CreateFleetInstallToken", timeout=timeout, max_retries=max_retries, **variables
        )
        return result.create_fleet_install_token

    async def get(
        self,
        token: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> InstallToken | None:
        """The token with this value, or None."""
        validation.check_id(token, "token")
        result: FleetInstallationToken = await self._executor.run(
            "FleetInstallationToken", timeout=timeout, max_retries=max_retries, token=token
        )
        return result.fleet_installation_token

    async def list(
        self,
        sort_by: SortBy | None = None,
        order: Order = "asc",
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[InstallToken]:
        """Every install token, in one request (fleetInstallationTokens).

        `sort_by` ("name" or "config") sorts them here, in the order `iter` gets from the
        server's search: names compared case-insensitively, a token without a configuration as
        an empty name, ties in the order the server listed them (reversed for "desc"). One
        request instead of a page per 1,000 tokens: over a WAN the round trips are the cost.
        """
        direction = _direction(order)
        sort = None if sort_by is None else _sort(sort_by)
        result: FleetInstallationTokens = await self._executor.run(
            "FleetInstallationTokens", timeout=timeout, max_retries=max_retries
        )
        tokens = [*result.fleet_installation_tokens]
        if sort is None:
            return tokens
        tokens.sort(key=_SORT_KEYS[sort.value])
        if direction.value == "DESC":
            tokens.reverse()
        return tokens

    async def iter(
        self,
        page_size: int = 100,
        sort_by: SortBy = "name",
        order: Order = "asc",
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> AsyncIterator[InstallToken]:
        """Every install token, a page at a time (searchFleetInstallationTokens)."""
        validation.check_page_size(page_size)
        sort = _sort(sort_by)
        direction = _direction(order)

        async for token in searched(
            self._executor.run,
            "SearchFleetInstallationTokens",
            "search_fleet_installation_tokens",
            key=lambda t: t.token,
            page_size=page_size,
            timeout=timeout,
            max_retries=max_retries,
            sort_by=sort,
            order_by=direction,
        ):
            yield token

    async def default(
        self, *, timeout: float | Timeouts | None = None, max_retries: int | None = None
    ) -> InstallToken | None:
        """The organisation's default install token, if it has one."""
        result: DefaultFleetInstallationToken = await self._executor.run(
            "DefaultFleetInstallationToken", timeout=timeout, max_retries=max_retries
        )
        return result.default_fleet_installation_token

    async def rename(
        self,
        token: str,
        new_name: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> InstallToken:
        validation.check_id(token, "token")
        validation.check_name(new_name, "new_name")
        result: UpdateFleetInstallTokenName = await self._executor.run(
            "UpdateFleetInstallTokenName",
            timeout=timeout,
            max_retries=max_retries,
            token=token,
            name=new_name,
        )
        return result.update_fleet_install_token_name

    async def assign_configuration(
        self,
        token: str,
        config_id: str | None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> InstallToken:
        """Assign a collector configuration to the token; None unassigns it."""
        validation.check_id(token, "token")
        if config_id is not None:
            validation.check_id(config_id, "config_id")
        result: UpdateFleetInstallTokenConfigId = await self._executor.run(
            "UpdateFleetInstallTokenConfigId",
            timeout=timeout,
            max_retries=max_retries,
            token=token,
            config_id=config_id,
        )
        return result.update_fleet_install_token_config_id

    async def delete(
        self,
        token: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> bool:
        """Delete the token; the server's answer says whether it existed."""
        validation.check_id(token, "token")
        result: DeleteFleetInstallToken = await self._executor.run(
            "DeleteFleetInstallToken", timeout=timeout, max_retries=max_retries, token=token
        )
        return result.delete_fleet_install_token

    async def find(
        self,
        name: str,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> builtins.list[InstallToken]:
        """Every token with exactly this name (names are not unique in LogScale)."""
        validation.check_name(name)
        tokens = await self.list(timeout=timeout, max_retries=max_retries)
        return [t for t in tokens if t.name == name]

    async def ensure(
        self,
        name: str,
        config_id: str | None = None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> tuple[InstallToken, bool]:
        """The token named `name` with configuration `config_id` (None: no configuration).

        Returns `(token, created)`. An existing token is reused (and reassigned if its
        configuration differs); otherwise one is created. Re-running creates nothing twice,
        also after a create that failed ambiguously (the name is looked up before giving up).
        More than one existing token with the name is an `InvalidInputError`.
        `reconcile` does the same and also says whether it updated anything.
        """
        outcome = await self.reconcile(name, config_id, timeout=timeout, max_retries=max_retries)
        return outcome.token, outcome.action == "created"

    async def reconcile(
        self,
        name: str,
        config_id: str | None = None,
        *,
        timeout: float | Timeouts | None = None,
        max_retries: int | None = None,
    ) -> EnsureOutcome:
        """`ensure`, reporting what it did: created, updated or unchanged. A one-item plan
        through the reconcile engine (`FleetClient` injects it as `ensure_one`), so the rules
        of `fleet.apply` hold, an ambiguous create looked up by name among them."""
        validation.check_name(name)
        if config_id is not None:
            validation.check_id(config_id, "config_id")
        options: dict[str, Any] = {"timeout": timeout, "max_retries": max_retries}
        # Two concurrent ensures of one name in this process must not both create.
        async with self._ensure_locks.hold(name):
            return await self._ensure_one(self, name, config_id, options)


def _sort(sort_by: SortBy) -> FleetInstallationTokens__SortBy:
    from logscale_graphql.enums import FleetInstallationTokens__SortBy

    sort: FleetInstallationTokens__SortBy = _choose(
        "sort_by",
        sort_by,
        {
            "name": FleetInstallationTokens__SortBy.Name,
            "config": FleetInstallationTokens__SortBy.ConfigName,
        },
    )
    return sort


def _direction(order: Order) -> OrderBy:
    from logscale_graphql.enums import OrderBy

    direction: OrderBy = _choose("order", order, {"asc": OrderBy.ASC, "desc": OrderBy.DESC})
    return direction


def _by_name(token: InstallToken) -> str:
    return token.name.casefold()


def _by_config_name(token: InstallToken) -> str:
    assigned = token.assigned_configuration
    return "" if assigned is None else assigned.name.casefold()


# Keyed by the enum's value, so the table needs no generated import at module load.
_SORT_KEYS = {"Name": _by_name, "ConfigName": _by_config_name}


def _choose(argument: str, value: Any, choices: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.lower() in choices:
        return choices[value.lower()]
    if value in choices.values():
        return value
    raise InvalidInputError(argument, f"must be one of {', '.join(choices)}")
